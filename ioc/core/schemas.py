"""API schemas for core. Input schemas refuse unknown fields."""

from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field


def _moment(value: datetime) -> datetime:
    """A point in time as UTC: naive times are Vietnam's; years outside 1900–2200 are refused."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    if not 1900 <= value.year <= 2200:
        raise ValueError("the year must be between 1900 and 2200")
    return value.astimezone(UTC)


# Every datetime the API accepts: PostgreSQL refuses offsets beyond ±16 h and odd years, so normalise first.
Moment = Annotated[datetime, AfterValidator(_moment)]

SeverityName = Literal["info", "warning", "major", "critical"]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class UnitRef(Schema):
    id: int
    code: str
    name: str


class AlertOut(Schema):
    id: int
    kind: str
    severity: SeverityName
    title: str
    message: str
    source: str
    lat: float | None
    lon: float | None
    unit: UnitRef | None
    status: str
    count: int
    first_seen_at: datetime
    last_seen_at: datetime
    acknowledged_at: datetime | None
    escalation_level: int
    incident_id: int | None


class AlertIn(Strict):
    kind: str = Field("core.manual", max_length=100)
    title: str = Field(..., min_length=1, max_length=300)
    message: str = Field("", max_length=5000)
    source: str = Field(..., min_length=1, max_length=200)
    severity: SeverityName | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class EventOut(Schema):
    at: datetime
    action: str
    actor: str | None
    text: str
    attachment_url: str | None


class IncidentOut(Schema):
    id: int
    title: str
    kind: str
    severity: SeverityName
    status: str
    unit: UnitRef | None
    department: str | None
    due_at: datetime | None
    overdue: bool
    escalation_level: int
    resolution: str
    created_at: datetime
    closed_at: datetime | None


class IncidentDetailOut(IncidentOut):
    sop: list[str]
    sop_done: list[int]
    events: list[EventOut]
    alert_ids: list[int]


class AssignIn(Strict):
    department: str = Field(..., min_length=1, max_length=50, description="Department code")
    working_days: int | None = Field(None, ge=0, le=365)
    due_at: Moment | None = None
    note: str = Field("", max_length=2000)


class CloseIn(Strict):
    resolution: str = Field(..., min_length=1, max_length=5000)


class NoteIn(Strict):
    text: str = Field(..., min_length=1, max_length=5000)


class EscalateIn(Strict):
    reason: str = Field(..., min_length=1, max_length=2000)


class Page(Schema):
    count: int
    limit: int
    offset: int


class AlertPage(Page):
    items: list[AlertOut]


class IncidentPage(Page):
    items: list[IncidentOut]


class LayerOut(Schema):
    key: str
    label: str
    color: str
    cluster: bool
    heat: bool
    refresh_seconds: int
    url: str


class TileOut(Schema):
    key: str
    label: str
    value: float | None
    suffix: str
    good_when: str


class DeadlineOut(Schema):
    start: date
    working_days: int
    due: date
    days_off_skipped: list[str]


class WorkerOut(Schema):
    name: str
    state: str
    heartbeat_at: datetime | None
    received: int
    stored: int
    refused: int
    dead_lettered: int
    errors: int
    detail: dict = {}


class HealthOut(Schema):
    status: str
    database: str
    version: str
    domains: list[str]
    time: datetime
    workers: list[WorkerOut] = []
    dead_letters: int = 0
