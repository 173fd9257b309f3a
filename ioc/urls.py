from django.contrib import admin
from django.urls import include, path

from ioc import api
from ioc.core import views as core_views
from ioc.core.metrics import metrics_view
from ioc.core.registry import registry
from ioc.dashboard import wall

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/notifications/", core_views.notifications, name="notifications"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Prometheus: the machine itself, or an operator's bearer token (ioc.core.metrics).
    path("metrics", metrics_view, name="metrics"),
    path("api/", api.build().urls),
    path("dashboard/", include("ioc.dashboard.urls")),
    # The wall display's kiosk link: signs its view-only account in (ioc wall-url prints it).
    path("wall/<str:token>/", wall.kiosk_login, name="wall_kiosk"),
    # The offline base map's tiles (public map data: the citizens' report map uses them too).
    path("basemap/<int:z>/<int:x>/<int:y>", core_views.basemap_tile, name="basemap_tile"),
    # Attachments are served only to logged-in staff (personal data may be in photos).
]
for _domain in registry:
    if _domain.urls:
        urlpatterns += _domain.hook("urls")()
