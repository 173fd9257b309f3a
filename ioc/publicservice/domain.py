"""The public-service domain's registration."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob


def _sel():
    from ioc.publicservice import selectors

    return selectors


def _alert_late():
    from ioc.publicservice.services import alert_late_files

    return alert_late_files()


def _daily_report():
    from ioc.publicservice.jobs import daily_report

    return daily_report()


DOMAIN = Domain(
    key="publicservice",
    label=_("Public services"),
    icon="§",
    layers=(
        MapLayer(
            key="publicservice.units",
            label=_("On-time rate by unit (90 days)"),
            color="#2da44e",
            cluster=False,
            visible=False,
            refresh_seconds=0,
            geojson_fn=lambda user, filters: _sel().units_by_on_time(user, filters),
        ),
    ),
    tiles=(
        KpiTile(
            key="publicservice.received",
            label=_("Files received (30 days)"),
            value_fn=lambda u, unit: _sel().count_received_30d(u, unit),
            good_when="high",
        ),
        KpiTile(
            key="publicservice.processing",
            label=_("Files in process"),
            value_fn=lambda u, unit: _sel().count_processing(u, unit),
        ),
        KpiTile(
            key="publicservice.on_time",
            label=_("Files early or on time (30 days)"),
            suffix="%",
            good_when="high",
            value_fn=lambda u, unit: _sel().on_time_pct(u, unit),
        ),
        KpiTile(
            key="publicservice.late",
            label=_("Files late (30 days)"),
            suffix="%",
            value_fn=lambda u, unit: _sel().late_pct(u, unit),
        ),
        KpiTile(
            key="publicservice.online",
            label=_("Files online (30 days)"),
            suffix="%",
            good_when="high",
            value_fn=lambda u, unit: _sel().online_pct(u, unit),
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
        ),
    ),
    api_router="ioc.publicservice.api.build_router",
    simulator="ioc.publicservice.simulate.run",
    periodic_jobs=(
        PeriodicJob(key="publicservice.alert_late", fn=_alert_late, minutes=15),
        PeriodicJob(key="publicservice.daily_report", fn=_daily_report, at="07:00"),
    ),
    urls="ioc.publicservice.urls.include_urls",
    nav_url="/dashboard/publicservice/",
    setup="ioc.publicservice.defaults.ensure_defaults",
)
