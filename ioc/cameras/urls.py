from django.urls import include, path

from ioc.cameras import views

app_name = "cameras"
urlpatterns = [
    path("dashboard/cameras/", views.camera_list, name="list"),
    path("dashboard/cameras/<int:pk>/", views.camera_detail, name="detail"),
    path("dashboard/cameras/snapshots/<int:pk>.jpg", views.snapshot_image, name="snapshot"),
]


def include_urls():
    return [path("", include((urlpatterns, "cameras")))]
