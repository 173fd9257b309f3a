from django.urls import include, path

from ioc.hotline.views import staff as views

app_name = "hotline"
urlpatterns = [
    path("dashboard/hotline/", views.calls, name="calls"),
    path("dashboard/hotline/call/", views.take_call, name="take_call"),
    path("dashboard/hotline/caller/", views.caller, name="caller"),
]


def include_urls():
    return [path("", include((urlpatterns, "hotline")))]
