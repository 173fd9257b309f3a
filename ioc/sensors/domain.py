"""The sensors domain's registration: the device layer, KPIs, alert kinds with SOPs, the stale-device job."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

DOMAIN = Domain(
    key="sensors",
    label=_("Sensors"),
    icon="≈",
    layers=(
        MapLayer(
            key="sensors.abnormal",
            label=_("Sensors over a threshold or silent"),
            geojson_fn="ioc.sensors.selectors.abnormal_geojson",
            color="#bf3989",
            refresh_seconds=30,
            legend=(("#bf3989", _("over a threshold")), ("#6e7781", _("not reporting"))),
        ),
        MapLayer(
            key="sensors.devices",
            label=_("Sensors"),
            geojson_fn="ioc.sensors.selectors.devices_geojson",
            color="#0969da",
            refresh_seconds=30,
            visible=False,
            legend=(("#2da44e", _("normal")), ("#bf3989", _("over a threshold")), ("#6e7781", _("not reporting"))),
        ),
    ),
    tiles=(
        KpiTile(
            key="sensors.reporting",
            label=_("Sensors reporting"),
            value_fn="ioc.sensors.selectors.count_reporting",
            good_when="high",
        ),
        KpiTile(
            key="sensors.triggered",
            label=_("Sensor thresholds exceeded"),
            value_fn="ioc.sensors.selectors.count_triggered",
        ),
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
            clears="condition",
        ),
        AlertKind(
            key="sensors.stale",
            label=_("Sensor not reporting"),
            severity="info",
            sop=(_("Check power and connectivity of the device"), _("Send the owner department to inspect it")),
            clears="condition",
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="sensors.check_stale", fn="ioc.sensors.services.check_stale", minutes=5),
        PeriodicJob(key="sensors.roll_up", fn="ioc.sensors.timeseries.roll_up", minutes=1),
        PeriodicJob(key="sensors.periodic_notifications", fn="ioc.sensors.periodic.send_periodic", minutes=1),
        PeriodicJob(key="sensors.retention", fn="ioc.sensors.timeseries.apply_retention", at="02:30"),
        PeriodicJob(key="sensors.partitions", fn="ioc.sensors.partitions.ensure_partitions", at="01:15"),
    ),
    urls="ioc.sensors.urls.include_urls",
    commands="ioc.sensors.cli.add_commands",
    nav_url="/dashboard/sensors/",
    simulator="ioc.sensors.simulate.run",
    board="ioc.sensors.selectors.wall_board",
    mqtt="ioc.sensors.workers.mqtt_handlers",
    public_paths=("/ngsi-ld/",),
    edge_error="ioc.sensors.ngsild.edge_error",
)
