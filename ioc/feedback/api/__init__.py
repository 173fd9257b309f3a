"""Feedback's JSON API at /api/feedback/ (statistics for dashboards and reports; Open311 is at /open311/v2/)."""

from ninja import Query, Router, Schema
from pydantic import Field

from ioc.core.permissions import STAFF_ROLES, require_role
from ioc.feedback import selectors


class StatsQuery(Schema):
    by: str = Field("category", pattern="^(category|unit|department|month)$")


class StatsRow(Schema):
    group: str
    received: int
    resolved: int
    on_time_pct: float | None
    overdue: int
    avg_resolution_hours: float | None
    satisfaction_pct: float | None


def build_router() -> Router:
    router = Router()

    @router.get("/stats", response=list[StatsRow])
    def stats(request, query: Query[StatsQuery]):
        """Received, on time %, overdue, average resolution time and satisfaction %, per group, in scope."""
        require_role(request.user, STAFF_ROLES)
        return selectors.statistics(selectors.visible_reports(request.user), query.by)

    return router
