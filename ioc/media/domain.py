"""The online media domain's registration."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, PeriodicJob

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
    alert_kinds=(
        AlertKind(
            key="media.harmful",
            label=_("Harmful post about the city"),
            severity="warning",
            sop=(
                _("Verify the post: open the original, compare with the agency's own information"),
                _("Answer through the official channel (the city's portal and page) with the facts"),
                _("Request removal from the platform: it must act within 24 hours (Decree 147/2024/NĐ-CP)"),
                _("Report to the Anti-Fake-News Center or the police when it is a crime (scam, incitement)"),
            ),
            clears="manual",
        ),
        AlertKind(
            key="media.spike",
            label=_("Sudden rise in coverage"),
            severity="info",
            sop=(
                _("Open the keyword set's stories and find what is being shared"),
                _("Tell the agency concerned and agree on an answer"),
            ),
            clears="condition",
        ),
        AlertKind(
            key="media.negative_share",
            label=_("Negative coverage rising"),
            severity="info",
            sop=(
                _("Read the negative stories of the set: is it one event or many?"),
                _("Brief the leader in charge with the facts and the suggested answer"),
            ),
            clears="condition",
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="media.collect", fn="ioc.media.services.collect_due", minutes=5),
        PeriodicJob(key="media.watch", fn="ioc.media.watch.check_sets", minutes=15),
    ),
    urls="ioc.media.urls.include_urls",
    board="ioc.media.selectors.wall_board",
    commands="ioc.media.cli.add_commands",
    nav_url="/dashboard/media/",
    simulator="ioc.media.simulate.run",
    setup="ioc.media.defaults.ensure_defaults",
)
