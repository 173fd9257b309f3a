"""The national portal's rule for a file's timeliness (early / on time / late / due soon / not yet due).

On time when finished no later than the appointment (NgayHenTra), the days spent waiting for the citizen's
supplements not counted; more than one supplement request counts as late; unfinished files are judged at a moment
(the end of the period, or now).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from functools import lru_cache

from ioc.core.services.calendar import TZ, get_calendar
from ioc.publicservice.models import Timeliness

FINISHED_STATUSES = {9, 10}
EXCLUDED_STATUSES = {3, 7, 8}  # not received, withdrawn, stopped: not judged


def effective_due(due_at: datetime, supplement_days: float) -> datetime:
    return due_at + timedelta(days=math.ceil(supplement_days or 0))


@lru_cache(maxsize=100_000)
def appointment(received: date, days: int) -> datetime:
    """NgayHenTra when the export lacks it: `days` working days after receipt, counting from the next day."""
    calendar = get_calendar()
    due = calendar.add_working_days(calendar.roll_forward(received), days)
    return datetime(due.year, due.month, due.day, 17, 0, tzinfo=TZ)


def final_outcome(finished_at: datetime, due_at: datetime, supplement_days: float, supplement_count: int) -> str:
    """Early, on time or late, for a finished file."""
    if supplement_count > 1:
        return Timeliness.LATE
    deadline = effective_due(due_at, supplement_days)
    if finished_at > deadline:
        return Timeliness.LATE
    if finished_at.astimezone(TZ).date() < deadline.astimezone(TZ).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def judge(file, at: datetime, due_soon_days: int = 1) -> str:
    """A file's timeliness at a moment: its outcome if finished by then, else late / due soon / not yet due."""
    if file.status in EXCLUDED_STATUSES:
        return ""
    if file.finished_at and file.finished_at <= at and file.outcome:
        return file.outcome
    deadline = effective_due(file.due_at, file.supplement_days)
    if at > deadline or file.supplement_count > 1:
        return Timeliness.LATE
    left = get_calendar().working_days_between(at.astimezone(TZ).date(), deadline.astimezone(TZ).date())
    return Timeliness.DUE_SOON if left <= due_soon_days else Timeliness.NOT_DUE
