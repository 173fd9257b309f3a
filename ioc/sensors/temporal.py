"""The NGSI-LD temporal provision API (clause 5.6.11–5.6.16): creating, appending to, changing and deleting
entities' temporal representations. Each instance is kept with its own instanceId; the entity's current state takes
each attribute's latest instance, so the core API and the map show what the history says now."""

from __future__ import annotations

import uuid

from django.db import transaction

from ioc.sensors import jsonld, ngsild
from ioc.sensors.models import AttributeInstance, Entity, Reading
from ioc.sensors.ngsild import NgsiError, bad

MAX_INSTANCES = 10_000


def _instances_of(body: dict, ctx) -> dict[str, list[dict]]:
    """{storage key: [normalized instances]} from a temporal entity fragment."""
    out: dict[str, list[dict]] = {}
    count = 0
    for name, value in body.items():
        if name in ngsild.RESERVED:
            continue
        key = jsonld.to_storage(ngsild.check_name(name, "attribute name"), ctx)
        items = value if isinstance(value, list) else [value]
        normalized = []
        for item in items:
            if not isinstance(item, dict):
                raise bad(f"{name}: each instance is an attribute object")
            instance = ngsild.normalize_attribute(name, item, ctx)
            normalized.extend(ngsild.instances(instance))
        count += len(normalized)
        out[key] = normalized
    if count > MAX_INSTANCES:
        raise NgsiError("RequestEntityTooLarge", f"at most {MAX_INSTANCES} instances per request")
    return out


def _store(entity: Entity, instances: dict[str, list[dict]], *, replace_same: bool = False) -> None:
    """Add instances; with replace_same, one at the same time (and datasetId) as a stored one replaces it."""
    rows = []
    for key, items in instances.items():
        for item in items:
            if replace_same and item.get("observedAt"):
                entity.instances.filter(
                    attr=key,
                    dataset_id=item.get("datasetId", ""),
                    observed_at=ngsild.observed(item["observedAt"], key),
                ).delete()
            rows.append(
                AttributeInstance(
                    entity=entity,
                    attr=key,
                    instance_id=f"urn:ngsi-ld:Instance:{uuid.uuid4()}",
                    dataset_id=item.get("datasetId", ""),
                    observed_at=ngsild.observed(item.get("observedAt"), key),
                    data=item,
                )
            )
    AttributeInstance.objects.bulk_create(rows)
    _refresh_current(entity, set(instances))


def _refresh_current(entity: Entity, keys: set[str]) -> None:
    """The entity's current value of each attribute: its latest instance (per datasetId)."""
    from ioc.sensors.services import _place

    attrs = dict(entity.attrs)
    for key in keys:
        latest: dict[str, dict] = {}
        for row in entity.instances.filter(attr=key, deleted_at__isnull=True).order_by(
            "observed_at", "created_at", "pk"
        ):
            latest[row.dataset_id] = row.data
        if latest:
            values = list(latest.values())
            attrs[key] = values[0] if len(values) == 1 else values
        elif not Reading.objects.filter(entity=entity, attr=key).exists():
            attrs.pop(key, None)
    entity.attrs = attrs
    _place(entity, ngsild.location_of(attrs), clear=True)
    entity.save()


@transaction.atomic
def create_or_append(body, ctx) -> bool:
    """POST /temporal/entities: True when the entity was created, False when instances were appended."""
    if not isinstance(body, dict):
        raise bad("a temporal entity is a JSON object")
    entity_id = ngsild.check_id(body.get("id"))
    kinds = body.get("type") if isinstance(body.get("type"), list) and body.get("type") else [body.get("type")]
    types = [ngsild.check_type(k, ctx) for k in kinds]
    kind = types[0]
    instances = _instances_of(body, ctx)
    entity = Entity.objects.select_for_update().filter(entity_id=entity_id).first()
    created = entity is None
    if created:
        entity = Entity.objects.create(
            entity_id=entity_id, type=kind, extra_types=types[1:], multi_typed=len(types) > 1, attrs={}
        )
    elif not set(types) <= set(entity.types):
        entity.extra_types = [t for t in dict.fromkeys([*entity.types, *types]) if t != entity.type]
        entity.multi_typed = True
    if body.get("scope"):
        scopes = body["scope"] if isinstance(body["scope"], list) else [body["scope"]]
        if not all(isinstance(x, str) and x.startswith("/") for x in scopes):
            raise bad("scope is a path such as /LaiChau/TanPhong, or a list of them")
        entity.scopes = list(dict.fromkeys([*entity.scopes, *scopes]))
    # Updating a temporal entity (clause 5.6.11): an instance at a time already recorded replaces that one.
    _store(entity, instances, replace_same=not created)
    return created


@transaction.atomic
def add_attributes(entity: Entity, body, ctx) -> None:
    if not isinstance(body, dict):
        raise bad("the attributes are a JSON object")
    _store(Entity.objects.select_for_update().get(pk=entity.pk), _instances_of(body, ctx))


@transaction.atomic
def delete_temporal(entity: Entity) -> None:
    """The temporal representation goes, and with it the entity (as brokers that keep both do)."""
    entity.delete()


@transaction.atomic
def delete_attribute(entity: Entity, key: str, dataset_id: str | None, delete_all: bool) -> None:
    qs = entity.instances.filter(attr=key)
    readings = Reading.objects.filter(entity=entity, attr=key)
    if not delete_all:
        qs = qs.filter(dataset_id=dataset_id or "")
        if dataset_id:
            readings = readings.none()
    if not qs.exists() and not readings.exists():
        raise NgsiError("ResourceNotFound", f"{entity.entity_id} has no temporal attribute {key}")
    qs.delete()
    readings.delete()
    _refresh_current(entity, {key})


def _instance(entity: Entity, key: str, instance_id: str) -> AttributeInstance:
    found = entity.instances.filter(attr=key, instance_id=instance_id).first()
    if found is None:
        raise NgsiError("ResourceNotFound", f"{key} has no instance {instance_id}")
    return found


@transaction.atomic
def update_instance(entity: Entity, key: str, instance_id: str, body, ctx) -> None:
    """PATCH one instance: the fragment's members replace its own (its instanceId stays)."""
    row = _instance(entity, key, instance_id)
    if not isinstance(body, dict):
        raise bad("an attribute instance is a JSON object")
    fragment = {k: v for k, v in body.items() if k != "@context"}
    name = jsonld.from_storage(key, ctx)
    if name in fragment:  # the fragment may name the attribute, as the spec's examples do
        fragment = fragment[name]
        fragment = fragment[0] if isinstance(fragment, list) and len(fragment) == 1 else fragment
    merged = {**row.data, **fragment}
    row.data = ngsild.instances(ngsild.normalize_attribute(name, merged, ctx))[0]
    row.observed_at = ngsild.observed(row.data.get("observedAt"), name)
    row.dataset_id = row.data.get("datasetId", "")
    row.save()
    _refresh_current(entity, {key})


@transaction.atomic
def delete_instance(entity: Entity, key: str, instance_id: str) -> None:
    _instance(entity, key, instance_id).delete()
    _refresh_current(entity, {key})
