"""The sensors domain's registration: the device layer, KPIs, alert kinds with SOPs, the stale-device job."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob


def _layer(user, filters):
    from ioc.sensors.selectors import devices_geojson

    return devices_geojson(user, filters)


def _online(user, unit):
    from ioc.sensors.selectors import count_reporting

    return count_reporting(unit)


def _triggered(user, unit):
    from ioc.sensors.selectors import count_triggered

    return count_triggered(unit)


def _stale():
    from ioc.sensors.services import check_stale

    return check_stale()


def _roll_up():
    from ioc.sensors.timeseries import roll_up

    return roll_up()


def _retention():
    from ioc.sensors.timeseries import apply_retention

    return apply_retention()


DOMAIN = Domain(
    key="sensors",
    label=_("Sensors"),
    icon="≈",
    layers=(
        MapLayer(key="sensors.devices", label=_("Sensors"), geojson_fn=_layer, color="#0969da", refresh_seconds=30),
    ),
    tiles=(
        KpiTile(key="sensors.reporting", label=_("Sensors reporting"), value_fn=_online, good_when="high"),
        KpiTile(key="sensors.triggered", label=_("Sensor thresholds exceeded"), value_fn=_triggered),
    ),
    alert_kinds=(
        AlertKind(
            key="sensors.threshold",
            label=_("Sensor threshold exceeded"),
            severity="warning",
            sop=(
                _("Check the readings of nearby sensors and cameras"),
                _("Warn the ward and the residents downstream or below the slope"),
                _("Follow the disaster-response plan for this level"),
            ),
        ),
        AlertKind(
            key="sensors.stale",
            label=_("Sensor not reporting"),
            severity="info",
            sop=(_("Check power and connectivity of the device"), _("Send the owner department to inspect it")),
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="sensors.check_stale", fn=_stale, minutes=5),
        PeriodicJob(key="sensors.roll_up", fn=_roll_up, minutes=1),
        PeriodicJob(key="sensors.retention", fn=_retention, at="02:30"),
    ),
    urls="ioc.sensors.urls.include_urls",
    nav_url="/dashboard/sensors/",
    simulator="ioc.sensors.simulate.run",
)
