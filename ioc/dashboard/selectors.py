"""The alert feed's tabs: what needs the officer now, what they already took, what waits, what ended."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.core import selectors
from ioc.core.models import Alert

FEED_SIZE = 50
TABS = {
    "new": _("To handle"),
    "acknowledged": _("Acknowledged"),
    "snoozed": _("Snoozed"),
    "ended": _("Ended (24 h)"),
}


def _tab_filter(tab: str, now) -> Q:
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    if tab == "acknowledged":
        return Q(status=Alert.Status.ACKNOWLEDGED) & awake
    if tab == "snoozed":
        return ~Q(status=Alert.Status.CLOSED) & Q(snoozed_until__gt=now)
    if tab == "ended":
        return Q(status=Alert.Status.CLOSED, closed_at__gte=now - timedelta(hours=24))
    return Q(status=Alert.Status.NEW) & awake


def feed(user, filters: selectors.Filters, tab: str) -> tuple[list[Alert], dict[str, int]]:
    """The tab's top-level alerts (rolled-up children counted on their parent), and how many each tab holds.

    "To handle" comes in answer order (priority, then the clock); the others newest first.
    """
    tab = tab if tab in TABS else "new"
    now = timezone.now()
    base = selectors.visible_alerts(user, filters).filter(parent__isnull=True)
    counts = base.aggregate(**{key: Count("id", filter=_tab_filter(key, now)) for key in TABS})
    order = ("priority", "respond_by", "-id") if tab == "new" else ("-last_seen_at", "-id")
    alerts = list(
        base.filter(_tab_filter(tab, now))
        .annotate(related=Count("children", filter=~Q(children__status=Alert.Status.CLOSED)))
        .order_by(*order)[:FEED_SIZE]
    )
    return alerts, counts


def chosen_tiles(user) -> list:
    """The KPI tiles the user keeps on the map's strip: their own choice, else their role's default few."""
    from django.conf import settings

    from ioc.core.permissions import role_of
    from ioc.core.registry import registry

    by_key = {tile.key: tile for tile in registry.tiles()}
    profile = getattr(user, "profile", None)
    keys = (profile.kpi_tiles if profile else None) or settings.IOC["ROLE_TILES"].get(
        role_of(user), settings.IOC["ROLE_TILES"]["operator"]
    )
    return [by_key[key] for key in keys if key in by_key]
