"""Reading lighting state for the map, the KPI strip and the pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ioc.core.geojson import point_collection
from ioc.lighting.models import Cabinet, Lamp

LAMP_COLOURS = {"on": "#f2cc60", "off": "#57606a", "fault": "#cf222e"}


def lamps_geojson(user=None, filters=None) -> dict:
    """Every lamp as a point: yellow on, grey off, red with a fault."""
    rows = []
    for pk, code, lon, lat, is_on, level, fault in Lamp.objects.values_list(
        "id", "code", "lon", "lat", "is_on", "level", "fault"
    ):
        state = "fault" if fault else ("on" if is_on else "off")
        title = (
            _("%(code)s: on %(level)s%%") % {"code": code, "level": level}
            if is_on
            else _("%(code)s: off") % {"code": code}
        )
        if fault:
            title += " · " + str(Lamp.Fault(fault).label)
        rows.append((pk, lon, lat, title, state, LAMP_COLOURS[state]))
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/lighting/lamps/{id}/")


def cabinets_geojson(user=None, filters=None) -> dict:
    """Cabinets as points, red when without power or with the door open."""
    rows = []
    for cabinet in Cabinet.objects.annotate(lamps=Count("circuits__lamps")):
        state = "fault" if not cabinet.has_power or cabinet.door_open else "ok"
        colour = "#cf222e" if state == "fault" else "#bf8700"
        title = _("Cabinet %(code)s %(name)s: %(n)s lamps") % {
            "code": cabinet.code,
            "name": cabinet.name,
            "n": cabinet.lamps,
        }
        if not cabinet.has_power:
            title += " · " + _("no power")
        rows.append((cabinet.pk, cabinet.lon, cabinet.lat, title, state, colour))
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/lighting/#cabinet-{id}")


def lamp_counts(unit=None) -> dict:
    qs = Lamp.objects.all()
    if unit is not None:
        from ioc.core.services.geo import units_rolling_up_to

        qs = qs.filter(circuit__cabinet__unit_id__in=units_rolling_up_to(unit))
    return qs.aggregate(
        on=Count("id", filter=Q(is_on=True)), faulty=Count("id", filter=~Q(fault="")), total=Count("id")
    )


def kpi_lamps_on(user, unit=None) -> int:
    return lamp_counts(unit)["on"]


def kpi_lamps_faulty(user, unit=None) -> int:
    return lamp_counts(unit)["faulty"]


def kpi_energy_saving_pct(user, unit=None) -> float | None:
    """Energy saved this month against full power from sunset to sunrise, in percent (city-wide)."""
    from ioc.lighting.energy import this_month

    saving = this_month()["total"]["saving"]
    return None if saving is None else round(saving * 100, 1)


def faults_by_unit() -> list[dict]:
    return list(
        Lamp.objects.exclude(fault="")
        .values("circuit__cabinet__unit__name", "fault")
        .annotate(n=Count("id"))
        .order_by("circuit__cabinet__unit__name", "fault")
    )


def lamp_states_by_circuit() -> dict[int, list[tuple[str, int]]]:
    """Per circuit, how many lamps are at each reported level ("off" for those off), for the plan table."""
    out: dict[int, dict[str, int]] = {}
    for circuit_id, is_on, level, n in (
        Lamp.objects.values_list("circuit_id", "is_on", "level").annotate(n=Count("id")).order_by()
    ):
        key = f"{level}%" if is_on else _("off")
        out.setdefault(circuit_id, {}).setdefault(key, 0)
        out[circuit_id][key] += n
    return {pk: sorted(levels.items()) for pk, levels in out.items()}


def weather_tonight(night) -> dict | None:
    """Tonight's plan includes the weather rules while their condition holds now (the sensors domain's readings)."""
    from django.utils import timezone

    from ioc.lighting.planning import night_of
    from ioc.sensors.selectors import current_weather

    now = timezone.now()
    if night != night_of(now):
        return None
    return {**current_weather(), "since": now}
