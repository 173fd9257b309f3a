"""One effective plan per circuit per night, with the rule that won each interval.

A night runs from the evening of its date to the next morning. Layers paint over each other in order: the
astronomical clock (sunset/sunrise from `astral` at the cabinet's place, with offsets) at 100 %, then time
profiles, special days, the weather (tonight only, while its condition holds) and operators' overrides; within a
kind a higher priority paints last. Outside the astronomical on-period the lamps are off unless an override says
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sunrise, sunset

from ioc.lighting.models import Circuit, Override, ScheduleRule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
KIND_ORDER = {"astro": 0, "profile": 1, "special": 2, "weather": 3}
HOLIDAY_WORDS = {"tet": "Lunar New Year", "national-day": "National Day", "hung-kings": "Hung Kings"}


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    level: int
    rule: str

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "level": self.level, "rule": self.rule}


@lru_cache(maxsize=4096)
def sun_times(night: date, lat: float, lon: float) -> tuple[datetime, datetime]:
    """(sunset on the night's date, sunrise the next morning) in local time, rounded to the minute."""
    observer = Observer(latitude=lat, longitude=lon)
    dusk = sunset(observer, night, tzinfo=TZ).replace(second=0, microsecond=0)
    dawn = sunrise(observer, night + timedelta(days=1), tzinfo=TZ).replace(second=0, microsecond=0)
    return dusk, dawn


def _clock(night: date, text: str) -> datetime:
    """'22:00' on the night's evening; times before noon ('05:00') fall on the next morning; '24:00' is midnight."""
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24:
        return datetime.combine(night + timedelta(days=1), time(0, minutes), TZ)
    day = night if hours >= 12 else night + timedelta(days=1)
    return datetime.combine(day, time(hours, minutes), TZ)


def _is_special(rule: ScheduleRule, night: date) -> bool:
    import holidays

    names = " ".join(holidays.country_holidays("VN", years=night.year).get_list(night))
    for day in rule.days:
        if day == night.isoformat() or day == night.strftime("%m-%d"):
            return True
        word = HOLIDAY_WORDS.get(day)
        if (word and word in names) or (day == "holiday" and names):
            return True
    return False


def _applies(rule: ScheduleRule, circuit: Circuit, circuit_ids: set[int]) -> bool:
    if circuit_ids:
        return circuit.pk in circuit_ids
    return not rule.road_class or rule.road_class == circuit.road_class


def _paint(segments: list[Segment], start: datetime, end: datetime, level: int, rule: str) -> list[Segment]:
    """Lay [start, end) at `level` over the segments, splitting what it covers."""
    if end <= start:
        return segments
    out = []
    for s in segments:
        if s.end <= start or s.start >= end:
            out.append(s)
            continue
        if s.start < start:
            out.append(Segment(s.start, start, s.level, s.rule))
        if s.end > end:
            out.append(Segment(end, s.end, s.level, s.rule))
    out.append(Segment(start, end, level, rule))
    return sorted(out, key=lambda s: s.start)


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for s in segments:
        if out and out[-1].end == s.start and out[-1].level == s.level and out[-1].rule == s.rule:
            out[-1] = Segment(out[-1].start, s.end, s.level, s.rule)
        else:
            out.append(s)
    return out


def night_plan(
    circuit: Circuit,
    night: date,
    rules: list[tuple[ScheduleRule, set[int]]],
    overrides: list[Override] = (),
    weather: dict | None = None,
) -> list[Segment]:
    """The plan of one circuit for one night. `rules` are (rule, its circuit ids) sorted by kind and priority;
    `weather` ({"visibility": m, "precipitation": mm/h} now) applies weather rules from `weather['since']`."""
    lat, lon = circuit.cabinet.lat, circuit.cabinet.lon
    dusk, dawn = sun_times(night, round(lat, 3), round(lon, 3))
    day_start = datetime.combine(night, time(12, 0), TZ)
    day_end = day_start + timedelta(days=1)
    segments = [Segment(day_start, day_end, 0, "daylight")]
    astro = [r for r, ids in rules if r.kind == "astro" and _applies(r, circuit, ids)]
    rule_name = astro[-1].name if astro else "astronomical clock"
    on = dusk + timedelta(minutes=astro[-1].on_offset_min if astro else 0)
    off = dawn + timedelta(minutes=astro[-1].off_offset_min if astro else 0)
    segments = _paint(segments, on, off, 100, rule_name)
    for rule, ids in rules:
        if rule.kind == "astro" or not _applies(rule, circuit, ids):
            continue
        if rule.kind == "special" and not _is_special(rule, night):
            continue
        if rule.kind == "weather":
            if not weather or not _weather_holds(rule, weather):
                continue
            since = max(weather.get("since", on), on)
            segments = _paint(segments, since, off, max(rule.level, _level_at(segments, since)), rule.name)
            continue
        for interval in rule.intervals:
            start, end = _clock(night, interval["from"]), _clock(night, interval["to"])
            segments = _paint(segments, max(start, on), min(end, off), int(interval["level"]), rule.name)
    for override in overrides:
        start, end = max(override.starts_at, day_start), min(override.expires_at, day_end)
        segments = _paint(segments, start, end, override.level, f"override: {override.reason or 'manual'}")
    return _merge(segments)


def _weather_holds(rule: ScheduleRule, weather: dict) -> bool:
    if rule.condition == "fog":
        return weather.get("visibility") is not None and weather["visibility"] < (rule.threshold or 200)
    if rule.condition == "rain":
        return weather.get("precipitation") is not None and weather["precipitation"] > (rule.threshold or 20)
    return False


def _level_at(segments: list[Segment], moment: datetime) -> int:
    for s in segments:
        if s.start <= moment < s.end:
            return s.level
    return 0


def level_at(segments: list[Segment], moment: datetime) -> tuple[int, str]:
    for s in segments:
        if s.start <= moment < s.end:
            return s.level, s.rule
    return 0, "daylight"


def active_rules() -> list[tuple[ScheduleRule, set[int]]]:
    rules = ScheduleRule.objects.filter(active=True).prefetch_related("circuits")
    ordered = sorted(rules, key=lambda r: (KIND_ORDER[r.kind], r.priority, r.pk))
    return [(r, {c.pk for c in r.circuits.all()}) for r in ordered]


def night_of(moment: datetime) -> date:
    """The night a moment belongs to: before noon it is the previous evening's."""
    local = moment.astimezone(TZ)
    return local.date() if local.hour >= 12 else local.date() - timedelta(days=1)


def plans(night: date, circuits=None, weather: dict | None = None) -> dict[int, list[Segment]]:
    """The plan of every circuit (or those given) for a night, reading rules and overrides once."""
    circuits = list(circuits if circuits is not None else Circuit.objects.select_related("cabinet"))
    rules = active_rules()
    day_start = datetime.combine(night, time(12, 0), TZ)
    overrides: dict[int, list[Override]] = {}
    for o in Override.objects.filter(
        cancelled=False, circuit__in=circuits, expires_at__gt=day_start, starts_at__lt=day_start + timedelta(days=1)
    ).order_by("starts_at"):
        overrides.setdefault(o.circuit_id, []).append(o)
    return {c.pk: night_plan(c, night, rules, overrides.get(c.pk, []), weather) for c in circuits}
