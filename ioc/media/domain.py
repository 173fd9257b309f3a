"""The online media domain's registration."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import Domain, KpiTile, PeriodicJob

DOMAIN = Domain(
    key="media",
    label=_("Online media"),
    icon="📰",
    tiles=(
        KpiTile(
            key="media.mentions",
            label=_("Articles about the city (24 h)"),
            value_fn="ioc.media.selectors.count_mentioned_24h",
        ),
    ),
    periodic_jobs=(PeriodicJob(key="media.collect", fn="ioc.media.services.collect_due", minutes=5),),
    urls="ioc.media.urls.include_urls",
    nav_url="/dashboard/media/",
    simulator="ioc.media.simulate.run",
    setup="ioc.media.defaults.ensure_defaults",
)
