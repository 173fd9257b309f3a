"""Core's own registration: the unit boundaries and alerts layers, the operations KPIs, escalation."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

DOMAIN = Domain(
    key="core",
    label=_("Operations"),
    icon="◉",
    layers=(
        MapLayer(
            key="core.units",
            label=_("Administrative units"),
            geojson_fn="ioc.core.selectors.units_layer",
            color="#6e7781",
            cluster=False,
            refresh_seconds=0,
        ),
        MapLayer(
            key="core.alerts",
            label=_("Open alerts"),
            geojson_fn="ioc.core.selectors.alerts_geojson",
            color="#cf222e",
            refresh_seconds=10,
        ),
    ),
    tiles=(
        KpiTile(
            key="core.open_alerts",
            label=_("Open alerts"),
            value_fn="ioc.core.selectors.count_open_alerts",
        ),
        KpiTile(
            key="core.critical_alerts",
            label=_("Major and critical"),
            value_fn="ioc.core.selectors.count_major_alerts",
        ),
        KpiTile(
            key="core.open_incidents",
            label=_("Open incidents"),
            value_fn="ioc.core.selectors.count_open_incidents",
        ),
        KpiTile(
            key="core.overdue_incidents",
            label=_("Overdue incidents"),
            value_fn="ioc.core.selectors.count_overdue_incidents",
        ),
        KpiTile(
            key="core.minutes_to_ack",
            label=_("Minutes to acknowledge (24 h)"),
            value_fn="ioc.core.selectors.mean_minutes_to_acknowledge",
            suffix="′",
        ),
    ),
    alert_kinds=(
        AlertKind(
            key="core.manual",
            label=_("Reported to the operations center"),
            severity="warning",
            sop=(
                _("Confirm the location and what happened with the reporter"),
                _("Assign the responsible department or ward"),
                _("Follow up until the department reports it resolved"),
            ),
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="core.escalate_overdue", fn="ioc.core.services.alerts.escalate_overdue", minutes=1),
        PeriodicJob(key="core.alert_digest", fn="ioc.core.services.digest.send_digests", minutes=1),
    ),
)
