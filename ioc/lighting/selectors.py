"""Reading lighting state for the map, the KPI strip and the pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ioc.core.geojson import point_collection
from ioc.lighting.models import Cabinet, Lamp

# Asset states in their own colours: red, orange and yellow-brown belong to alert severities on the map.
LAMP_COLOURS = {"on": "#f2cc60", "off": "#57606a", "fault": "#bf3989"}


def _in_view(qs, user, filters, unit_field: str):
    """Lamps or cabinets a user sees on the map: a ward officer their ward's (the whole network is the city's, so
    other staff see all of it), narrowed to the unit chosen on the map."""
    from ioc.core.models import AdministrativeUnit
    from ioc.core.permissions import Role, role_of
    from ioc.core.services.geo import units_rolling_up_to

    if user is not None and role_of(user) == Role.WARD_OFFICER:
        qs = qs.filter(**{f"{unit_field}__in": units_rolling_up_to(user.profile.unit)})
    unit_id = getattr(filters, "unit", None)
    if unit_id:
        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        qs = qs.filter(**{f"{unit_field}__in": units_rolling_up_to(unit)}) if unit else qs.none()
    return qs


def visible_lamps(user, filters=None):
    return _in_view(Lamp.objects.all(), user, filters, "circuit__cabinet__unit_id")


def visible_cabinets(user, filters=None):
    return _in_view(Cabinet.objects.all(), user, filters, "unit_id")


def lamps_geojson(user=None, filters=None, faulty_only: bool = False) -> dict:
    """Every lamp as a point: yellow on, grey off, magenta with a fault."""
    rows = []
    lamps = visible_lamps(user, filters)
    if faulty_only:
        lamps = lamps.exclude(fault="")
    for pk, code, lon, lat, is_on, level, fault in lamps.values_list(
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


def faults_geojson(user=None, filters=None) -> dict:
    """What is wrong in the lighting network now: lamps with a fault, and cabinets without power or open."""
    lamps = lamps_geojson(user, filters, faulty_only=True)
    cabinets = cabinets_geojson(user, filters, faulty_only=True)
    return {"type": "FeatureCollection", "features": lamps["features"] + cabinets["features"]}


def cabinets_geojson(user=None, filters=None, faulty_only: bool = False) -> dict:
    """Cabinets as points, magenta when without power or with the door open."""
    rows = []
    cabinets = visible_cabinets(user, filters)
    if faulty_only:
        cabinets = cabinets.filter(Q(has_power=False) | Q(door_open=True))
    for cabinet in cabinets.annotate(lamps=Count("circuits__lamps")):
        state = "fault" if not cabinet.has_power or cabinet.door_open else "ok"
        colour = LAMP_COLOURS["fault"] if state == "fault" else "#bf8700"
        title = _("Cabinet %(code)s %(name)s: %(n)s lamps") % {
            "code": cabinet.code,
            "name": cabinet.name,
            "n": cabinet.lamps,
        }
        if not cabinet.has_power:
            title += " · " + _("no power")
        rows.append((cabinet.pk, cabinet.lon, cabinet.lat, title, state, colour))
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/lighting/#cabinet-{id}")


def lamp_counts(unit=None, user=None) -> dict:
    """Lamps on, with a fault, and in all: in the unit, within what the user sees."""
    from ioc.core.selectors import Filters

    qs = visible_lamps(user, Filters(unit=unit.pk) if unit is not None else None)
    return qs.aggregate(
        on=Count("id", filter=Q(is_on=True)), faulty=Count("id", filter=~Q(fault="")), total=Count("id")
    )


def kpi_lamps_on(user, unit=None) -> int:
    return lamp_counts(unit, user)["on"]


def kpi_lamps_faulty(user, unit=None) -> int:
    return lamp_counts(unit, user)["faulty"]


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
