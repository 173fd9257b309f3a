"""Core's own registration: the unit boundaries and alerts layers, the operations KPIs, escalation."""

from django.utils.translation import gettext_lazy as _

from ioc.core.choices import Severity
from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

# Alerts alone use these (information, warning, major, critical); other layers keep clear of them.
SEVERITY_COLOURS = ("#6e7781", "#d29922", "#e8590c", "#cf222e")

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
            color="#e6edf3",  # white: each point is coloured by its severity, the layer itself by none
            refresh_seconds=10,
            legend=tuple((colour, label) for colour, label in zip(SEVERITY_COLOURS, Severity.labels, strict=True)),
        ),
        MapLayer(
            key="core.incidents",
            label=_("Open incidents"),
            geojson_fn="ioc.core.selectors.incidents_geojson",
            color="#0550ae",
            refresh_seconds=15,
            cluster=False,
            legend=(("#0550ae", _("being handled")), ("#8250df", _("past its deadline"))),
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
    simulator="ioc.core.simulate.run",  # the demo's duty officer
    attention="ioc.core.selectors.attention",
    work="ioc.core.selectors.work",
    periodic_jobs=(
        PeriodicJob(key="core.escalate_overdue", fn="ioc.core.services.alerts.escalate_overdue", minutes=1),
        PeriodicJob(key="core.alert_digest", fn="ioc.core.services.digest.send_digests", minutes=1),
        PeriodicJob(key="core.briefing_daily", fn="ioc.dashboard.briefing.send_daily", at="07:00"),
        PeriodicJob(key="core.briefing_weekly", fn="ioc.dashboard.briefing.send_weekly", at="07:05"),
    ),
)
