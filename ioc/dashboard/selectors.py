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


def rag(value, good_when: str, target) -> str:
    """ "green", "amber" or "red" against a (target, amber band); "" without a target or a value."""
    if value is None or target is None:
        return ""
    goal, band = target
    gap = (goal - value) if good_when == "high" else (value - goal)
    return "green" if gap <= 0 else "amber" if gap <= band else "red"


def headline(user, unit=None) -> list[dict]:
    """The leader's first screen: their few figures, each with its target, the change against the period before,
    and red/amber/green."""
    from ioc.core.selectors import kpi_target

    rows = []
    for tile in chosen_tiles(user):
        value = tile.value(user, unit)
        previous = tile.previous(user, unit)
        target = kpi_target(tile.key)
        change = round(value - previous, 1) if value is not None and previous is not None else None
        better = None if not change else (change > 0) == (tile.good_when == "high")
        rows.append(
            {
                "tile": tile,
                "value": value,
                "previous": previous,
                "change": change,
                "better": better,
                "target": target[0] if target else None,
                "rag": rag(value, tile.good_when, target),
            }
        )
    return rows
