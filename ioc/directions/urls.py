from django.urls import include, path

from ioc.directions.views import staff as views

app_name = "directions"
urlpatterns = [
    path("dashboard/directions/", views.direction_list, name="list"),
    path("dashboard/directions/new/", views.direction_new, name="new"),
    path("dashboard/directions/<int:pk>/", views.direction_detail, name="detail"),
    path("dashboard/directions/<int:pk>/files/<int:event_pk>/", views.direction_attachment, name="attachment"),
    path("dashboard/directions/<int:pk>/<str:action>/", views.direction_action, name="action"),
]


def include_urls():
    return [path("", include((urlpatterns, "directions")))]
