"""The directions domain's registration: KPI tiles, the overdue alert kind, the escalation job, the pages."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, PeriodicJob

DOMAIN = Domain(
    key="directions",
    label=_("Directions"),
    icon="➤",
    # A direction can be about a citizen report or an administrative file: it reads those domains' selectors.
    dependencies=("feedback", "publicservice"),
    tiles=(
        KpiTile(
            key="directions.open", label=_("Directions in progress"), value_fn="ioc.directions.selectors.count_open"
        ),
        KpiTile(
            key="directions.overdue", label=_("Directions overdue"), value_fn="ioc.directions.selectors.count_overdue"
        ),
        KpiTile(
            key="directions.on_time",
            label=_("Directions done on time (30 days)"),
            value_fn="ioc.directions.selectors.on_time_pct",
            previous_fn="ioc.directions.selectors.on_time_pct_before",
            suffix="%",
            good_when="high",
        ),
    ),
    alert_kinds=(
        AlertKind(
            key="directions.overdue",
            label=_("Direction overdue"),
            severity="warning",
            clears="condition",
            sop=(
                _("Call the lead unit and ask what stands in the way"),
                _("Report to the leader who gave the direction"),
            ),
        ),
    ),
    periodic_jobs=(PeriodicJob(key="directions.escalate", fn="ioc.directions.services.escalate_overdue", minutes=5),),
    urls="ioc.directions.urls.include_urls",
    simulator="ioc.directions.simulate.run",
    subject_panel="ioc.directions.selectors.subject_panel",
    subject_link="ioc.directions.selectors.subject_link",
    attention="ioc.directions.selectors.attention",
    work="ioc.directions.selectors.work",
    briefing="ioc.directions.selectors.briefing",
    leader_panel="ioc.directions.selectors.leader_panel",
    nav_url="/dashboard/directions/",
)
