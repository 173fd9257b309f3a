"""The cameras domain's registration: the camera layer, traffic KPIs, alert kinds with SOPs, periodic checks."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob


def _layer(user, filters):
    from ioc.cameras.selectors import cameras_geojson

    return cameras_geojson(user, filters)


def _vehicles(user, unit):
    from ioc.cameras.selectors import vehicles_last_hour

    return vehicles_last_hour(unit)


def _offline(user, unit):
    from ioc.cameras.selectors import cameras_offline

    return cameras_offline(unit)


def _unusual():
    from ioc.cameras.services import check_unusual

    return check_unusual()


def _purge():
    from ioc.cameras.services import purge_snapshots

    return purge_snapshots()


DOMAIN = Domain(
    key="cameras",
    label=_("Cameras"),
    icon="◉",
    layers=(
        MapLayer(key="cameras.cameras", label=_("Cameras"), geojson_fn=_layer, color="#8250df", refresh_seconds=30),
    ),
    tiles=(
        KpiTile(key="cameras.vehicles", label=_("Vehicles counted in the last hour"), value_fn=_vehicles),
        KpiTile(key="cameras.offline", label=_("Cameras offline"), value_fn=_offline),
    ),
    alert_kinds=(
        AlertKind(
            key="cameras.offline",
            label=_("Camera offline"),
            severity="warning",
            sop=(_("Check the camera's power and network"), _("Send the owner unit to inspect it")),
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
        PeriodicJob(key="cameras.unusual", fn=_unusual, minutes=15),
        PeriodicJob(key="cameras.purge_snapshots", fn=_purge, at="03:10"),
    ),
    urls="ioc.cameras.urls.include_urls",
    nav_url="/dashboard/cameras/",
    simulator="ioc.cameras.simulate.run",
)
