"""The working-day calendar: weekends, Vietnam's holidays (Tết, Giỗ Tổ), make-up days and the city's overrides."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ioc.core.services.calendar import WorkingCalendar, deadline_after

VN = ZoneInfo("Asia/Ho_Chi_Minh")
calendar = WorkingCalendar()


def test_weekends_and_holidays_are_days_off():
    assert calendar.is_working_day(date(2026, 11, 25))  # a Wednesday
    assert not calendar.is_working_day(date(2026, 11, 28))  # Saturday
    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết Bính Ngọ
    assert not calendar.is_working_day(date(2025, 4, 7))  # Giỗ Tổ Hùng Vương 2025
    assert not calendar.is_working_day(date(2026, 4, 27))  # Giỗ Tổ 2026 falls on Sunday: observed Monday
    assert not calendar.is_working_day(date(2026, 9, 2))  # Quốc khánh
    assert calendar.day_off_reason(date(2026, 2, 17)) == "Lunar New Year"
    assert calendar.day_off_reason(date(2026, 11, 28)) == "Weekend"
    with translation.override("vi"):  # the names follow the reader's language
        assert calendar.day_off_reason(date(2026, 2, 17)) == "Tết Nguyên Đán"
        assert calendar.day_off_reason(date(2026, 11, 28)) == "Cuối tuần"


def test_make_up_saturday_is_a_working_day():
    # 2025: 02/5 off, made up on Saturday 26/4.
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))


def test_deadline_skips_tet():
    # Received Friday 13/02/2026, 3 working days: the Tết week (16–20/02) is off → Wednesday 25/02.
    assert calendar.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3


def test_counting_starts_the_next_day_and_zero_rolls_forward():
    assert calendar.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 26)
    assert calendar.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday → Monday
    assert calendar.roll_forward(date(2026, 11, 25)) == date(2026, 11, 25)
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 11, 25), -1)


def test_city_overrides_win():
    own = WorkingCalendar({date(2026, 11, 26): False, date(2026, 11, 28): True})
    assert own.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert own.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 28)


@pytest.mark.django_db
def test_deadline_after_a_moment_is_end_of_office_day_in_vietnam_time():
    # 23:30 Friday in Vietnam is 16:30 UTC; received on a working day, 1 working day → Monday 17:00.
    start = datetime(2026, 11, 27, 16, 30, tzinfo=ZoneInfo("UTC"))
    due = deadline_after(start, 1)
    assert due == datetime(2026, 11, 30, 17, 0, tzinfo=VN)
    # Received on Saturday counts from Monday: 1 working day → Tuesday.
    assert deadline_after(datetime(2026, 11, 28, 9, 0, tzinfo=VN), 1).date() == date(2026, 12, 1)


@pytest.mark.django_db
def test_calendar_day_rows_change_deadlines_at_once():
    from ioc.core.models import CalendarDay
    from ioc.core.services import calendar as service

    assert service.add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 2)
    CalendarDay.objects.create(date=date(2026, 12, 2), kind=CalendarDay.Kind.DAY_OFF, name="Bão")
    assert service.add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 3)
    CalendarDay.objects.all().delete()
    assert service.add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 2)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_add_then_count_round_trips(start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due)
    assert due >= start
    if n > 0:
        assert calendar.working_days_between(start, due) == n
        # No earlier day would do: the day before the deadline has one working day fewer.
        assert calendar.working_days_between(start, due - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=days, a=st.integers(min_value=0, max_value=30), b=st.integers(min_value=0, max_value=30))
def test_adding_is_monotonic_and_additive(start, a, b):
    assert calendar.add_working_days(start, a) <= calendar.add_working_days(start, a + b)
    if a > 0 and b > 0:
        assert calendar.add_working_days(calendar.add_working_days(start, a), b) == calendar.add_working_days(
            start, a + b
        )


@settings(max_examples=100, deadline=None)
@given(a=days, b=days)
def test_between_is_antisymmetric(a, b):
    assert calendar.working_days_between(a, b) == -calendar.working_days_between(b, a)
