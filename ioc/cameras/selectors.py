"""Reading camera results for the map, the KPI strip and the camera pages."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ioc.cameras.analysis.scene import BEYOND
from ioc.cameras.choices import class_label
from ioc.cameras.models import Camera, CountBin
from ioc.core.geojson import point_collection

VEHICLES = ("bicycle", "motorbike", "car", "bus", "truck")
STATUS_COLOURS = {"online": "#2da44e", "offline": "#bf3989", "disabled": "#6e7781"}


def recent_totals(minutes: int = 15) -> dict[int, int]:
    since = timezone.now() - timedelta(minutes=minutes)
    rows = CountBin.objects.filter(minutes=1, start__gte=since).values("camera").annotate(n=Sum("count"))
    return {r["camera"]: r["n"] for r in rows}


def _compass(degrees: int) -> str:
    points = (_("N"), _("NE"), _("E"), _("SE"), _("S"), _("SW"), _("W"), _("NW"))
    return str(points[round(degrees / 45) % 8])


def visible_cameras(user, filters=None, *, with_disabled: bool = False):
    """Cameras a user sees: a ward officer their ward's, other staff all; narrowed to the unit chosen on the map.
    Disabled cameras are left out unless asked for (the camera list shows them)."""
    from ioc.core.models import AdministrativeUnit
    from ioc.core.permissions import Role, role_of
    from ioc.core.services.geo import units_rolling_up_to

    qs = Camera.objects.all() if with_disabled else Camera.objects.exclude(status=Camera.Status.DISABLED)
    if user is not None and role_of(user) == Role.WARD_OFFICER:
        qs = qs.filter(unit_id__in=units_rolling_up_to(user.profile.unit))
    unit_id = getattr(filters, "unit", None)
    if unit_id:
        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs.none()
    return qs


def offline_geojson(user, filters) -> dict:
    """Cameras that stopped sending pictures."""
    return cameras_geojson(user, filters, offline_only=True)


def cameras_geojson(user, filters, offline_only: bool = False) -> dict:
    """Cameras as points coloured by status, titled with what crossed in the last 15 minutes."""
    totals = recent_totals()
    cameras = visible_cameras(user, filters)
    if offline_only:
        cameras = cameras.filter(status=Camera.Status.OFFLINE)
    rows = [
        (
            c.pk,
            c.lon,
            c.lat,
            _("%(name)s: %(n)s passages/15 min · looking %(deg)s° (%(dir)s)")
            % {"name": c.name, "n": totals.get(c.pk, 0), "deg": c.heading, "dir": _compass(c.heading)},
            c.status,
            STATUS_COLOURS.get(c.status, "#6e7781"),
        )
        for c in cameras.only("id", "name", "lat", "lon", "status", "heading")
    ]
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/cameras/{id}/")


def vehicles_last_hour(user=None, unit=None) -> int:
    """Vehicles that crossed a counting line in the last hour, at the cameras the user sees (the KPI tile)."""
    from ioc.core.selectors import Filters

    since = timezone.now() - timedelta(hours=1)
    cameras = visible_cameras(user, Filters(unit=unit.pk) if unit is not None else None)
    qs = CountBin.objects.filter(minutes=1, start__gte=since, cls__in=VEHICLES, camera__in=cameras)
    return qs.aggregate(n=Sum("count"))["n"] or 0


def cameras_offline(user=None, unit=None) -> int:
    """Cameras offline now, of those the user sees (the KPI tile)."""
    from ioc.core.selectors import Filters

    filters = Filters(unit=unit.pk) if unit is not None else None
    return visible_cameras(user, filters).filter(status=Camera.Status.OFFLINE).count()


def flow(camera: Camera, hours: int = 24) -> dict:
    """15-minute counts by class over the last hours, for the flow chart."""
    since = timezone.now() - timedelta(hours=hours)
    series: dict[str, dict] = defaultdict(dict)
    starts = set()
    for row in (
        CountBin.objects.filter(camera=camera, minutes=15, start__gte=since)
        .values("start", "cls")
        .annotate(n=Sum("count"))
    ):
        label = timezone.localtime(row["start"]).strftime("%d/%m %H:%M")
        starts.add((row["start"], label))
        series[row["cls"]][label] = row["n"]
    labels = [label for _start, label in sorted(starts)]
    return {
        "labels": labels,
        "series": {cls: [values.get(x, 0) for x in labels] for cls, values in series.items()},
        "names": {cls: class_label(cls) for cls in series},  # the chart's legend in the reader's language
    }


def scene(camera: Camera, hours: int = 24) -> dict | None:
    """How far the camera's counts can be trusted: its picture's conditions, the confidence, and the share of the
    last hours' counts that were riders cut out of merged groups (estimates). None before any analysis."""
    if camera.confidence is None:
        return None
    totals = CountBin.objects.filter(
        camera=camera, minutes=15, start__gte=timezone.now() - timedelta(hours=hours)
    ).aggregate(n=Sum("count"), estimated=Sum("estimated"))
    return {
        "labels": camera.scene_labels or [pgettext("camera scene", "clear")],
        "confidence": camera.confidence_pct,
        "beyond": camera.confidence <= BEYOND,  # the analysis caps a scene beyond the default detector there
        "estimated": round(100 * (totals["estimated"] or 0) / totals["n"]) if totals["n"] else 0,
    }


def heatmap(camera: Camera, days: int = 28) -> list[list[int]]:
    """Average count per hour (columns 0–23) for each weekday (rows Monday–Sunday) over the last weeks."""
    since = timezone.now() - timedelta(days=days)
    cells = [[0] * 24 for _ in range(7)]
    weeks = max(days / 7, 1)
    rows = (
        CountBin.objects.filter(camera=camera, minutes=15, start__gte=since)
        .annotate(weekday=ExtractIsoWeekDay("start"), hour=ExtractHour("start"))
        .values("weekday", "hour")
        .annotate(n=Sum("count"))
    )
    for row in rows:
        cells[row["weekday"] - 1][row["hour"]] = round(row["n"] / weeks)
    return cells


def peak_hours(cells: list[list[int]], top: int = 5) -> list[tuple[int, int]]:
    """The busiest hours of the day (hour, average count per day) from the weekday × hour heat map."""
    by_hour = [sum(day[h] for day in cells) / 7 for h in range(24)]
    ranked = sorted(range(24), key=lambda h: -by_hour[h])[:top]
    return [(h, round(by_hour[h])) for h in ranked]


def last_minute_counts(camera_ids) -> dict[int, list[tuple[str, int]]]:
    """What crossed each camera's lines in the last full minute, by class (for the camera wall's tiles)."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        CountBin.objects.filter(minutes=1, start=start, camera_id__in=camera_ids)
        .values("camera", "cls")
        .annotate(n=Sum("count"))
        .order_by("camera", "-n")
    ):
        counts[row["camera"]].append((class_label(row["cls"]), row["n"]))
    return counts
