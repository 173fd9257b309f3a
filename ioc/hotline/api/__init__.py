"""Hotline API at /api/hotline/."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from ioc.core.permissions import OPERATORS, STAFF_ROLES, require_role
from ioc.hotline import selectors, services


class CallIn(Schema):
    model_config = ConfigDict(extra="forbid")
    channel: str = Field(..., max_length=10)
    topic: str = Field(..., max_length=30)
    summary: str = Field(..., min_length=1, max_length=5000)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    address: str = Field("", max_length=300)
    caller_name: str = Field("", max_length=200)
    caller_phone: str = Field("", max_length=20, pattern=r"^[0-9+ ]*$")


class CallOut(Schema):
    id: int
    received_at: datetime
    channel: str
    topic: str
    summary: str
    address: str
    lat: float
    lon: float
    unit: str | None
    caller_name: str
    caller_phone: str


class CallQuery(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def build_router() -> Router:
    router = Router()

    @router.get("/calls", response=list[CallOut])
    def list_calls(request, query: Query[CallQuery]):
        """Recent calls in the caller's scope; the caller's identity only for operators."""
        require_role(request.user, STAFF_ROLES)
        calls = selectors.visible_calls(request.user)[query.offset : query.offset + query.limit]
        return [selectors.call_dict(c, request.user, request) for c in calls]

    @router.get("/calls/{call_id}", response=CallOut)
    def get_call(request, call_id: int):
        require_role(request.user, STAFF_ROLES)
        call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
        return selectors.call_dict(call, request.user, request)

    @router.post("/calls", response={201: CallOut})
    def create_call(request, payload: CallIn):
        """An operator records a call; its alert reaches the feed."""
        require_role(request.user, OPERATORS)
        call = services.record_call(**payload.model_dump(), taken_by=request.user)
        return Status(201, selectors.call_dict(call, request.user, request))

    return router
