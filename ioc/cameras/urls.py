from django.urls import include, path

from ioc.cameras.views import staff as views
from ioc.cameras.views import wall

app_name = "cameras"
urlpatterns = [
    path("dashboard/cameras/", views.camera_list, name="list"),
    path("dashboard/cameras/wall/", wall.camera_wall, name="wall"),
    path("dashboard/cameras/wall/status.json", wall.camera_wall_status, name="wall_status"),
    path("dashboard/cameras/<int:pk>/", views.camera_detail, name="detail"),
    path("dashboard/cameras/snapshots/<int:pk>.jpg", views.snapshot_image, name="snapshot"),
    path("dashboard/cameras/<int:pk>/setup/", views.camera_setup, name="setup"),
    path("dashboard/cameras/<int:pk>/setup/<str:kind>/<int:item_pk>/delete/", views.camera_setup_delete, name="delete"),
    path("dashboard/cameras/<int:pk>/live.jpg", views.live_frame, name="live"),
]


def include_urls():
    return [path("", include((urlpatterns, "cameras")))]
