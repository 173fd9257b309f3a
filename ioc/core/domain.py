"""Core's own registration: the unit boundaries and alerts layers, the operations KPIs, escalation."""

from django.utils.translation import gettext_lazy as _

from ioc.core import selectors
from ioc.core.models import Severity
from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob


def _units_layer(user, filters) -> dict:
    return selectors.units_geojson()


def _alerts_layer(user, filters) -> dict:
    return selectors.alerts_geojson(user, filters)


def _escalate():
    from ioc.core.services.alerts import escalate_overdue

    return escalate_overdue()


DOMAIN = Domain(
    key="core",
    label=_("Operations"),
    icon="◉",
    layers=(
        MapLayer(
            key="core.units",
            label=_("Administrative units"),
            geojson_fn=_units_layer,
            color="#6e7781",
            cluster=False,
            refresh_seconds=0,
        ),
        MapLayer(
            key="core.alerts",
            label=_("Open alerts"),
            geojson_fn=_alerts_layer,
            color="#cf222e",
            refresh_seconds=10,
        ),
    ),
    tiles=(
        KpiTile(
            key="core.open_alerts",
            label=_("Open alerts"),
            value_fn=lambda user, unit: selectors.count_open_alerts(user, unit),
        ),
        KpiTile(
            key="core.critical_alerts",
            label=_("Major and critical"),
            value_fn=lambda user, unit: selectors.count_open_alerts(user, unit, Severity.MAJOR),
        ),
        KpiTile(
            key="core.open_incidents",
            label=_("Open incidents"),
            value_fn=lambda user, unit: selectors.count_open_incidents(user, unit),
        ),
        KpiTile(
            key="core.overdue_incidents",
            label=_("Overdue incidents"),
            value_fn=lambda user, unit: selectors.count_overdue_incidents(user, unit),
        ),
        KpiTile(
            key="core.minutes_to_ack",
            label=_("Minutes to acknowledge (24 h)"),
            value_fn=lambda user, unit: selectors.mean_minutes_to_acknowledge(user, unit),
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
    periodic_jobs=(PeriodicJob(key="core.escalate_overdue", fn=_escalate, minutes=1),),
)
