from django.urls import include, path

from ioc.publicservice.views import staff as views

app_name = "publicservice"
urlpatterns = [
    path("dashboard/publicservice/", views.dashboard, name="dashboard"),
    path("dashboard/publicservice/late/", views.late, name="late"),
    path("dashboard/publicservice/files/<str:code>/letter.pdf", views.letter, name="letter"),
    path("dashboard/publicservice/report.<str:fmt>", views.report, name="report"),
    path("dashboard/publicservice/import/", views.import_page, name="import"),
    path("dashboard/publicservice/import/upload/", views.import_upload, name="import_upload"),
    path("dashboard/publicservice/import/<int:pk>/", views.import_status, name="import_status"),
]


def include_urls():
    return [path("", include((urlpatterns, "publicservice")))]
