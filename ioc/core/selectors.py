"""Queries that read core data. Every list goes through the user's scope (permissions.apply_scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ioc.core.geojson import point_collection, raw_rows
from ioc.core.models import AdministrativeUnit, Alert, City, Department, Incident, Severity
from ioc.core.permissions import apply_scope
from ioc.core.services.geo import current_units, units_rolling_up_to


@dataclass
class Filters:
    """The dashboard's and API's common filters."""

    unit: int | None = None
    domain: str | None = None
    min_severity: int | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    open_only: bool = False

    @classmethod
    def from_params(cls, params) -> Filters:
        """From query parameters (strings); values that do not parse are ignored by the UI and refused by the API."""
        from django.utils.dateparse import parse_datetime

        def as_int(name):
            value = params.get(name)
            return int(value) if value and str(value).isdigit() else None

        hours = as_int("hours")
        since = parse_datetime(params.get("since") or "") if params.get("since") else None
        if hours:
            since = timezone.now() - timedelta(hours=hours)
        return cls(
            unit=as_int("unit"),
            domain=params.get("domain") or None,
            min_severity=as_int("severity"),
            status=params.get("status") or None,
            since=since,
            open_only=params.get("open") in ("1", "true"),
        )


def _filtered(qs, filters: Filters | None, time_field: str):
    if not filters:
        return qs
    if filters.unit:
        unit = AdministrativeUnit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs.none()
    if filters.domain:
        qs = qs.filter(kind__startswith=filters.domain + ".")
    if filters.min_severity:
        qs = qs.filter(severity__gte=filters.min_severity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.since:
        qs = qs.filter(**{f"{time_field}__gte": filters.since})
    if filters.until:
        qs = qs.filter(**{f"{time_field}__lt": filters.until})
    return qs


def _visible(model, user, filters: Filters | None, time_field: str, related: tuple[str, ...]):
    qs = _filtered(apply_scope(model.objects.all(), user), filters, time_field)
    if filters and filters.open_only:
        qs = qs.exclude(status=model.Status.CLOSED)
    return qs.select_related(*related)


def visible_alerts(user, filters: Filters | None = None):
    return _visible(Alert, user, filters, "last_seen_at", ("unit", "incident"))


def visible_incidents(user, filters: Filters | None = None):
    return _visible(Incident, user, filters, "created_at", ("unit", "department"))


def alerts_geojson(user, filters: Filters | None = None, limit: int = 10000) -> dict:
    """Open alerts with a location, as GeoJSON points (newest first), for the map."""
    filters = filters or Filters()
    filters.open_only = True
    rows = raw_rows(
        visible_alerts(user, filters)
        .filter(lat__isnull=False)
        .order_by("-last_seen_at")
        .values_list("pk", "lon", "lat", "title", "kind", "severity", "status", "count")[:limit]
    )
    return point_collection(rows, ("title", "kind", "severity", "status", "count"), url="/dashboard/alerts/{id}/")


def incidents_geojson(user, filters: Filters | None = None, limit: int = 5000) -> dict:
    """Open incidents with a location: blue while being handled, purple once past their deadline."""
    filters = filters or Filters()
    filters.open_only = True
    now = timezone.now()
    rows = [
        (pk, lon, lat, title, status, "#8250df" if due and due < now else "#0550ae")
        for pk, lon, lat, title, status, due in visible_incidents(user, filters)
        .filter(lat__isnull=False)
        .order_by("-created_at")
        .values_list("pk", "lon", "lat", "title", "status", "due_at")[:limit]
    ]
    return point_collection(rows, ("title", "status", "color"), url="/dashboard/incidents/{id}/")


def units_geojson(on: date | None = None, levels=("ward", "commune")) -> dict:
    """Today's (or a date's) units with their boundaries."""
    units = current_units(on, levels).filter(geometry__isnull=False)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": u.pk,
                "geometry": u.geometry,
                "properties": {
                    "code": u.code,
                    "name": u.name,
                    "level": u.level,
                    "approximate": u.approximate,
                    "valid_from": u.valid_from and u.valid_from.isoformat(),
                    "valid_to": u.valid_to and u.valid_to.isoformat(),
                },
            }
            for u in units
        ],
    }


def count_open_alerts(user, unit=None, min_severity: int | None = None) -> int:
    return visible_alerts(user, Filters(unit=unit and unit.pk, min_severity=min_severity, open_only=True)).count()


def count_major_alerts(user, unit=None) -> int:
    """Open alerts of major severity or worse (the KPI tile)."""
    from ioc.core.models import Severity

    return count_open_alerts(user, unit, Severity.MAJOR)


def units_layer(user=None, filters=None) -> dict:
    """The map's boundary layer: today's wards and communes."""
    return units_geojson()


def count_open_incidents(user, unit=None) -> int:
    return visible_incidents(user, Filters(unit=unit and unit.pk, open_only=True)).count()


def count_overdue_incidents(user, unit=None) -> int:
    return (
        visible_incidents(user, Filters(unit=unit and unit.pk, open_only=True))
        .filter(due_at__lt=timezone.now())
        .count()
    )


def mean_minutes_to_acknowledge(user, unit=None, days: int = 1) -> float | None:
    """Average minutes from first seen to acknowledged, for alerts of the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    value = (
        visible_alerts(user, Filters(unit=unit and unit.pk, since=since))
        .filter(acknowledged_at__isnull=False)
        .aggregate(avg=Avg(F("acknowledged_at") - F("first_seen_at")))["avg"]
    )
    return round(value.total_seconds() / 60, 1) if value is not None else None


def alerts_per_day(user, days: int = 30, unit=None, domain: str | None = None) -> list[dict]:
    """Alerts first seen per day (Vietnam dates) over the last `days` days, zero-filled."""
    start = timezone.localdate() - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    rows = (
        visible_alerts(user, Filters(unit=unit and unit.pk, domain=domain))
        .filter(first_seen_at__gte=since)
        .annotate(day=TruncDate("first_seen_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
    )
    counts = {r["day"]: r["n"] for r in rows}
    return [{"day": start + timedelta(days=i), "count": counts.get(start + timedelta(days=i), 0)} for i in range(days)]


def alerts_by_unit(user, domain: str | None = None) -> list[dict]:
    """Open alerts per current unit (older units rolled up), for the leader view."""
    result = []
    base = visible_alerts(user, Filters(domain=domain, open_only=True))
    for unit in current_units():
        ids = units_rolling_up_to(unit)
        agg = base.filter(unit_id__in=ids).aggregate(
            total=Count("id"), critical=Count("id", filter=Q(severity__gte=Severity.MAJOR))
        )
        result.append({"unit": unit, **agg})
    return result


def alerts_by_domain(user, unit=None) -> dict[str, int]:
    """Open alerts per domain key (the part of the kind before the dot)."""
    counts: dict[str, int] = {}
    for kind, n in (
        visible_alerts(user, Filters(unit=unit and unit.pk, open_only=True))
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    ):
        domain = kind.split(".", 1)[0]
        counts[domain] = counts.get(domain, 0) + n
    return counts


def worker_statuses() -> list:
    """The long-running workers' counters as they last saved them (the health endpoint)."""
    from ioc.core.models import WorkerStatus

    return list(WorkerStatus.objects.all())


def count_dead_letters() -> int:
    from ioc.core.models import DeadLetter

    return DeadLetter.objects.count()


def scope_label(user) -> str:
    """What part of the city a user's figures cover, in words: the whole city, their ward, or their department."""
    from django.utils.translation import gettext as _

    from ioc.core.permissions import CITY_WIDE, role_of

    profile = getattr(user, "profile", None)
    if role_of(user) in CITY_WIDE or profile is None:
        return _("Whole city")
    if profile.unit_id:
        return profile.unit.name
    if profile.department_id:
        return profile.department.name
    return _("Nothing assigned yet")


# --- the city profile's data (streets, places, routing) ------------------------------------------------------


def city_data(name: str):
    """One member of the loaded city profile (streets, places, routing, demo_accounts); empty when none is loaded."""
    city = City.objects.first()
    value = getattr(city, name, None) if city else None
    return value if value is not None else City._meta.get_field(name).get_default()


def base_map(closer: int = 0) -> dict:
    """A map's starting view and tiles: the loaded city's centre and zoom (`closer` zooms in further), with the
    boundaries' attribution; all of Vietnam before a profile is loaded."""
    from django.conf import settings

    from ioc.core.services.basemap import current

    city = City.objects.first()
    offline = current()
    tiles_credit = (
        (offline.attribution or settings.IOC["TILE_ATTRIBUTION"]) if offline else settings.IOC["TILE_ATTRIBUTION"]
    )
    attribution = tiles_credit + (f" | {city.attribution}" if city and city.attribution else "")
    return {
        "center": [city.center_lat, city.center_lon] if city else [16.0, 106.0],
        "zoom": (city.zoom if city else 6) + closer,
        # The city's own tiles file when it loaded one (works without the internet), else the tile URL.
        "tileUrl": "/basemap/{z}/{x}/{y}" if offline else settings.IOC["TILE_URL"],
        "tileMaxZoom": offline.max_zoom if offline else 19,
        "tileAttribution": attribution,
    }


def routed_department_code(domain: str, key: str) -> str | None:
    """The department code the city routes a kind of case to: `routing.<domain>.<key>`, else `<domain>.default`."""
    table = city_data("routing").get(domain) or {}
    return table.get(key) or table.get("default")


def routed_department(domain: str, key: str) -> Department | None:
    code = routed_department_code(domain, key)
    return Department.objects.filter(code=code).first() if code else None


def keys_routed_to(domain: str, department_code: str | None) -> list[str]:
    """The kinds of case of a domain that the city routes to one department."""
    table = city_data("routing").get(domain) or {}
    return [key for key, code in table.items() if key != "default" and code == department_code]


def demo_address(rng, unit) -> str:
    """A plausible street address for simulated reports and calls: a house number on one of the city's streets
    (the unit is shown beside it by every page, so it is not repeated here)."""
    streets = city_data("streets")
    return f"Số {rng.randint(1, 250)} {rng.choice(streets)}" if streets else unit.name


def attention(user) -> list[dict]:
    """For a leader's first screen: incidents escalated to the leaders and still open, and priority-1 alerts nobody
    has acknowledged."""
    from django.utils.translation import gettext as _

    incidents = visible_incidents(user, Filters(open_only=True)).filter(escalation_level__gt=0).order_by("-severity")
    items = [
        {"title": i.title, "url": f"/dashboard/incidents/{i.pk}/", "note": _("Escalated to the leaders")}
        for i in incidents[:10]
    ]
    urgent = visible_alerts(user).filter(status=Alert.Status.NEW, priority=1, parent__isnull=True)
    items += [
        {"title": a.title, "url": f"/dashboard/alerts/{a.pk}/", "note": _("Priority 1, not acknowledged")}
        for a in urgent.order_by("respond_by")[:10]
    ]
    return items


def kpi_target(key: str) -> tuple[float, float] | None:
    """The target of a figure and the margin of its amber band: the administrator's, else the plan's default."""
    from django.conf import settings

    from ioc.core.models import KpiTarget

    own = KpiTarget.objects.filter(key=key).first()
    if own:
        return own.target, own.amber_margin
    default = settings.IOC["KPI_TARGETS"].get(key)
    return (float(default[0]), float(default[1])) if default else None


def work(user) -> list[dict]:
    """An officer's incidents: assigned to them by name, or to their unit, still open."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from ioc.core.permissions import OPERATORS, has_role

    if has_role(user, *OPERATORS):
        return []  # the operators work from the feed and the incident board
    mine = visible_incidents(user, Filters(open_only=True)) | Incident.objects.filter(
        Q(assignee=user) & ~Q(status=Incident.Status.CLOSED)
    )
    return [
        {"title": i.title, "url": f"/dashboard/incidents/{i.pk}/", "due_at": i.due_at, "what": _("Incident")}
        for i in mine.distinct().order_by("due_at")[:100]
    ]
