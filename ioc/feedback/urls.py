from django.urls import path, re_path

from ioc.feedback import sso
from ioc.feedback.api import open311
from ioc.feedback.views import citizen
from ioc.feedback.views import public as views
from ioc.feedback.views import staff as staff_views

# Any extension reaches the view, which answers an unknown one with an Open311 error document (not an HTML 404).
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

app_name = "feedback"
urlpatterns = [
    # Citizens (public, mobile first)
    path("phan-anh/", views.portal, name="portal"),
    path("phan-anh/gui/", views.submit, name="submit"),
    path("phan-anh/gan-day.json", views.nearby, name="nearby"),
    path("phan-anh/ban-do.geojson", views.public_points, name="points"),
    path("phan-anh/theo-doi/", views.track_form, name="track_form"),
    path("phan-anh/theo-doi/<str:code>/", views.track, name="track"),
    path("phan-anh/<int:pk>/", views.public_detail, name="public_detail"),
    path("phan-anh/anh/<int:photo_id>.jpg", open311.photo, name="photo"),
    path("phan-anh/manifest.webmanifest", views.manifest, name="manifest"),
    path("phan-anh/ket-qua/", views.results, name="results"),
    path("phan-anh/dang-nhap/", citizen.sign_in, name="sign_in"),
    path("phan-anh/dang-nhap/ma/", citizen.sign_in_code, name="sign_in_code"),
    path("phan-anh/dang-nhap/sso/", sso.start, name="sso"),
    path("phan-anh/dang-nhap/sso/callback/", sso.callback, name="sso_callback"),
    path("phan-anh/cua-toi/", citizen.mine, name="mine"),
    path("phan-anh/cua-toi/nhan/", citizen.claim, name="claim"),
    path("phan-anh/sw.js", views.service_worker, name="service_worker"),
    # Officers
    path("dashboard/feedback/", staff_views.inbox, name="inbox"),
    path("dashboard/feedback/stats/", staff_views.stats, name="stats"),
    path("dashboard/feedback/<int:pk>/", staff_views.detail, name="staff_detail"),
    path("dashboard/feedback/photos/<int:photo_id>.jpg", staff_views.staff_photo, name="staff_photo"),
    path("dashboard/feedback/<int:pk>/moderate/", staff_views.moderate, name="moderate"),
    path("dashboard/feedback/<int:pk>/<str:action>/", staff_views.act, name="act"),
    # Open311 GeoReport v2
    re_path(r"^open311/v2/discovery" + FMT, open311.discovery),
    re_path(r"^open311/v2/services" + FMT, open311.services),
    re_path(r"^open311/v2/services/(?P<code>[\w-]+)" + FMT, open311.service_definition),
    re_path(r"^open311/v2/requests" + FMT, open311.requests_endpoint),
    re_path(r"^open311/v2/requests/(?P<request_id>\d+)" + FMT, open311.request_detail),
    re_path(r"^open311/v2/tokens/(?P<token_id>[\w-]+)" + FMT, open311.token),
    re_path(r"^open311/v2/servicerequestupdates" + FMT, open311.request_updates),
]


def include_urls():
    from django.urls import include

    return [path("", include((urlpatterns, "feedback")))]
