"""Working-day calendar (ngày làm việc): weekends and Vietnam's public holidays off, plus the city's
own one-off days off and make-up working days from `CalendarDay`. Every domain's deadline uses it.

Vietnam's holidays (Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9, the swapped days) come from the `holidays`
package; `CalendarDay` rows win over it. Times are Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.utils import translation
from django.utils.translation import gettext as _

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_CACHE_SECONDS = 30


@dataclass
class WorkingCalendar:
    """Vietnam's public calendar plus explicit overrides (date → True working / False day off)."""

    overrides: dict[date, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._vn = holidays.country_holidays("VN", language="vi")
        self._vn_en = holidays.country_holidays("VN", language="en_US")

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day in self._vn.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in self._vn

    def day_off_reason(self, day: date) -> str | None:
        """The holiday's name in the active language, "Weekend", or None on a working day."""
        if self.is_working_day(day):
            return None
        names = self._vn if translation.get_language() != "en" else self._vn_en
        return names.get(day) or (_("Weekend") if day.weekday() >= 5 else _("Day off"))

    def roll_forward(self, day: date) -> date:
        """The day itself if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; counting starts the next day (0 → roll forward)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            return self.roll_forward(day)
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


_cached: tuple[float, WorkingCalendar] | None = None


def get_calendar() -> WorkingCalendar:
    """The calendar with the city's overrides, re-read at most every few seconds (edits show up quickly)."""
    global _cached
    if _cached and time.monotonic() - _cached[0] < _CACHE_SECONDS:
        return _cached[1]
    from ioc.core.models import CalendarDay

    overrides = {d.date: d.kind == CalendarDay.Kind.WORKING_DAY for d in CalendarDay.objects.all()}
    _cached = (time.monotonic(), WorkingCalendar(overrides))
    return _cached[1]


def invalidate_calendar(**_kwargs) -> None:
    """Drop the cached calendar (connected to CalendarDay saves and deletes)."""
    global _cached
    _cached = None


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def is_working_day(day: date) -> bool:
    return get_calendar().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    return get_calendar().add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    return get_calendar().working_days_between(start, end)


def roll_forward(day: date) -> date:
    return get_calendar().roll_forward(day)


def deadline_after(start: datetime, days: int, end_of_day: tuple[int, int] = (17, 0)) -> datetime:
    """The deadline `days` working days after `start` (a moment), at the end of the office day, in Vietnam's time.

    Received on a day off, counting starts as if received on the next working day.
    """
    received = local_date(start)
    if not is_working_day(received):
        received = roll_forward(received)
    due = add_working_days(received, days)
    return datetime(due.year, due.month, due.day, *end_of_day, tzinfo=TZ)
