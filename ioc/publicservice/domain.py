"""The public-service domain's registration."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

DOMAIN = Domain(
    key="publicservice",
    label=_("Public services"),
    icon="§",
    dependencies=("feedback",),  # the leaders' report puts citizen-report figures beside the files
    layers=(
        MapLayer(
            key="publicservice.units",
            label=_("On-time rate by unit (90 days)"),
            color="#2da44e",
            cluster=False,
            visible=False,
            refresh_seconds=0,
            geojson_fn="ioc.publicservice.selectors.units_by_on_time",
        ),
    ),
    tiles=(
        KpiTile(
            key="publicservice.received",
            label=_("Files received (30 days)"),
            value_fn="ioc.publicservice.selectors.count_received_30d",
            good_when="high",
        ),
        KpiTile(
            key="publicservice.processing",
            label=_("Files in process"),
            value_fn="ioc.publicservice.selectors.count_processing",
        ),
        KpiTile(
            key="publicservice.on_time",
            label=_("Files early or on time (30 days)"),
            suffix="%",
            good_when="high",
            value_fn="ioc.publicservice.selectors.on_time_pct",
            previous_fn="ioc.publicservice.selectors.on_time_pct_before",
        ),
        KpiTile(
            key="publicservice.late",
            label=_("Files late (30 days)"),
            suffix="%",
            value_fn="ioc.publicservice.selectors.late_pct",
            previous_fn="ioc.publicservice.selectors.late_pct_before",
        ),
        KpiTile(
            key="publicservice.online",
            label=_("Files online (30 days)"),
            suffix="%",
            good_when="high",
            value_fn="ioc.publicservice.selectors.online_pct",
        ),
    ),
    alert_kinds=(
        AlertKind(
            key="publicservice.late",
            label=_("Administrative files overdue"),
            severity="warning",
            sop=(
                _("Call the agency's head of the one-stop desk"),
                _("Issue the apology letter with a new appointment"),
                _("Report chronic delays to the leaders"),
            ),
            clears="condition",
        ),
    ),
    api_router="ioc.publicservice.api.build_router",
    simulator="ioc.publicservice.simulate.run",
    periodic_jobs=(
        PeriodicJob(key="publicservice.alert_late", fn="ioc.publicservice.services.alert_late_files", minutes=15),
        PeriodicJob(key="publicservice.daily_report", fn="ioc.publicservice.tasks.daily_report", at="07:00"),
    ),
    urls="ioc.publicservice.urls.include_urls",
    nav_url="/dashboard/publicservice/",
    setup="ioc.publicservice.defaults.ensure_defaults",
    commands="ioc.publicservice.cli.add_commands",
)
