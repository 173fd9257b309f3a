"""The cameras domain's registration: the camera layer, traffic KPIs, alert kinds with SOPs, periodic checks."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

DOMAIN = Domain(
    key="cameras",
    label=_("Cameras"),
    icon="◉",
    layers=(
        MapLayer(
            key="cameras.offline",
            label=_("Cameras offline"),
            geojson_fn="ioc.cameras.selectors.offline_geojson",
            color="#bf3989",
            refresh_seconds=30,
            legend=(("#bf3989", _("offline")),),
        ),
        MapLayer(
            key="cameras.cameras",
            label=_("Cameras"),
            geojson_fn="ioc.cameras.selectors.cameras_geojson",
            color="#8250df",
            refresh_seconds=30,
            visible=False,
            legend=(("#2da44e", _("online")), ("#bf3989", _("offline"))),
        ),
    ),
    tiles=(
        KpiTile(
            key="cameras.vehicles",
            label=_("Vehicles counted in the last hour"),
            value_fn="ioc.cameras.selectors.vehicles_last_hour",
        ),
        KpiTile(key="cameras.offline", label=_("Cameras offline"), value_fn="ioc.cameras.selectors.cameras_offline"),
    ),
    alert_kinds=(
        AlertKind(
            key="cameras.offline",
            label=_("Camera offline"),
            severity="warning",
            sop=(_("Check the camera's power and network"), _("Send the owner unit to inspect it")),
            clears="condition",
        ),
        AlertKind(
            key="cameras.crowd",
            label=_("Crowd detected"),
            severity="major",
            sop=(
                _("Look at the snapshot and the live view"),
                _("Inform the ward police"),
                _("Send forces to keep order if the crowd grows"),
            ),
        ),
        AlertKind(
            key="cameras.unusual",
            label=_("Unusual traffic"),
            severity="warning",
            sop=(_("Look for an accident or an event nearby"), _("Inform the traffic police")),
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="cameras.unusual", fn="ioc.cameras.services.check_unusual", minutes=15),
        PeriodicJob(key="cameras.purge_snapshots", fn="ioc.cameras.services.purge_snapshots", at="03:10"),
    ),
    urls="ioc.cameras.urls.include_urls",
    nav_url="/dashboard/cameras/",
    simulator="ioc.cameras.simulate.run",
    commands="ioc.cameras.cli.add_commands",
    processes=(("cameras", ("cameras", "worker")),),
)
