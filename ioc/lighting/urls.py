from django.urls import include, path

from ioc.lighting.views import staff as views

app_name = "lighting"
urlpatterns = [
    path("dashboard/lighting/", views.overview, name="overview"),
    path("dashboard/lighting/circuits/<int:pk>/override/", views.override, name="override"),
    path("dashboard/lighting/lamps/<int:pk>/", views.lamp_detail, name="lamp"),
    path("dashboard/lighting/import/", views.asset_import, name="import"),
    path("dashboard/lighting/rules/", views.rules, name="rules"),
    path("dashboard/lighting/rules/<int:pk>/<str:action>/", views.rule_action, name="rule_action"),
    path("dashboard/lighting/export.<str:fmt>", views.asset_export, name="export"),
    path("dashboard/lighting/report/<int:year>-<int:month>.<str:fmt>", views.monthly_report, name="report"),
]


def include_urls():
    return [path("", include((urlpatterns, "lighting")))]
