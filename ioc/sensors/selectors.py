"""Reading sensor data for the dashboard."""

from datetime import timedelta

from django.utils import timezone

from ioc.core.geojson import point_collection
from ioc.core.permissions import apply_scope
from ioc.core.services.geo import units_rolling_up_to
from ioc.sensors.models import Entity, RuleState
from ioc.sensors.vocabulary import device_name, quantity_label

# Not the severity colours of alerts: a device over its threshold has its alert on the alerts layer too.
STATE_COLOURS = {"alert": "#bf3989", "silent": "#6e7781", "ok": "#2da44e"}


def visible_devices(user):
    """The devices a user sees: ward officers those in their ward (and the units merged into it), department
    officers those their department owns, city-wide roles all."""
    return apply_scope(Entity.objects.all(), user)


def _scoped(user=None, unit=None):
    qs = visible_devices(user) if user is not None else Entity.objects.all()
    return qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs


def _entities(user=None, unit=None):
    """The devices on the map: scoped, with a location."""
    return _scoped(user, unit).filter(lat__isnull=False)


def abnormal_geojson(user, filters) -> dict:
    """Devices over a threshold or silent: what needs a look."""
    return devices_geojson(user, filters, abnormal_only=True)


def devices_geojson(user, filters, abnormal_only: bool = False) -> dict:
    """Devices as points, coloured by state: a triggered rule, silent, or normal; titled in the reader's words."""
    from ioc.core.models import AdministrativeUnit

    unit_id = getattr(filters, "unit", None)
    unit = AdministrativeUnit.objects.filter(pk=unit_id).first() if unit_id else None
    triggered = set(RuleState.objects.filter(triggered=True).values_list("entity_id", flat=True))
    rows = []
    for e in _entities(user, unit).select_related("unit")[:10000]:
        state = "alert" if e.pk in triggered else "silent" if e.stale_alerted else "ok"
        if abnormal_only and state == "ok":
            continue
        color = STATE_COLOURS[state]
        values = ", ".join(
            f"{quantity_label(k, v.get('unitCode', ''))} {v.get('value')}"
            for k, v in list(e.attrs.items())[:3]
            if v.get("type") == "Property" and k != "name"
        )
        rows.append((e.pk, e.lon, e.lat, f"{device_name(e)}: {values}", state, color))
    return point_collection(rows, ("title", "state", "color"), url="/dashboard/sensors/{id}/")


def count_reporting(user=None, unit=None) -> int:
    """Devices that reported in the last hour (the KPI tile)."""
    return _entities(user, unit).filter(last_seen_at__gte=timezone.now() - timedelta(hours=1)).count()


def count_triggered(user=None, unit=None) -> int:
    """Rules now over their threshold (the KPI tile)."""
    qs = RuleState.objects.filter(triggered=True, entity__in=_scoped(user, unit))
    return qs.count()


def current_weather(max_age_minutes: int = 30) -> dict:
    """The city's weather now for other domains (street lighting): the lowest visibility (m) among weather
    stations and the highest rain (mm/h) among rain gauges that reported recently; None where none did."""
    since = timezone.now() - timedelta(minutes=max_age_minutes)
    visibility, rain = [], []
    for kind, attrs in Entity.objects.filter(
        type__in=("WeatherObserved", "RainGauge"), last_seen_at__gte=since
    ).values_list("type", "attrs"):
        if kind == "WeatherObserved" and isinstance(attrs.get("visibility", {}).get("value"), int | float):
            visibility.append(attrs["visibility"]["value"])
        if kind == "RainGauge" and isinstance(attrs.get("precipitation", {}).get("value"), int | float):
            rain.append(attrs["precipitation"]["value"])
    return {"visibility": min(visibility) if visibility else None, "precipitation": max(rain) if rain else None}


def wall_board(user) -> list[str]:
    """The sensors' board on the big screen: the weather now, in words, beside the tiles and alerts."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    weather = current_weather()
    lines = []
    if weather["precipitation"] is not None:
        lines.append(_("Heaviest rain now: %(v)s mm/h") % {"v": number_format(weather["precipitation"], 1)})
    if weather["visibility"] is not None:
        lines.append(
            _("Lowest visibility now: %(v)s m") % {"v": number_format(weather["visibility"], 0, force_grouping=True)}
        )
    return lines or [_("No weather station has reported in the last 30 minutes.")]
