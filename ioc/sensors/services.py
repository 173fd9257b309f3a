"""Writing context: entities created, upserted, updated or appended in batches, readings stored, rules evaluated.

Every batch is one transaction: an invalid entity is reported and skipped, the valid ones are written together.
Alerts go out after the commit (core's raise_alert).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import orjson
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.db import one_writer
from ioc.core.geojson import gc_paused
from ioc.core.services import audit
from ioc.core.services.alerts import raise_alert, resolve_condition
from ioc.core.services.geo import unit_at
from ioc.sensors import jsonld, ngsild
from ioc.sensors.models import Entity, Reading, Rule, RuleState
from ioc.sensors.ngsild import NgsiError, location_of, normalize_attribute, observed, parse_entity
from ioc.sensors.vocabulary import device_name, quantity_label


class Sample(NamedTuple):
    """One numeric observation about to be stored (lighter than a Reading instance: a batch holds thousands)."""

    entity: object  # an Entity or a _Row: anything with pk, entity_id, type, lat, lon, unit_id
    attr: str
    observed_at: datetime
    value: float


@dataclass(slots=True)
class _Row:
    """The columns of an entity the telemetry path reads and writes, without a model instance's cost."""

    pk: int
    entity_id: str
    type: str
    attrs: dict
    lat: float | None
    lon: float | None
    unit_id: int | None
    last_seen_at: datetime | None = None
    stale_alerted: bool = False
    modified_at: datetime | None = None


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _readings(entity, attrs: dict, now: datetime) -> list[Sample]:
    return [
        Sample(entity, name, observed(value.get("observedAt"), name) or now, float(value["value"]))
        for name, value in ((n, ngsild.default_instance(v)) for n, v in attrs.items() if v is not None)
        if value and value.get("type") == "Property" and _is_number(value.get("value"))
    ]


def _insert_readings(samples: list[Sample]) -> None:
    """One INSERT for the batch; a repeated observation (same entity, attribute and time) is stored once."""
    if not samples:
        return
    ops = connection.ops
    table = ops.quote_name(Reading._meta.db_table)
    if connection.vendor == "postgresql":
        # One statement over one JSON document of rows: executemany sends a statement per row, which the profile
        # showed as most of an MQTT batch's time on PostgreSQL.
        sql = (
            f"INSERT INTO {table} (entity_id, attr, observed_at, value) "  # noqa: S608
            "SELECT entity_id, attr, observed_at, value FROM jsonb_to_recordset(%s::jsonb) "
            "AS r(entity_id bigint, attr text, observed_at timestamptz, value float8) "
            "ON CONFLICT (entity_id, attr, observed_at) DO NOTHING"
        )
        with gc_paused():
            document = orjson.dumps(
                [
                    {"entity_id": s.entity.pk, "attr": s.attr, "observed_at": s.observed_at, "value": s.value}
                    for s in samples
                ]
            ).decode()
        with connection.cursor() as cursor:
            cursor.execute(sql, [document])
        return
    sql = (
        f"INSERT INTO {table} (entity_id, attr, observed_at, value) VALUES (%s, %s, %s, %s) "  # noqa: S608
        "ON CONFLICT (entity_id, attr, observed_at) DO NOTHING"
    )
    adapt = ops.adapt_datetimefield_value
    with gc_paused():
        rows = [(s.entity.pk, s.attr, adapt(s.observed_at), s.value) for s in samples]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


JSON_COLUMNS = ("attrs", "extra_types", "scopes")
MODES = ("create", "upsert", "upsert-replace", "update", "append", "append-keep", "merge", "replace")


def write_entities(
    bodies: list, mode: str, ctx=None, *, allow_null: bool = False
) -> tuple[list[str], list[dict], list[str]]:
    """Apply a batch. mode: create (refuse existing); upsert (create, or add/overwrite attributes);
    upsert-replace (create, or replace all attributes: NGSI-LD's default upsert); update (existing attributes
    only); append (add/overwrite attributes of existing entities); append-keep (append without overwriting);
    merge (NGSI-LD merge: attributes merged, "urn:ngsi-ld:null" deletes); replace (all attributes of an existing
    entity). `ctx` is the request's @context, or one per body (an NgsiError where it could not be had);
    allow_null lets "urn:ngsi-ld:null" delete attributes. Returns (ids written, errors as {entityId, error},
    created)."""
    assert mode in MODES, mode
    contexts = ctx if isinstance(ctx, list) else [ctx] * len(bodies)
    parsed, errors = [], []
    for body, context in zip(bodies, contexts, strict=True):
        try:
            if isinstance(context, NgsiError):
                raise context
            parsed.append((parse_entity(body, context, allow_null=allow_null or mode == "merge"), context))
        except NgsiError as exc:
            errors.append({"entityId": body.get("id") if isinstance(body, dict) else None, "error": exc.problem()})
    seen = {item[0][0] for item in parsed}
    now = timezone.now()
    stamp = ngsild.stamp(now)
    written, created = [], []
    with one_writer(), transaction.atomic():
        existing = {e.entity_id: e for e in Entity.objects.select_for_update().filter(entity_id__in=seen)}
        new_entities, changed, readings, fresh, deleted_snapshots = [], [], [], set(), []
        previous: dict[int, dict] = {}  # what changed attributes were, for subscriptions with showChanges
        changed_pks: set[int] = set()
        # The same id twice in one batch: applied in order (a create's second one is refused as existing).
        for (entity_id, types, attrs, location, scopes), context in parsed:
            current = existing.get(entity_id)
            if current is None:
                if mode in ("update", "append", "append-keep", "merge", "replace"):
                    errors.append(_error(entity_id, NgsiError("ResourceNotFound", f"{entity_id} does not exist")))
                    continue
                attrs = {k: v for k, v in attrs.items() if v is not None and not _is_marker(v)}
                entity = Entity(entity_id=entity_id, type=types[0], attrs=_stamped(attrs, {}, stamp), last_seen_at=now)
                entity.extra_types, entity.scopes = types[1:], scopes or []
                entity.multi_typed = len(types) > 1
                _place(entity, location)
                new_entities.append(entity)
                created.append(entity_id)
                existing[entity_id] = entity
                fresh.add(entity_id)
            else:
                if mode == "create":
                    errors.append(_error(entity_id, NgsiError("AlreadyExists", f"{entity_id} already exists")))
                    continue
                _retype(current, types, scopes, mode)
                if mode == "update":
                    attrs = {k: v for k, v in attrs.items() if k in current.attrs}
                elif mode == "append-keep":
                    attrs, kept_back = not_overwritten(current.attrs, attrs)
                    if kept_back:
                        names = ", ".join(jsonld.from_storage(k, context) for k in kept_back)
                        errors.append(_error(entity_id, NgsiError("BadRequestData", f"not overwritten: {names}")))
                gone = {k for k, v in attrs.items() if (v is None or _is_marker(v)) and k in current.attrs}
                if gone:
                    from ioc.sensors.subscriptions import snapshot

                    deleted_snapshots.append(snapshot(current, gone))
                previous[current.pk] = {k: current.attrs[k] for k in attrs if k in current.attrs}
                current.attrs = _combined(current.attrs, attrs, stamp, mode)
                _reporting_again(current)
                current.last_seen_at, current.stale_alerted, current.modified_at = now, False, now
                _place(current, location_of(current.attrs), clear=True)
                entity = current
                if entity_id not in fresh and entity.pk not in changed_pks:
                    changed_pks.add(entity.pk)
                    changed.append(entity)
            readings.append((entity, attrs))
            if entity_id not in written:
                written.append(entity_id)
        _insert_entities(new_entities)
        _save_entities(changed, with_place=True)
        rows = [r for entity, attrs in readings for r in _readings(entity, attrs, now)]
        _insert_readings(rows)
        evaluate_rules(rows)
        _notify_after_commit({entity.pk: set(attrs) for entity, attrs in readings}, previous)
        _notify_deleted_after_commit(deleted_snapshots, "attributeDeleted")
    return written, errors, created


def not_overwritten(current: dict, attrs: dict) -> tuple[dict, list[str]]:
    """noOverwrite: the attributes (and new datasetId instances of existing ones) to write, and the keys of those
    left as they were."""
    out, kept_back = {}, []
    for key, attribute in attrs.items():
        if key not in current:
            out[key] = attribute
            continue
        there = {_dataset_of(i) for i in ngsild.instances(current[key])}
        new = [i for i in ngsild.instances(attribute) if _dataset_of(i) not in there]
        if new:
            out[key] = new[0] if len(new) == 1 else new
        else:
            kept_back.append(key)
    return out, kept_back


def _dataset_of(instance) -> str | None:
    return instance.get("datasetId") if isinstance(instance, dict) else None


def _retype(entity: Entity, types: list[str], scopes: list[str] | None, mode: str) -> None:
    """Types and scopes after a write: replaced by a replace, added to otherwise (an entity gains types);
    an update or merge replaces the scopes it names."""
    if mode in ("replace", "upsert-replace"):
        entity.type, entity.extra_types = types[0], types[1:]
        entity.multi_typed = bool(entity.extra_types)
        entity.scopes = scopes or []
        return
    entity.extra_types = [t for t in dict.fromkeys([*entity.types, *types]) if t != entity.type]
    entity.multi_typed = bool(entity.extra_types)
    if scopes is not None and mode == "append-keep":
        entity.scopes = list(dict.fromkeys([*entity.scopes, *scopes]))  # noOverwrite adds to the scopes
    elif scopes is not None:
        entity.scopes = scopes  # an append overwrites; an update or merge replaces


def _insert_entities(entities: list[Entity]) -> None:
    """One executemany INSERT, values adapted here (bulk_create's per-field preparation was a third of a batch of
    new entities), then the new ids read back in one query."""
    if not entities:
        return
    ops = connection.ops
    json_slot = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = (
        "entity_id type attrs extra_types scopes multi_typed has_shape lat lon unit_id last_seen_at stale_alerted "
        "created_at modified_at"
    ).split()
    sql = (
        f"INSERT INTO {ops.quote_name(Entity._meta.db_table)} ({', '.join(ops.quote_name(c) for c in columns)}) "  # noqa: S608
        "VALUES (" + ", ".join(json_slot if c in JSON_COLUMNS else "%s" for c in columns) + ")"
    )
    adapt = ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    with gc_paused():
        rows = [
            (
                e.entity_id,
                e.type,
                orjson.dumps(e.attrs).decode(),
                orjson.dumps(e.extra_types).decode(),
                orjson.dumps(e.scopes).decode(),
                e.multi_typed,
                e.has_shape,
                e.lat,
                e.lon,
                e.unit_id,
                adapt(e.last_seen_at),
                False,
                now,
                now,
            )
            for e in entities
        ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    ids = dict(Entity.objects.filter(entity_id__in=[e.entity_id for e in entities]).values_list("entity_id", "pk"))
    for entity in entities:
        entity.pk = ids[entity.entity_id]


def _error(entity_id, exc: NgsiError) -> dict:
    return {"entityId": entity_id, "error": exc.problem()}


def _stamped(attrs: dict, before: dict, stamp: str) -> dict:
    """System timestamps on each written instance: createdAt kept from the instance it replaces."""
    out = {}
    for key, attribute in attrs.items():
        old = {i.get("datasetId"): i for i in ngsild.instances(before[key])} if key in before else {}
        stamped = []
        for item in ngsild.instances(attribute):
            previous = old.get(item.get("datasetId"))
            stamped.append(
                {**item, "createdAt": previous.get("createdAt", stamp) if previous else stamp, "modifiedAt": stamp}
            )
        out[key] = stamped[0] if len(stamped) == 1 else stamped
    return out


def _combined(current: dict, attrs: dict, stamp: str, mode: str) -> dict:
    """An entity's attributes after a write: whole attributes replaced by datasetId instance, or (replace modes)
    everything replaced; a None attribute (merge's "urn:ngsi-ld:null") removes the attribute."""
    if mode in ("upsert-replace", "replace"):
        return _stamped({k: v for k, v in attrs.items() if v is not None and not _is_marker(v)}, current, stamp)
    out = dict(current)
    for key, attribute in attrs.items():
        if attribute is None:
            out.pop(key, None)
            continue
        if isinstance(attribute, dict) and attribute.get(ngsild.DELETED):  # one instance deleted by datasetId
            kept = [i for i in ngsild.instances(current.get(key, [])) if i.get("datasetId") != attribute["datasetId"]]
            if kept:
                out[key] = kept[0] if len(kept) == 1 else kept
            else:
                out.pop(key, None)
            continue
        written = _stamped({key: attribute}, current, stamp)[key]
        if key not in current:
            out[key] = written
            continue
        by_dataset = {i.get("datasetId"): i for i in ngsild.instances(current[key])}
        for item in ngsild.instances(written):
            if mode == "merge" and item.get("datasetId") in by_dataset:
                item = _merged_instance(by_dataset[item.get("datasetId")], item)
            by_dataset[item.get("datasetId")] = item
        instances = list(by_dataset.values())
        out[key] = instances[0] if len(instances) == 1 else instances
    return out


def _is_marker(attribute) -> bool:
    return isinstance(attribute, dict) and bool(attribute.get(ngsild.DELETED))


def _merged_instance(old: dict, new: dict) -> dict:
    """Merge-patch of one instance: members and sub-attributes of `new` win, "urn:ngsi-ld:null" ones go."""
    merged = {**old, **new}
    return {k: v for k, v in merged.items() if v != ngsild.NULL}


def _notify_after_commit(changes: dict[int, set[str]], previous: dict | None = None) -> None:
    """Subscriptions hear of a change only once it is committed (a rolled-back write notifies no one)."""
    from ioc.sensors.subscriptions import entities_changed

    if changes:
        transaction.on_commit(lambda: entities_changed(changes, previous))


def _save_entities(entities: list[Entity], *, with_place: bool) -> None:
    """SQLite: one parameterised UPDATE per entity via executemany (bulk_update's CASE statements grow with the
    batch and were most of a batch's time); PostgreSQL: one statement for the batch."""
    if not entities:
        return

    # The telemetry path (with_place False) writes only what readings change: never types, scopes or place.
    columns = ["attrs", "last_seen_at", "stale_alerted", "modified_at"] + (
        ["lat", "lon", "unit_id", "extra_types", "scopes", "multi_typed", "has_shape"] if with_place else []
    )
    if connection.vendor == "postgresql":
        _update_from_document(entities, columns)
        return
    ops = connection.ops
    # Values are adapted here rather than through each field's get_db_prep_save, which was a fifth of a batch.
    sql = (
        f"UPDATE {ops.quote_name(Entity._meta.db_table)} SET "  # noqa: S608 (our own column names)
        + ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
        + " WHERE id = %s"
    )
    adapt = ops.adapt_datetimefield_value
    with gc_paused():
        rows = [
            [orjson.dumps(e.attrs).decode(), adapt(e.last_seen_at), e.stale_alerted, adapt(e.modified_at)]
            + (
                [
                    e.lat,
                    e.lon,
                    e.unit_id,
                    orjson.dumps(e.extra_types).decode(),
                    orjson.dumps(e.scopes).decode(),
                    e.multi_typed,
                    e.has_shape,
                ]
                if with_place
                else []
            )
            + [e.pk]
            for e in entities
        ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


PG_TYPES = {
    "attrs": "jsonb",
    "extra_types": "jsonb",
    "scopes": "jsonb",
    "last_seen_at": "timestamptz",
    "modified_at": "timestamptz",
    "stale_alerted": "boolean",
    "multi_typed": "boolean",
    "has_shape": "boolean",
    "lat": "float8",
    "lon": "float8",
    "unit_id": "bigint",
    "id": "bigint",
}


def _update_from_document(entities: list[Entity], columns: list[str]) -> None:
    """PostgreSQL: every entity of the batch in one UPDATE … FROM jsonb_to_recordset(one JSON document): one
    statement and one round trip instead of one per entity (Django's client-side cursor would escape array
    parameters element by element; one document is escaped once)."""
    quote = connection.ops.quote_name
    names = [*columns, "id"]
    sql = (
        f"UPDATE {quote(Entity._meta.db_table)} AS e SET "  # noqa: S608 (our own column names)
        + ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns)
        + " FROM jsonb_to_recordset(%s::jsonb) AS v("
        + ", ".join(f"{quote(c)} {PG_TYPES[c]}" for c in names)
        + ") WHERE e.id = v.id"
    )
    with gc_paused():
        document = orjson.dumps([{**{c: getattr(e, c) for c in columns}, "id": e.pk} for e in entities]).decode()
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])


@transaction.atomic
def add_device_rule(entity: Entity, rule: Rule, *, by, request=None) -> Rule:
    """A rule watching only this device; audited."""
    rule.entity = entity
    rule.save()
    audit.record(by, "sensors.rule.create", rule, request=request, device=entity.entity_id)
    return rule


def delete_rule(rule: Rule, *, by, request=None) -> None:
    audit.delete_recorded(by, "sensors.rule.delete", rule, request=request, name=rule.name)


@transaction.atomic
def delete_entities(entity_ids: list[str]) -> set[str]:
    """Delete entities (their readings go with them); returns the ids that existed. Subscriptions asking for
    entityDeleted hear of it once committed."""
    from ioc.sensors.subscriptions import snapshot

    entities = list(Entity.objects.filter(entity_id__in=entity_ids))
    snapshots = [snapshot(e, set(e.attrs), entity_deleted=True) for e in entities]
    Entity.objects.filter(pk__in=[e.pk for e in entities]).delete()
    _notify_deleted_after_commit(snapshots, "entityDeleted")
    return {e.entity_id for e in entities}


def _notify_deleted_after_commit(snapshots: list[dict], trigger: str) -> None:
    from ioc.sensors.subscriptions import deletions

    if snapshots:
        transaction.on_commit(lambda: deletions(snapshots, trigger))


@transaction.atomic
def save_device(entity: Entity, *, moved: bool, by=None, request=None, before: dict | None = None) -> Entity:
    """Registry settings from the device page; a move updates the location attribute and, unless chosen, the unit;
    audited when a person does it."""
    if moved and entity.lat is not None:
        entity.attrs = {
            **entity.attrs,
            "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [entity.lon, entity.lat]}},
        }
    if entity.unit is None and entity.lat is not None:
        entity.unit = unit_at(entity.lat, entity.lon)
    entity.save()
    if by is not None:
        audit.record(by, "sensors.device.update", entity, request=request, before=before or {})
    return entity


def _place(entity: Entity, location, *, clear: bool = False) -> None:
    """lat/lon (and the unit) from a Point location; cleared when the location went or is not a point."""
    item = ngsild.default_instance(entity.attrs.get("location")) if entity.attrs.get("location") else None
    entity.has_shape = bool(item and item.get("type") == "GeoProperty" and item["value"].get("type") != "Point")
    if location:
        if (entity.lat, entity.lon) != tuple(location) or entity.unit_id is None:
            entity.unit = unit_at(*location)
        entity.lat, entity.lon = location
    elif clear:
        entity.lat = entity.lon = None


def evaluate_rules(readings: list[Sample]) -> None:
    """Thresholds with hysteresis: raise when crossing `threshold`, clear only past `clear_at`.

    Rule states are read in one query per batch; a missing state means "not triggered", so a state row is written
    only when a rule triggers or clears (rare) rather than for every reading."""
    if not readings:
        return
    rules = list(Rule.objects.filter(active=True, attr__in={r.attr for r in readings}))
    if not rules:
        return
    latest: dict[tuple[int, str], Sample] = {}
    for r in readings:
        key = (r.entity.pk, r.attr)
        if key not in latest or r.observed_at >= latest[key].observed_at:
            latest[key] = r
    states = {
        (s.rule_id, s.entity_id): s
        for s in RuleState.objects.filter(rule__in=rules, entity_id__in={pk for pk, _attr in latest}, triggered=True)
    }
    for (entity_pk, attr), reading in latest.items():
        entity = reading.entity
        for rule in rules:
            if (
                rule.attr != attr
                or (rule.entity_id and rule.entity_id != entity_pk)
                or (rule.entity_type and rule.entity_type != entity.type)
            ):
                continue
            measure = _rate(reading, rule.window_minutes) if rule.kind == Rule.Kind.RATE else reading.value
            if measure is None:
                continue
            triggered = (rule.pk, entity_pk) in states
            above = rule.direction == Rule.Direction.ABOVE
            crossed = measure >= rule.threshold if above else measure <= rule.threshold
            cleared = measure < rule.clear_at if above else measure > rule.clear_at
            if not triggered and crossed and rule.requires_id and not _required_nearby(rule, entity):
                crossed = False
            if not triggered and crossed:
                RuleState.objects.update_or_create(
                    rule=rule, entity_id=entity_pk, defaults={"triggered": True, "since": reading.observed_at}
                )
                raise_alert(
                    kind="sensors.threshold",
                    source=f"sensors:{entity.entity_id}:{rule.pk}",
                    title=f"{rule.name}: {reading.value:g} — {device_name(entity)}",
                    severity=rule.severity,
                    message=_("%(attr)s = %(value)g, threshold %(threshold)g")
                    % {"attr": quantity_label(attr), "value": reading.value, "threshold": rule.threshold},
                    **_where(entity),
                    data={"entity": entity.entity_id, "attr": attr, "value": reading.value},
                    at=reading.observed_at,
                    # A rain gauge and the stream below it, in one ward: one parent alert, the rest under it.
                    rollup=f"sensors:threshold:unit:{entity.unit_id}" if entity.unit_id else "",
                )
            elif triggered and cleared:
                RuleState.objects.filter(rule=rule, entity_id=entity_pk).update(triggered=False)
                resolve_condition(
                    kind="sensors.threshold",
                    source=f"sensors:{entity.entity_id}:{rule.pk}",
                    reason=_("%(attr)s back to %(value)g, past the clearing level %(clear)g")
                    % {"attr": quantity_label(attr), "value": reading.value, "clear": rule.clear_at},
                )


def _rate(reading: Sample, window_minutes: int) -> float | None:
    """The change since the last reading at or before the start of the window (None without one)."""
    from datetime import timedelta

    earlier = (
        Reading.objects.filter(
            entity_id=reading.entity.pk,
            attr=reading.attr,
            observed_at__lte=reading.observed_at - timedelta(minutes=window_minutes),
        )
        .order_by("-observed_at")
        .values_list("value", flat=True)
        .first()
    )
    return None if earlier is None else reading.value - earlier


def _required_nearby(rule: Rule, entity) -> bool:
    """Whether the rule this one requires is triggered on a device within its radius."""
    from ioc.core.services.geo import distance_m

    if entity.lat is None:
        return False
    for other in Entity.objects.filter(
        rulestate__rule_id=rule.requires_id, rulestate__triggered=True, lat__isnull=False
    ):
        if distance_m(entity.lat, entity.lon, other.lat, other.lon) <= rule.radius_m:
            return True
    return False


def _where(entity) -> dict:
    """The alert's place: the device's, when it is in Vietnam (the alert service refuses others)."""
    from ioc.core.models import AdministrativeUnit
    from ioc.core.services.geo import in_vietnam

    unit = AdministrativeUnit.objects.filter(pk=entity.unit_id).first() if entity.unit_id else None
    if entity.lat is not None and in_vietnam(entity.lat, entity.lon):
        return {"lat": entity.lat, "lon": entity.lon, "unit": unit}
    return {"unit": unit}


def _reporting_again(entity) -> None:
    """A device that was silent reports again: its "not reporting" alert ends."""
    if entity.stale_alerted:
        resolve_condition(
            kind="sensors.stale",
            source=f"sensors:stale:{entity.entity_id}",
            reason=_("The device reports again"),
        )


def check_stale(now: datetime | None = None) -> int:
    """Devices silent for three times their expected interval raise one alert until they report again."""
    now = now or timezone.now()
    raised = 0
    for entity in Entity.objects.filter(
        expected_interval_s__isnull=False, stale_alerted=False, last_seen_at__isnull=False
    ):
        if (now - entity.last_seen_at).total_seconds() > 3 * entity.expected_interval_s:
            with transaction.atomic():
                Entity.objects.filter(pk=entity.pk).update(stale_alerted=True)
                raise_alert(
                    kind="sensors.stale",
                    source=f"sensors:stale:{entity.entity_id}",
                    title=_("Device not reporting: %(id)s") % {"id": device_name(entity)},
                    message=_("No data since %(t)s")
                    % {"t": f"{timezone.localtime(entity.last_seen_at):%H:%M %d/%m/%Y}"},
                    **_where(entity),
                )
            raised += 1
    return raised


def _rows_for_update(ids: set[str]) -> dict[str, _Row]:
    """The entities a telemetry batch touches, locked on PostgreSQL, read with one plain query per 900 ids."""
    table = connection.ops.quote_name(Entity._meta.db_table)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    found, ids = {}, sorted(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):  # SQLite allows 999 parameters a statement
            chunk = ids[start : start + 900]
            cursor.execute(
                f"SELECT id, entity_id, type, attrs, lat, lon, unit_id FROM {table} "  # noqa: S608
                f"WHERE entity_id IN ({', '.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            for pk, entity_id, kind, attrs, lat, lon, unit_id in cursor.fetchall():
                attrs = orjson.loads(attrs) if isinstance(attrs, str | bytes) else attrs
                found[entity_id] = _Row(pk, entity_id, kind, attrs, lat, lon, unit_id)
    return found


def ingest_telemetry(messages: list[tuple[str, dict, datetime | None]]) -> list[tuple[int, str]]:
    """Telemetry from devices: (entity id, {attr: value or NGSI-LD attribute}, observedAt or None) per message.

    Every message's readings are kept (a batch may hold several per device); the entity's current attributes take
    the latest. One transaction per batch. Returns [(index, reason)] for the messages refused.
    """
    now = timezone.now()
    modified = ngsild.stamp(now)
    refused: list[tuple[int, str]] = []
    with one_writer(), transaction.atomic():
        entities = _rows_for_update({m[0] for m in messages})
        rows, touched, changes = [], {}, {}
        for index, (entity_id, values, at) in enumerate(messages):
            entity = entities.get(entity_id)
            if entity is None:
                refused.append((index, f"unknown device {entity_id}"))
                continue
            try:
                attrs = {name: normalize_attribute(name, value) for name, value in values.items()}
                if any(isinstance(v, list) for v in attrs.values()):
                    raise NgsiError("BadRequestData", "telemetry carries one instance per attribute")
                moment = at or now
                stamp, samples = moment.isoformat(), []
                for name, value in attrs.items():
                    own = value.get("observedAt")
                    if value.get("type") == "Property" and _is_number(value.get("value")):
                        samples.append(
                            Sample(entity, name, observed(own, name) if own else moment, float(value["value"]))
                        )
                    value.setdefault("observedAt", stamp)
            except NgsiError as exc:
                refused.append((index, exc.detail))  # nothing of this message is kept
                continue
            rows.extend(samples)
            for name, value in attrs.items():
                before = ngsild.default_instance(entity.attrs.get(name)) or {}
                previous = before.get("observedAt")
                if previous is None or previous <= value["observedAt"]:
                    value["createdAt"] = before.get("createdAt", modified)
                    value["modifiedAt"] = modified
                    entity.attrs[name] = value
            _reporting_again(entity)
            entity.last_seen_at, entity.stale_alerted, entity.modified_at = now, False, now
            touched[entity_id] = entity
            changes.setdefault(entity.pk, set()).update(attrs)
        _save_entities(list(touched.values()), with_place=False)
        _insert_readings(rows)
        evaluate_rules(rows)
        _notify_after_commit(changes)
    return refused
