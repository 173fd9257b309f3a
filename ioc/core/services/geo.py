"""Administrative-unit geometry: which unit a point falls in on a date, and how old units roll up to today's."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from ioc.core.models import AdministrativeUnit

# Vietnam's extent, generously: coordinates outside it are refused as input errors.
VIETNAM_BOUNDS = {"min_lat": 8.0, "max_lat": 23.5, "min_lon": 102.0, "max_lon": 117.5}
_LEVEL_DEPTH = {"province": 0, "city": 1, "ward": 2, "commune": 2}


def in_vietnam(lat: float, lon: float) -> bool:
    b = VIETNAM_BOUNDS
    return b["min_lat"] <= lat <= b["max_lat"] and b["min_lon"] <= lon <= b["max_lon"]


@lru_cache(maxsize=4096)
def _prepared(unit_id: int, geometry_json: str):
    import json

    return prep(shape(json.loads(geometry_json)))


_units_cache: dict = {}


def invalidate_units(**_kwargs) -> None:
    """Forget the cached units (connected to AdministrativeUnit saves and deletes: a profile reload)."""
    _units_cache.clear()


def _units_on(on: date) -> list:
    """Units valid on a date with their prepared shapes, most detailed first; cached for a minute."""
    import json
    import time

    cached = _units_cache.get(on)
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    units = [
        (u, _prepared(u.pk, json.dumps(u.geometry, sort_keys=True)))
        for u in AdministrativeUnit.objects.filter(geometry__isnull=False)
        .exclude(valid_from__gt=on)
        .exclude(valid_to__lt=on)
    ]
    units.sort(key=lambda pair: _LEVEL_DEPTH.get(pair[0].level, 9), reverse=True)
    if len(_units_cache) > 64:
        _units_cache.clear()
    _units_cache[on] = (time.monotonic(), units)
    return units


def unit_at(lat: float, lon: float, on: date | None = None) -> AdministrativeUnit | None:
    """The most detailed unit valid on `on` (default today, Vietnam time) whose boundary contains the point."""
    on = on or timezone.localdate()
    point = Point(lon, lat)
    for unit, prepared in _units_on(on):
        if unit.min_lat <= lat <= unit.max_lat and unit.min_lon <= lon <= unit.max_lon and prepared.intersects(point):
            return unit
    return None


def random_point_in(geometry: dict, rng) -> tuple[float, float]:
    """A uniformly random (lat, lon) inside a GeoJSON polygon (simulators and benchmarks place things with it)."""
    from shapely.geometry import shape

    polygon = shape(geometry)
    min_x, min_y, max_x, max_y = polygon.bounds
    while True:
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if polygon.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    import math

    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def current_unit(unit: AdministrativeUnit) -> AdministrativeUnit:
    """Follow successors to the unit that holds this one's data today."""
    seen = {unit.pk}
    while unit.successor_id and unit.successor_id not in seen:
        unit = unit.successor
        seen.add(unit.pk)
    return unit


def units_rolling_up_to(unit: AdministrativeUnit) -> list[int]:
    """Ids of the unit, its children, and every unit (recursively) whose data rolls up into it."""
    ids = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        more = set(AdministrativeUnit.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) | set(
            AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = list(more - ids)
        ids |= more
    return sorted(ids)


def current_units(on: date | None = None, levels=("ward", "commune")):
    """Units valid on a date at the given levels (the units of today's map and KPIs)."""
    on = on or timezone.localdate()
    return (
        AdministrativeUnit.objects.filter(level__in=levels)
        .exclude(valid_from__gt=on)
        .exclude(valid_to__lt=on)
        .order_by("name")
    )


UNIT_PREFIXES = ("phuong ", "xa ", "thi tran ", "ward ", "commune ")


def place_of_address(address: str) -> tuple[float, float, AdministrativeUnit] | None:
    """(lat, lon, unit) of the ward or commune an address names ('Tổ 5, phường Đoàn Kết' → Đoàn Kết's label
    point), for clients that send an address without coordinates; None when no unit of today's map is named."""
    import re

    from ioc.core.text import fold

    text = " " + re.sub(r"\W+", " ", fold(address)) + " "  # punctuation separates words like spaces
    best = None
    for unit in current_units():
        name = fold(unit.name)
        for prefix in UNIT_PREFIXES:
            name = name.removeprefix(prefix)
        if unit.label_lat is not None and f" {name} " in text and (best is None or len(name) > best[0]):
            best = (len(name), unit)
    if best is None:
        return None
    return best[1].label_lat, best[1].label_lon, best[1]
