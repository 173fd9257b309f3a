"""Time series: rollups per minute, hour and day, retention, and the NGSI-LD temporal representation.

Rollups are recomputed for the recent buckets on every run (idempotent upserts), so late or redelivered readings
are counted; raw readings older than their type's retention are deleted once rolled up. On PostgreSQL raw readings
live in monthly partitions (`ioc.sensors.partitions`): months past every type's retention are dropped whole.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncMinute
from django.utils import timezone

from ioc.sensors import ngsild, partitions
from ioc.sensors.models import Entity, Reading, RetentionPolicy, Rollup
from ioc.sensors.ngsild import NgsiError

PERIODS = {"1m": TruncMinute, "1h": TruncHour, "1d": TruncDay}
DURATIONS = {"PT1M": "1m", "PT1H": "1h", "P1D": "1d"}
METHODS = {"totalCount", "distinctCount", "sum", "avg", "min", "max", "stddev", "sumsq"}


def roll_up(since: datetime | None = None) -> int:
    """Recompute the rollups of every bucket from `since` (default: the last two days for days, two hours else)."""
    now = timezone.now()
    written = 0
    for period, trunc in PERIODS.items():
        start = since or now - (timedelta(days=2) if period == "1d" else timedelta(hours=2))
        rows = (
            Reading.objects.filter(observed_at__gte=start)
            .annotate(bucket=trunc("observed_at", tzinfo=timezone.get_current_timezone() if period == "1d" else None))
            .values("entity_id", "attr", "bucket")
            .annotate(n=Count("id"), s=Sum("value"), lo=Min("value"), hi=Max("value"))
        )
        objs = [
            Rollup(
                entity_id=r["entity_id"],
                attr=r["attr"],
                period=period,
                bucket=r["bucket"],
                count=r["n"],
                total=r["s"],
                minimum=r["lo"],
                maximum=r["hi"],
            )
            for r in rows
        ]
        with transaction.atomic():
            Rollup.objects.bulk_create(
                objs,
                update_conflicts=True,
                unique_fields=["entity", "attr", "period", "bucket"],
                update_fields=["count", "total", "minimum", "maximum"],
                batch_size=2000,
            )
        written += len(objs)
    return written


def apply_retention(now: datetime | None = None) -> int:
    """Delete raw readings and rollups past their type's retention (the default policy for other types)."""
    now = now or timezone.now()
    policies = {p.entity_type: p for p in RetentionPolicy.objects.all()}
    default = policies.get("") or RetentionPolicy(raw_days=30, rollup_days=730)
    deleted = 0
    longest = max([default.raw_days, *(p.raw_days for p in policies.values())])
    partitions.drop_partitions_before(now - timedelta(days=longest))
    for kind in Entity.objects.values_list("type", flat=True).distinct():
        policy = policies.get(kind, default)
        raw_cut = now - timedelta(days=policy.raw_days)
        deleted += Reading.objects.filter(entity__type=kind, observed_at__lt=raw_cut).delete()[0]
        deleted += Rollup.objects.filter(entity__type=kind, period="1m", bucket__lt=raw_cut).delete()[0]
        deleted += Rollup.objects.filter(
            entity__type=kind, bucket__lt=now - timedelta(days=policy.rollup_days)
        ).delete()[0]
    return deleted


def parse_duration(text: str) -> timedelta:
    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text or "")
    if not match or not any(match.groups()):
        raise NgsiError("BadRequestData", "aggrPeriodDuration must be an ISO 8601 duration such as PT1H or P1D")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if duration < timedelta(minutes=1):
        raise NgsiError("BadRequestData", "aggrPeriodDuration must be at least one minute")
    return duration


def time_window(params) -> tuple[datetime | None, datetime | None]:
    from ioc.sensors.ngsild import observed

    timerel = params.get("timerel")
    if not timerel:
        return None, None
    at = observed(params.get("timeAt"), "timeAt") if params.get("timeAt") else None
    if at is None:
        raise NgsiError("BadRequestData", "timerel needs timeAt")
    if timerel == "before":
        return None, at
    if timerel == "after":
        return at, None
    if timerel == "between":
        end = observed(params.get("endTimeAt"), "endTimeAt") if params.get("endTimeAt") else None
        if end is None or end <= at:
            raise NgsiError("BadRequestData", "timerel=between needs an endTimeAt after timeAt")
        return at, end
    raise NgsiError("BadRequestData", "timerel must be before, after or between")


# temporalValues (clause 4.5.9): each attribute type's list of [value, observedAt] pairs.
VALUES_KEY = {
    "Property": "values",
    "GeoProperty": "values",
    "Relationship": "objects",
    "LanguageProperty": "languageMaps",
    "VocabProperty": "vocabs",
    "JsonProperty": "jsons",
    "ListProperty": "valueLists",
    "ListRelationship": "objectLists",
}


WRAPPED_VALUES = {"LanguageProperty", "JsonProperty", "VocabProperty"}


def temporal_page(entities: list[Entity], params, ctx=None) -> tuple[list[dict], str | None]:
    """The entities' attributes over time, raw instances or aggregated per period, names as `ctx` gives them;
    and the Content-Range of a page cut short (clause 6.3.10): at most NGSI_TEMPORAL_LIMIT instances an entity,
    the oldest first, or the newest with lastN."""
    from ioc.sensors import jsonld

    ctx = ctx or jsonld.core()
    limit = settings.IOC["NGSI_TEMPORAL_LIMIT"]
    start, end = time_window(params)
    options = {o.strip() for o in params.get("options", "").split(",")}
    output_format = params.get("format", "")
    dataset_ids = {d.strip() for d in params.get("datasetId", "").split(",") if d.strip()} or None
    methods = [m for m in params.get("aggrMethods", "").split(",") if m]
    # format, where given, decides the representation over options (clause 6.3.7)
    aggregated = (
        output_format == "aggregatedValues" if output_format else bool(methods) or "aggregatedValues" in options
    )
    if aggregated:
        unknown = set(methods) - METHODS
        if unknown or not methods:
            raise NgsiError("BadRequestData", f"aggrMethods must name some of {', '.join(sorted(METHODS))}")
        period = parse_duration(params.get("aggrPeriodDuration", "P1D"))
        return [_aggregated(e, params, ctx, start, end, period, methods, dataset_ids) for e in entities], None
    last_n = params.get("lastN")
    if last_n is not None and (not last_n.isdigit() or not 1 <= int(last_n) <= 10_000):
        raise NgsiError("BadRequestData", "lastN must be a whole number from 1 to 10000")
    newest = last_n is not None
    per_attr = min(int(last_n or 10_000), limit + 1)
    sys_attrs = "sysAttrs" in options
    moment = params.get("timeproperty") or "observedAt"
    if moment not in ("observedAt", "createdAt", "modifiedAt", "deletedAt"):
        raise NgsiError("BadRequestData", "timeproperty is observedAt, createdAt, modifiedAt or deletedAt")
    histories = [
        (
            e,
            {
                a: _history(e, a, start, end, per_attr, sys_attrs, dataset_ids, newest, moment)
                for a in _attrs(e, params, ctx)
            },
        )
        for e in entities
    ]
    # The limit holds per entity; the page ends at the earliest cut (the latest with lastN) so that one
    # Content-Range describes every entity in it.
    cuts, first = [], None
    for _e, history in histories:
        moments = sorted((t for rows in history.values() for t, _i in rows), reverse=newest)
        if moments:
            first = moments[0] if first is None else (max(first, moments[0]) if newest else min(first, moments[0]))
        if len(moments) > limit:
            cuts.append(moments[limit - 1])
    content_range = None
    # An attribute the cut left empty stays in the answer, empty: its history goes on in the next page.
    had = [{a for a, rows in h.items() if rows} for _e, h in histories]
    if cuts:
        cut = max(cuts) if newest else min(cuts)
        kept = (lambda t: t >= cut) if newest else (lambda t: t <= cut)
        histories = [(e, {a: [r for r in rows if kept(r[0])] for a, rows in h.items()}) for e, h in histories]
        content_range = f"date-time {_z((end if newest else start) or first)}-{_z(cut)}/{last_n or '*'}"
    values = output_format == "temporalValues" if output_format else "temporalValues" in options
    return [_shaped(e, h, values, ctx, kept) for (e, h), kept in zip(histories, had, strict=True)], content_range


def _attrs(entity, params, ctx) -> list[str]:
    from ioc.sensors import jsonld

    return [jsonld.to_storage(a, ctx) for a in params.get("attrs", "").split(",") if a] or _temporal_attrs(entity)


def _head(entity, ctx) -> dict:
    from ioc.sensors import jsonld

    types = [jsonld.from_storage(t, ctx) for t in entity.types]
    return {"id": entity.entity_id, "type": types[0] if len(types) == 1 else types}


def _aggregated(entity, params, ctx, start, end, period, methods, dataset_ids) -> dict:
    from ioc.sensors import jsonld

    out = _head(entity, ctx)
    for attr in _attrs(entity, params, ctx):
        if entity.instances.filter(attr=attr).exists():
            history = [i for _t, i in _history(entity, attr, start, end, 200_000, False, dataset_ids)]
            buckets = _buckets(history, start, period)
        else:
            buckets = _aggregate(entity, attr, start, end, period)
        if buckets:
            out[jsonld.from_storage(attr, ctx)] = {
                "type": "Property",
                **{m: [[b.get(m), b["start"], b["end"]] for b in buckets] for m in methods},
            }
    return out


def _shaped(entity, history: dict[str, list], values: bool, ctx, had: set[str]) -> dict:
    """The temporal representation: each attribute's instances, or (temporalValues) its [value, time] pairs;
    an attribute in `had` whose instances all fell past the page is shown empty."""
    from ioc.sensors import jsonld
    from ioc.sensors.ngsild import MAIN_MEMBER

    out = _head(entity, ctx)
    for attr, rows in history.items():
        found = [item for _t, item in rows]
        name = jsonld.from_storage(attr, ctx)
        if not found:
            if attr in had:
                out[name] = {"type": "Property", "values": []} if values else []
            continue
        if not values:
            out[name] = found
            continue
        grouped: dict[tuple, list] = {}
        for item in found:
            kind = item["type"]
            member = MAIN_MEMBER.get(kind, "value")
            value = item.get(member)
            if kind in WRAPPED_VALUES:  # their values are objects or lists themselves: named, as ETSI shows them
                value = {member: value}
            grouped.setdefault((kind, item.get("datasetId")), []).append([value, item.get("observedAt")])
        shown = []
        for (kind, dataset_id), pairs in grouped.items():
            entry = {"type": kind, VALUES_KEY.get(kind, "values"): pairs}
            if dataset_id:
                entry["datasetId"] = dataset_id
            shown.append(entry)
        out[name] = shown[0] if len(shown) == 1 else shown
    return out


def _temporal_attrs(entity: Entity) -> list[str]:
    """Every attribute with a history: the current ones and those only in instances or readings."""
    keys = set(entity.attrs) | set(entity.instances.values_list("attr", flat=True).distinct())
    return sorted(keys)


def _buckets(history: list[dict], start, period: timedelta) -> list[dict]:
    """Aggregates of instances per period from `start` (else the first instance): every method of clause 4.5.19
    the numbers allow; totalCount and distinctCount count any values."""
    import statistics

    from django.utils.dateparse import parse_datetime

    rows = [(parse_datetime(i["observedAt"]), i.get("value")) for i in history if i.get("observedAt")]
    rows = [(t, v) for t, v in rows if t]
    if not rows:
        return []
    origin = start or min(t for t, _v in rows)
    buckets: dict[int, list] = {}
    for moment, value in rows:
        buckets.setdefault(int((moment - origin) / period), []).append(value)
    out = []
    for index, items in sorted(buckets.items()):
        numbers = [float(v) for v in items if isinstance(v, int | float) and not isinstance(v, bool)]
        entry = {
            "start": _z(origin + index * period),
            "end": _z(origin + (index + 1) * period),
            "totalCount": len(items),
            "distinctCount": len({repr(v) for v in items}),
        }
        if numbers:
            entry.update(
                sum=sum(numbers),
                avg=sum(numbers) / len(numbers),
                min=min(numbers),
                max=max(numbers),
                stddev=statistics.pstdev(numbers),
                sumsq=sum(n * n for n in numbers),
            )
        out.append(entry)
    return out


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _history(
    entity, attr, start, end, count: int, sys_attrs: bool, dataset_ids=None, newest=True, time_property="observedAt"
) -> list:
    """An attribute's instances in the window as (moment, instance), oldest first: device readings and instances
    written through the temporal API together; `count` of them, the newest or the oldest."""
    from ioc.sensors.ngsild import stamp

    if time_property == "deletedAt":
        return _deletions(entity, attr, start, end, count, newest)
    readings = Reading.objects.filter(entity=entity, attr=attr)
    written = entity.instances.filter(attr=attr, deleted_at__isnull=True)
    if dataset_ids is not None:
        written = written.filter(dataset_id__in=[("" if d == "@none" else d) for d in dataset_ids])
        if "@none" not in dataset_ids:
            readings = readings.none()
    if start:
        readings, written = readings.filter(observed_at__gte=start), written.filter(observed_at__gte=start)
    if end:
        readings, written = readings.filter(observed_at__lt=end), written.filter(observed_at__lt=end)
    by_time = "-observed_at" if newest else "observed_at"
    rows = [
        (t, {"type": "Property", "value": v, "observedAt": stamp(t)})
        for v, t in readings.order_by(by_time).values_list("value", "observed_at")[:count]
    ]
    for row in written.order_by(by_time)[:count]:
        item = {k: v for k, v in row.data.items() if k not in ("createdAt", "modifiedAt")}
        item["instanceId"] = row.instance_id
        if sys_attrs:
            item["createdAt"], item["modifiedAt"] = stamp(row.created_at), stamp(row.modified_at)
        rows.append((row.observed_at or row.created_at, item))
    if not rows:
        rows = _current_instances(entity, attr, start, end, sys_attrs, dataset_ids, time_property)
    rows.sort(key=lambda pair: pair[0])
    return rows[-count:] if newest else rows[:count]


def _deletions(entity, attr, start, end, count: int, newest: bool) -> list:
    """The instances recording an attribute's deletions, at their deletedAt."""
    from ioc.sensors.ngsild import stamp

    rows = entity.instances.filter(attr=attr, deleted_at__isnull=False)
    if start:
        rows = rows.filter(deleted_at__gte=start)
    if end:
        rows = rows.filter(deleted_at__lt=end)
    found = [
        (row.deleted_at, {**row.data, "instanceId": row.instance_id, "deletedAt": stamp(row.deleted_at)})
        for row in rows.order_by("-deleted_at" if newest else "deleted_at")[:count]
    ]
    found.sort(key=lambda pair: pair[0])
    return found


def _current_instances(entity, attr, start, end, sys_attrs, dataset_ids, time_property) -> list:
    """An attribute without a recorded history (text written through the entity API): its current instances,
    at their `time_property` (observedAt, createdAt or modifiedAt), are its whole history."""
    from django.utils.dateparse import parse_datetime

    rows = []
    for item in ngsild.instances(entity.attrs.get(attr) or []):
        if not isinstance(item, dict) or (dataset_ids and item.get("datasetId", "@none") not in dataset_ids):
            continue
        moment = parse_datetime(item[time_property]) if isinstance(item.get(time_property), str) else None
        if moment is None or (start and moment < start) or (end and moment >= end):
            continue
        shown = dict(item) if sys_attrs else {k: v for k, v in item.items() if k not in ("createdAt", "modifiedAt")}
        rows.append((moment, shown))
    return rows


def _aggregate(entity, attr, start, end, period: timedelta) -> list[dict]:
    """Buckets of `period`: from the rollups for a minute, an hour or a day, else from raw readings."""
    standard = {timedelta(minutes=1): "1m", timedelta(hours=1): "1h", timedelta(days=1): "1d"}.get(period)
    if standard:
        qs = Rollup.objects.filter(entity=entity, attr=attr, period=standard)
        if start:
            qs = qs.filter(bucket__gte=start)
        if end:
            qs = qs.filter(bucket__lt=end)
        return [
            {
                "start": r.bucket.isoformat(),
                "end": (r.bucket + period).isoformat(),
                "totalCount": r.count,
                "sum": r.total,
                "avg": r.total / r.count,
                "min": r.minimum,
                "max": r.maximum,
            }
            for r in qs.order_by("bucket")[:10_000]
        ]
    qs = Reading.objects.filter(entity=entity, attr=attr)
    if start:
        qs = qs.filter(observed_at__gte=start)
    if end:
        qs = qs.filter(observed_at__lt=end)
    rows = list(qs.order_by("observed_at").values_list("value", "observed_at")[:200_000])
    if not rows:
        return []
    origin = start or rows[0][1]
    buckets: dict[int, list[float]] = {}
    for value, moment in rows:
        buckets.setdefault(int((moment - origin) / period), []).append(value)
    return [
        {
            "start": (origin + i * period).isoformat(),
            "end": (origin + (i + 1) * period).isoformat(),
            "totalCount": len(v),
            "sum": sum(v),
            "avg": sum(v) / len(v),
            "min": min(v),
            "max": max(v),
        }
        for i, v in sorted(buckets.items())
    ]
