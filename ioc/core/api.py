"""Core's API routes: health, alerts, incidents, units, map layers, KPIs, calendar. Thin: services do the work."""

from datetime import date, timedelta

from django.db import connection
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from ioc.core import selectors
from ioc.core.geojson import geojson_response
from ioc.core.models import AdministrativeUnit, Alert, Department, Incident
from ioc.core.permissions import OPERATORS, STAFF_ROLES, VIEWERS, require_role
from ioc.core.registry import registry
from ioc.core.schemas import (
    AlertIn,
    AlertOut,
    AlertPage,
    AssignIn,
    CloseIn,
    DeadlineOut,
    EscalateIn,
    EventOut,
    HealthOut,
    IncidentDetailOut,
    IncidentOut,
    IncidentPage,
    LayerOut,
    Moment,
    NoteIn,
    SeverityName,
    TileOut,
)
from ioc.core.services import alerts as alert_services
from ioc.core.services.alerts import SEVERITY_BY_NAME, SEVERITY_NAME
from ioc.core.services.calendar import WorkingCalendar, get_calendar
from ioc.core.services.geo import in_vietnam, unit_at

router = Router()
MAX_PAGE = 500


class ListFilters(Schema):
    unit: int | None = Field(None, ge=1, description="Unit id; older units that rolled into it are included")
    domain: str | None = Field(None, max_length=50)
    severity: SeverityName | None = Field(None, description="Minimum severity")
    status: str | None = Field(None, max_length=20)
    since: Moment | None = None
    until: Moment | None = None
    open: bool = False
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10_000_000)

    def to_filters(self) -> selectors.Filters:
        return selectors.Filters(
            unit=self.unit,
            domain=self.domain,
            min_severity=SEVERITY_BY_NAME[self.severity] if self.severity else None,
            status=self.status,
            since=self.since,
            until=self.until,
            open_only=self.open,
        )


def _unit(unit) -> dict | None:
    return unit and {"id": unit.pk, "code": unit.code, "name": unit.name}


def _alert(a: Alert) -> dict:
    return {
        **{f: getattr(a, f) for f in ("id", "kind", "title", "message", "source", "lat", "lon", "status", "count")},
        **{f: getattr(a, f) for f in ("first_seen_at", "last_seen_at", "acknowledged_at", "escalation_level")},
        "severity": SEVERITY_NAME[a.severity],
        "unit": _unit(a.unit),
        "incident_id": a.incident_id,
    }


def _incident(i: Incident) -> dict:
    return {
        **{f: getattr(i, f) for f in ("id", "title", "kind", "status", "due_at", "escalation_level", "resolution")},
        "created_at": i.created_at,
        "closed_at": i.closed_at,
        "severity": SEVERITY_NAME[i.severity],
        "unit": _unit(i.unit),
        "department": i.department.code if i.department else None,
        "overdue": bool(i.due_at and i.status != Incident.Status.CLOSED and i.due_at < timezone.now()),
    }


def _page(queryset, filters: ListFilters, serialize) -> dict:
    items = queryset[filters.offset : filters.offset + filters.limit]
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [serialize(row) for row in items],
    }


def _staff(request) -> None:
    require_role(request.user, STAFF_ROLES)


@router.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request):
    """Liveness and database check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = "ok"
    except Exception:
        db = "unavailable"
    workers, dead = (selectors.worker_statuses(), selectors.count_dead_letters()) if db == "ok" else ([], 0)
    return {
        "status": "ok" if db == "ok" else "degraded",
        "database": db,
        "version": "0.1.0",
        "domains": [d.key for d in registry],
        "time": timezone.now(),
        "workers": workers,
        "dead_letters": dead,
    }


@router.get("/alerts", response=AlertPage, tags=["alerts"])
def list_alerts(request, filters: Query[ListFilters]):
    """Alerts in the caller's scope, newest first."""
    _staff(request)
    qs = selectors.visible_alerts(request.user, filters.to_filters()).order_by("-last_seen_at", "-id")
    return _page(qs, filters, _alert)


@router.post("/alerts", response={201: AlertOut}, tags=["alerts"])
def create_alert(request, payload: AlertIn):
    """Raise an alert (operators, administrators, and machine clients with those roles)."""
    require_role(request.user, OPERATORS)
    data = payload.model_dump()
    alert = alert_services.record_alert(**data)
    return Status(201, _alert(alert))


@router.get("/alerts/{alert_id}", response=AlertOut, tags=["alerts"])
def get_alert(request, alert_id: int):
    _staff(request)
    return _alert(get_object_or_404(selectors.visible_alerts(request.user), pk=alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response=IncidentOut, tags=["alerts"])
def acknowledge(request, alert_id: int):
    """Acknowledge an alert; opens (or returns) its incident."""
    _staff(request)
    alert = get_object_or_404(selectors.visible_alerts(request.user), pk=alert_id)
    return _incident(alert_services.acknowledge_alert(alert, request.user))


@router.get("/incidents", response=IncidentPage, tags=["incidents"])
def list_incidents(request, filters: Query[ListFilters]):
    _staff(request)
    qs = selectors.visible_incidents(request.user, filters.to_filters()).order_by("-created_at", "-id")
    return _page(qs, filters, _incident)


def _visible_incident(request, incident_id: int) -> Incident:
    _staff(request)
    return get_object_or_404(selectors.visible_incidents(request.user), pk=incident_id)


@router.get("/incidents/{incident_id}", response=IncidentDetailOut, tags=["incidents"])
def get_incident(request, incident_id: int):
    """An incident with its checklist and timeline."""
    incident = _visible_incident(request, incident_id)
    events = [
        EventOut(
            at=e.at,
            action=e.action,
            actor=e.actor.username if e.actor else None,
            text=e.text,
            attachment_url=reverse("dashboard:incident_attachment", args=[incident.pk, e.pk]) if e.attachment else None,
        )
        for e in incident.events.select_related("actor")
    ]
    return {
        **_incident(incident),
        "sop": alert_services.sop_for(incident.kind),
        "sop_done": incident.sop_done,
        "events": events,
        "alert_ids": list(incident.alerts.values_list("pk", flat=True)),
    }


@router.post("/incidents/{incident_id}/assign", response=IncidentOut, tags=["incidents"])
def assign(request, incident_id: int, payload: AssignIn):
    incident = _visible_incident(request, incident_id)
    department = Department.objects.filter(code=payload.department).first()
    if department is None:
        raise HttpError(400, f"Unknown department {payload.department!r}")
    if payload.due_at is not None and payload.working_days is not None:
        raise HttpError(400, "Give either due_at or working_days, not both")
    return _incident(
        alert_services.assign_incident(
            incident,
            request.user,
            department=department,
            due_at=payload.due_at,
            working_days=payload.working_days,
            note=payload.note,
        )
    )


@router.post("/incidents/{incident_id}/escalate", response=IncidentOut, tags=["incidents"])
def escalate(request, incident_id: int, payload: EscalateIn):
    incident = _visible_incident(request, incident_id)
    return _incident(alert_services.escalate_incident(incident, request.user, payload.reason))


@router.post("/incidents/{incident_id}/notes", response={201: EventOut}, tags=["incidents"])
def add_note(request, incident_id: int, payload: NoteIn):
    incident = _visible_incident(request, incident_id)
    event = alert_services.add_note(incident, request.user, payload.text)
    return Status(
        201,
        EventOut(at=event.at, action=event.action, actor=request.user.username, text=event.text, attachment_url=None),
    )


@router.post("/incidents/{incident_id}/close", response=IncidentOut, tags=["incidents"])
def close(request, incident_id: int, payload: CloseIn):
    incident = _visible_incident(request, incident_id)
    return _incident(alert_services.close_incident(incident, request.user, payload.resolution))


class UnitQuery(Schema):
    on: date | None = Field(None, description="Date (default today); units valid that day")
    level: str = Field("ward,commune", max_length=60, description="Comma-separated levels")


@router.get("/units", tags=["units"], auth=None)
def units(request, query: Query[UnitQuery]):
    """Administrative units with boundaries, as a GeoJSON FeatureCollection (public data)."""
    levels = tuple(x.strip() for x in query.level.split(",") if x.strip())
    unknown = set(levels) - set(AdministrativeUnit.Level.values)
    if unknown:
        raise HttpError(400, f"Unknown level(s): {', '.join(sorted(unknown))}")
    return selectors.units_geojson(query.on, levels)


class LookupQuery(Schema):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    on: date | None = None


@router.get("/units/lookup", tags=["units"], auth=None)
def lookup_unit(request, query: Query[LookupQuery]):
    """The unit containing a point on a date, with the unit that holds its data today."""
    if not in_vietnam(query.lat, query.lon):
        raise HttpError(400, "The point is outside Vietnam")
    unit = unit_at(query.lat, query.lon, query.on)
    if unit is None:
        raise HttpError(404, "No administrative unit of this city contains the point on that date")
    from ioc.core.services.geo import current_unit

    today = current_unit(unit)
    return {
        "unit": _unit(unit) | {"level": unit.level, "approximate": unit.approximate},
        "today": _unit(today),
    }


@router.get("/layers", response=list[LayerOut], tags=["map"])
def layers(request):
    """The map layers every registered domain offers."""
    _staff(request)
    return [
        {
            "key": layer.key,
            "label": str(layer.label),
            "color": layer.color,
            "cluster": layer.cluster,
            "heat": layer.heat,
            "refresh_seconds": layer.refresh_seconds,
            "url": f"/api/layers/{layer.key}",
        }
        for layer in registry.layers()
    ]


class LayerQuery(Schema):
    unit: int | None = Field(None, ge=1)
    domain: str | None = Field(None, max_length=50)
    severity: SeverityName | None = None
    hours: int | None = Field(None, ge=1, le=24 * 366)


@router.get("/layers/{key}", tags=["map"])
def layer_geojson(request, key: str, query: Query[LayerQuery]):
    """One layer as GeoJSON, filtered to the caller's scope and the given filters."""
    require_role(request.user, VIEWERS)  # the wall's view-only account draws the map too
    layer = registry.layer(key)
    if layer is None:
        raise HttpError(404, f"No map layer {key!r}")
    if query.unit:
        get_object_or_404(AdministrativeUnit, pk=query.unit)
    filters = selectors.Filters(
        unit=query.unit,
        domain=query.domain,
        min_severity=SEVERITY_BY_NAME[query.severity] if query.severity else None,
        since=timezone.now() - timedelta(hours=query.hours) if query.hours else None,
    )
    return geojson_response(layer.geojson(request.user, filters))


class KpiQuery(Schema):
    unit: int | None = Field(None, ge=1)


@router.get("/kpis", response=list[TileOut], tags=["map"])
def kpis(request, query: Query[KpiQuery]):
    """Every registered KPI tile's value for the city or one unit."""
    _staff(request)
    unit = get_object_or_404(AdministrativeUnit, pk=query.unit) if query.unit else None
    return [
        {
            "key": t.key,
            "label": str(t.label),
            "value": t.value(request.user, unit),
            "suffix": t.suffix,
            "good_when": t.good_when,
        }
        for t in registry.tiles()
    ]


class DeadlineQuery(Schema):
    start: date
    working_days: int = Field(..., ge=0, le=3650)


@router.get("/calendar/deadline", response=DeadlineOut, tags=["calendar"], auth=None)
def deadline(request, query: Query[DeadlineQuery]):
    """The date `working_days` working days after `start` (Vietnam's holidays and the city's own changes)."""
    calendar: WorkingCalendar = get_calendar()
    due = calendar.add_working_days(query.start, query.working_days)
    skipped = []
    day = query.start
    while day < due and len(skipped) < 400:
        day += timedelta(days=1)
        if reason := calendar.day_off_reason(day):
            skipped.append(f"{day:%d/%m/%Y} {reason}")
    return {"start": query.start, "working_days": query.working_days, "due": due, "days_off_skipped": skipped}
