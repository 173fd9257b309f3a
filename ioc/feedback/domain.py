"""The feedback domain's registration: layers, KPI tiles, alert kinds, API, pages, simulator, jobs, defaults."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

DOMAIN = Domain(
    key="feedback",
    label=_("Citizen reports"),
    icon="✎",
    layers=(
        MapLayer(
            key="feedback.reports",
            label=_("Citizen reports (open)"),
            color="#1a7f37",
            refresh_seconds=30,
            visible=False,
            geojson_fn="ioc.feedback.selectors.reports_geojson",
        ),
        MapLayer(
            key="feedback.heat",
            label=_("Citizen reports (heat, 90 days)"),
            color="#bf8700",
            heat=True,
            cluster=False,
            visible=False,
            refresh_seconds=0,
            geojson_fn="ioc.feedback.selectors.reports_heat",
        ),
    ),
    tiles=(
        KpiTile(key="feedback.open", label=_("Open reports"), value_fn="ioc.feedback.selectors.kpi_open"),
        KpiTile(
            key="feedback.overdue",
            label=_("Overdue reports"),
            value_fn="ioc.feedback.selectors.kpi_overdue",
        ),
        KpiTile(
            key="feedback.on_time",
            label=_("Reports on time (30 days)"),
            suffix="%",
            good_when="high",
            value_fn="ioc.feedback.selectors.kpi_on_time_pct",
            previous_fn="ioc.feedback.selectors.kpi_on_time_pct_before",
        ),
        KpiTile(
            key="feedback.satisfaction",
            label=_("Citizens satisfied (90 days)"),
            suffix="%",
            good_when="high",
            value_fn="ioc.feedback.selectors.kpi_satisfaction_pct",
            previous_fn="ioc.feedback.selectors.kpi_satisfaction_pct_before",
        ),
    ),
    alert_kinds=(
        AlertKind(
            key="feedback.urgent",
            label=_("Urgent citizen report"),
            severity="major",
            group_by="place",
            sop=(
                _("Call the reporter if a phone number was given"),
                _("Send the ward's team or the police"),
                _("Assign the report to the responsible department"),
            ),
        ),
        AlertKind(
            key="feedback.overdue",
            label=_("Citizen report overdue"),
            severity="warning",
            sop=(
                _("Call the responsible department"),
                _("Ask for an extension with a reason, or resolve"),
                _("Escalate to the leaders if there is no answer"),
            ),
        ),
    ),
    api_router="ioc.feedback.api.build_router",
    simulator="ioc.feedback.simulate.run",
    periodic_jobs=(PeriodicJob(key="feedback.check_deadlines", fn="ioc.feedback.services.check_deadlines", minutes=5),),
    urls="ioc.feedback.urls.include_urls",
    nav_url="/dashboard/feedback/",
    setup="ioc.feedback.defaults.ensure_default_categories",
    commands="ioc.feedback.cli.add_commands",
    public_paths=("/open311/", "/phan-anh/"),
    citizen_url="/phan-anh/cua-toi/",
    work="ioc.feedback.selectors.work",
    briefing="ioc.feedback.selectors.briefing",
    edge_error="ioc.feedback.api.open311.edge_error",
)
