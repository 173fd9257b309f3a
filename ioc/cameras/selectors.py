"""Reading camera results for the map, the KPI strip and the camera pages."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.cameras.models import Camera, CountBin
from ioc.core.geojson import point_collection

VEHICLES = ("bicycle", "motorbike", "car", "bus", "truck")
STATUS_COLOURS = {"online": "#2da44e", "offline": "#cf222e", "disabled": "#6e7781"}


def recent_totals(minutes: int = 15) -> dict[int, int]:
    since = timezone.now() - timedelta(minutes=minutes)
    rows = CountBin.objects.filter(minutes=1, start__gte=since).values("camera").annotate(n=Sum("count"))
    return {r["camera"]: r["n"] for r in rows}


def _compass(degrees: int) -> str:
    points = (_("N"), _("NE"), _("E"), _("SE"), _("S"), _("SW"), _("W"), _("NW"))
    return str(points[round(degrees / 45) % 8])


def cameras_geojson(user, filters) -> dict:
    """Cameras as points coloured by status, titled with what crossed in the last 15 minutes."""
    totals = recent_totals()
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
        for c in Camera.objects.exclude(status=Camera.Status.DISABLED).only(
            "id", "name", "lat", "lon", "status", "heading"
        )
    ]
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/cameras/{id}/")


def vehicles_last_hour(user=None, unit=None) -> int:
    """Vehicles that crossed a counting line in the last hour (the KPI tile)."""
    since = timezone.now() - timedelta(hours=1)
    qs = CountBin.objects.filter(minutes=1, start__gte=since, cls__in=VEHICLES)
    if unit is not None:
        from ioc.core.services.geo import units_rolling_up_to

        qs = qs.filter(camera__unit_id__in=units_rolling_up_to(unit))
    return qs.aggregate(n=Sum("count"))["n"] or 0


def cameras_offline(user=None, unit=None) -> int:
    """Cameras offline now (the KPI tile)."""
    qs = Camera.objects.filter(status=Camera.Status.OFFLINE)
    if unit is not None:
        from ioc.core.services.geo import units_rolling_up_to

        qs = qs.filter(unit_id__in=units_rolling_up_to(unit))
    return qs.count()


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
    return {"labels": labels, "series": {cls: [values.get(x, 0) for x in labels] for cls, values in series.items()}}


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
