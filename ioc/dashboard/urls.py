from django.urls import path

from ioc.dashboard import feed, views, wall

app_name = "dashboard"
urlpatterns = [
    path("", views.map_view, name="map"),
    path("feed/", feed.feed, name="feed"),
    path("feed/stamp/", feed.feed_stamp, name="feed_stamp"),
    path("alerts/triage/", feed.triage_alerts, name="triage"),
    path("alerts.csv", views.alerts_csv, name="alerts_csv"),
    path("kpis/", views.kpi_strip, name="kpis"),
    path("kpis/choose/", views.kpi_choose, name="kpi_choose"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("incidents/", views.incident_board, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/files/<int:event_pk>/", views.incident_attachment, name="incident_attachment"),
    path("incidents/<int:pk>/<str:action>/", views.incident_action, name="incident_action"),
    path("leader/", views.leader, name="leader"),
    path("my-work/", views.my_work, name="my_work"),
    path("briefing/", views.briefing_view, name="briefing"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("wall/", wall.wall, name="wall"),
    path("wall/board/<str:key>/", wall.board, name="wall_board"),
    path("wall/pulse/", wall.pulse, name="wall_pulse"),
]
