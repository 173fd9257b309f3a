"""Lighting API at /api/lighting/: the plan of a night, telemetry from controllers, overrides, command acks."""

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from ioc.core.permissions import OPERATORS, STAFF_ROLES, require_role
from ioc.lighting import planning, selectors, services
from ioc.lighting.models import Circuit, Lamp

MAX_TELEMETRY = 20_000


class PlanQuery(Schema):
    date: date
    circuit: int | None = Field(None, ge=1)


class OverrideIn(Schema):
    circuit: int = Field(..., ge=1)
    level: int = Field(..., ge=0, le=100)
    minutes: int = Field(..., ge=1, le=7 * 24 * 60)
    reason: str = Field("", max_length=300)


class CommandIn(Schema):
    lamp: str = Field(..., min_length=1, max_length=50)
    level: int = Field(..., ge=0, le=100)


class AckIn(Schema):
    command: int = Field(..., ge=1)
    lamp: str = Field(..., max_length=50)


def build_router() -> Router:
    router = Router()

    @router.get("/plan")
    def plan(request, query: Query[PlanQuery]):
        """Per circuit, the intervals of that night (start, end, level %, winning rule)."""
        require_role(request.user, STAFF_ROLES)
        circuits = Circuit.objects.select_related("cabinet")
        if query.circuit:
            circuits = [get_object_or_404(circuits, pk=query.circuit)]
        plans = planning.plans(query.date, circuits, selectors.weather_tonight(query.date))
        names = {c.pk: c for c in circuits}
        return {
            "date": query.date.isoformat(),
            "circuits": [
                {"id": pk, "code": names[pk].code, "name": names[pk].name, "intervals": [s.as_json() for s in segs]}
                for pk, segs in plans.items()
            ],
        }

    @router.post("/telemetry")
    def telemetry(request, payload: list[dict]):
        """Readings from lamp controllers; refused and flagged records are listed with why."""
        require_role(request.user, OPERATORS)
        if len(payload) > MAX_TELEMETRY:
            raise HttpError(413, f"At most {MAX_TELEMETRY} records per request")
        for record in payload:
            if "at" in record:
                from django.utils.dateparse import parse_datetime

                moment = parse_datetime(str(record["at"]))
                if moment is None or moment.tzinfo is None:
                    raise HttpError(400, "'at' must be an ISO 8601 date-time with its offset")
                record["at"] = moment
        problems = services.ingest(payload)
        return {"received": len(payload), "problems": [{"index": i, "reason": r} for i, r in problems]}

    @router.post("/overrides")
    def override(request, payload: OverrideIn):
        """Set a circuit's level for some minutes; its lamps are commanded at once."""
        require_role(request.user, OPERATORS)
        circuit = get_object_or_404(Circuit, pk=payload.circuit)
        try:
            item = services.set_override(
                circuit, payload.level, payload.minutes, request.user, payload.reason, request=request
            )
        except ValidationError as exc:
            raise HttpError(400, " ".join(exc.messages)) from None
        return {"id": item.pk, "expires_at": item.expires_at.isoformat()}

    @router.post("/commands")
    def command(request, payload: CommandIn):
        """Switch or dim one lamp (0 = off); re-sent until its controller acknowledges."""
        require_role(request.user, OPERATORS)
        lamp = Lamp.objects.filter(code=payload.lamp).first()
        if lamp is None:
            raise HttpError(404, f"No lamp {payload.lamp}")
        item = services.command_lamp(lamp, payload.level, by=request.user, request=request)
        return {"id": item.pk, "lamp": lamp.code, "level": item.level, "status": item.status}

    @router.post("/acks")
    def ack(request, payload: AckIn):
        """A controller confirms a command (the MQTT ack topic does the same)."""
        require_role(request.user, OPERATORS)
        if not services.acknowledge(payload.command, payload.lamp):
            raise HttpError(404, "No such pending command for this lamp")
        return {"acknowledged": payload.command}

    return router
