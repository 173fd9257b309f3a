"""Energy per lamp, circuit and unit, per night and month: measured consumption against a baseline of every
lamp at full power from sunset to sunrise, and its cost at the configured tariff."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings

from ioc.lighting import planning
from ioc.lighting.models import Lamp, NightEnergy


def baseline_kwh(rated_w: float, night: date, lat: float, lon: float) -> float:
    dusk, dawn = planning.sun_times(night, round(lat, 3), round(lon, 3))
    return rated_w * (dawn - dusk).total_seconds() / 3600 / 1000


def summary(start: date, end: date) -> dict:
    """Nights from `start` to `end` inclusive: totals and rows by circuit and by unit, with savings and cost.
    Only lamps that reported that night count in both measured and baseline (savings compare like with like)."""
    tariff = settings.IOC["LIGHTING_TARIFF_VND"]
    lamps = {
        lamp.pk: lamp
        for lamp in Lamp.objects.select_related("circuit__cabinet__unit").only(
            "id",
            "rated_w",
            "lat",
            "lon",
            "circuit__code",
            "circuit__name",
            "circuit__cabinet__lat",
            "circuit__cabinet__lon",
            "circuit__cabinet__unit__name",
        )
    }
    by_circuit: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_unit: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_night: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in NightEnergy.objects.filter(night__range=(start, end)).values_list("lamp_id", "night", "energy_kwh"):
        lamp = lamps.get(row[0])
        if lamp is None:
            continue
        cabinet = lamp.circuit.cabinet
        base = baseline_kwh(lamp.rated_w, row[1], cabinet.lat, cabinet.lon)
        for bucket in (
            by_circuit[f"{lamp.circuit.code} {lamp.circuit.name}"],
            by_unit[cabinet.unit.name if cabinet.unit else "—"],
            by_night[row[1]],
        ):
            bucket[0] += row[2]
            bucket[1] += base

    def rows(groups):
        return [_row(name, used, base, tariff) for name, (used, base) in sorted(groups.items())]

    used = sum(v[0] for v in by_night.values())
    base = sum(v[1] for v in by_night.values())
    return {
        "start": start,
        "end": end,
        "tariff": tariff,
        "total": _row("total", used, base, tariff),
        "circuits": rows(by_circuit),
        "units": rows(by_unit),
        "nights": [_row(night.isoformat(), *by_night[night], tariff) for night in sorted(by_night)],
    }


def _row(name: str, used: float, base: float, tariff: float) -> dict:
    return {
        "name": name,
        "kwh": round(used, 3),
        "baseline_kwh": round(base, 3),
        "saving": round(1 - used / base, 4) if base else None,
        "cost_vnd": round(used * tariff),
        "saved_vnd": round((base - used) * tariff),
    }


def month(year: int, month_number: int) -> dict:
    last = calendar.monthrange(year, month_number)[1]
    return summary(date(year, month_number, 1), date(year, month_number, last))


def this_month() -> dict:
    """The month so far, up to the last complete night. Kept ten minutes: the KPI strip asks on every poll and
    complete nights only change when a late log is imported."""
    from django.core.cache import cache
    from django.utils import timezone

    last = planning.night_of(timezone.now()) - timedelta(days=1)
    key = f"lighting:month:{last.isoformat()}"
    if (cached := cache.get(key)) is None:
        cached = summary(last.replace(day=1), last)
        cache.set(key, cached, 600)
    return cached
