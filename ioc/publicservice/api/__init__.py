"""Public-service API at /api/publicservice/: the 766 indicators, one file with its timeliness, pushing files."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from ioc.core.models import AdministrativeUnit
from ioc.core.permissions import OPERATORS, STAFF_ROLES, require_role
from ioc.publicservice import indicators, selectors, services
from ioc.publicservice.indicators import Indicator

MAX_PUSH = 5000


class IndicatorQuery(Schema):
    from_: date = Field(..., alias="from")
    to: date
    unit: int | None = Field(None, ge=1)
    agency: str | None = Field(None, max_length=200)
    field: str | None = Field(None, max_length=200)


class ColumnOut(Schema):
    key: str
    label: str
    points: float | None
    max_points: float


class IndicatorsOut(Schema):
    indicators: list[Indicator]  # the dataclass indicators.compute fills: one definition of the fields
    columns: list[ColumnOut]
    total: float
    max_total: float


class PushOut(Schema):
    created: int
    updated: int
    refused: list[dict]  # the first 500
    refused_count: int


def build_router() -> Router:
    router = Router()

    @router.get("/indicators", response=IndicatorsOut)
    def get_indicators(request, query: Query[IndicatorQuery]):
        """Decision 766 indicators for a period and optionally a unit, an agency (DonViXuLy) or a field."""
        require_role(request.user, STAFF_ROLES)
        if query.to < query.from_:
            raise HttpError(400, "'to' is before 'from'")
        if (query.to - query.from_).days > 3660:
            raise HttpError(400, "The period is longer than ten years")
        unit = get_object_or_404(AdministrativeUnit, pk=query.unit) if query.unit else None
        return indicators.compute(query.from_, query.to, unit=unit, agency=query.agency, field=query.field)

    @router.get("/files/{code}")
    def get_file(request, code: str):
        """One file with its computed due date and timeliness (early, on_time, late, due_soon, not_due)."""
        require_role(request.user, STAFF_ROLES)
        return selectors.file_dict(
            get_object_or_404(selectors.visible_files(request.user).select_related("procedure", "unit"), code=code)
        )

    @router.post("/files", response={200: PushOut, 400: PushOut})
    def push(request, payload: list[dict]):
        """Push files as objects with the export's column names; idempotent by MaHoSo. Refused rows are listed."""
        require_role(request.user, OPERATORS)
        if len(payload) > MAX_PUSH:
            raise HttpError(413, f"At most {MAX_PUSH} files per request")
        run = services.push_files(payload, request.user)
        body = {
            "created": run.created,
            "updated": run.updated,
            "refused": run.refused,
            "refused_count": run.refused_count,
        }
        return Status(400 if run.refused and not run.created + run.updated else 200, body)

    return router
