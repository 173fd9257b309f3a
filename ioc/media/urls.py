from django.urls import include, path

from ioc.media.views import staff as views

app_name = "media"
urlpatterns = [
    path("dashboard/media/", views.dashboard, name="dashboard"),
    path("dashboard/media/articles/<int:pk>/", views.article, name="article"),
    path("dashboard/media/articles/<int:pk>/label/", views.label, name="label"),
    path("dashboard/media/submit/", views.submit, name="submit"),
    path("dashboard/media/sources/", views.sources, name="sources"),
    path("dashboard/media/import/", views.import_page, name="import"),
    path("dashboard/media/report/<str:period>.<str:fmt>", views.report, name="report"),
]


def include_urls():
    return [path("", include((urlpatterns, "media")))]
