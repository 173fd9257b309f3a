"""Writes to one entity's attributes through NGSI-LD: update/append a set of them, delete one (or one instance),
purge some from many entities. Deletions are notified and, where the attribute has a history, kept in it."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from ioc.sensors import jsonld, ngsild
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError, location_of
from ioc.sensors.services import (
    _notify_after_commit,
    _notify_deleted_after_commit,
    _place,
    not_overwritten,
    write_entities,
)


def update_attributes(entity: Entity, payload: dict, *, mode: str, ctx=None, allow_null: bool = False) -> list[str]:
    """PATCH (mode update) or POST (append, append-keep) of one entity's attrs; returns the terms not updated
    (absent for an update, already there for append-keep)."""
    if not isinstance(payload, dict):
        raise NgsiError("BadRequestData", "the attributes are a JSON object")
    ctx = ctx or jsonld.core()
    new_types = payload.get("type")
    payload = {k: v for k, v in payload.items() if k not in ("@context", "id", "type")}
    # An update writes the attributes it names (those the entity lacks are added, as ETSI's suite expects of
    # clause 5.6.2), but a scope only where the entity has one.
    missing = [n for n in payload if mode == "update" and jsonld.to_storage(n, ctx) == "scope" and not entity.scopes]
    if mode == "append-keep":  # names whose every instance is already there: left alone and reported
        _kept, kept_back = not_overwritten(entity.attrs, {jsonld.to_storage(n, ctx): v for n, v in payload.items()})
        missing = [n for n in payload if jsonld.to_storage(n, ctx) in kept_back]
    if not payload and not new_types:
        raise NgsiError("BadRequestData", "no attributes given")
    # A type in the fragment is added to the entity's types (clause 5.6.2/5.6.3).
    types = [jsonld.from_storage(t, ctx) for t in entity.types]
    types += [t for t in (new_types if isinstance(new_types, list) else [new_types] if new_types else [])]
    body = {"id": entity.entity_id, "type": list(dict.fromkeys(types))}
    body.update({k: v for k, v in payload.items() if k not in missing})
    if len(body) > 2 or new_types:
        _written, errors, _created = write_entities(
            [body], "append" if mode == "update" else mode, ctx, allow_null=allow_null or mode == "update"
        )
        if errors:
            raise NgsiError(errors[0]["error"]["title"], errors[0]["error"]["detail"])
    return missing


@transaction.atomic
def delete_attribute(entity: Entity, key: str, dataset_id: str | None, delete_all: bool) -> None:
    """Delete an attribute: its default instance, the instance of a datasetId, or (deleteAll) every instance."""
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if key == "scope" and entity.scopes:
        entity.scopes = []
        entity.save(update_fields=["scopes", "modified_at"])
        if entity.instances.exists():  # a temporal entity's scope history records it (value: no scope)
            _record_deletion(entity, "scope", {"type": "Property", "value": []}, None, True)
        return
    if key not in entity.attrs:
        raise NgsiError("ResourceNotFound", f"{entity.entity_id} has no attribute {key}")
    kept = [] if delete_all else [i for i in ngsild.instances(entity.attrs[key]) if i.get("datasetId") != dataset_id]
    if len(kept) == len(ngsild.instances(entity.attrs[key])):
        raise NgsiError("ResourceNotFound", f"{key} has no instance {dataset_id or 'without a datasetId'}")
    attrs = dict(entity.attrs)
    if kept:
        attrs[key] = kept[0] if len(kept) == 1 else kept
    else:
        attrs.pop(key)
    before = entity.attrs
    entity.attrs = attrs
    _record_deletion(entity, key, before[key], dataset_id, delete_all)
    _place(entity, location_of(attrs), clear=True)
    entity.save(update_fields=["attrs", "lat", "lon", "unit", "has_shape", "modified_at"])
    _notify_after_commit({entity.pk: {key}})
    from ioc.sensors.subscriptions import snapshot

    entity.attrs = before  # the snapshot shows the deleted attribute's type
    shown = snapshot(entity, {key})
    entity.attrs = attrs
    if key in attrs:  # one instance went: the notification shows the others and that one as null
        gone = shown["attrs"][key]
        gone = {**gone, "datasetId": dataset_id} if dataset_id else gone
        shown["attrs"][key] = [*ngsild.instances(attrs[key]), gone]
    _notify_deleted_after_commit([shown], "attributeDeleted")


def _record_deletion(entity: Entity, key: str, attribute, dataset_id: str | None, delete_all: bool) -> None:
    """An attribute with a history keeps its deletion in it (clause 4.5.8, read with timeproperty=deletedAt)."""
    from ioc.sensors.models import AttributeInstance, Reading

    if key != "scope" and not (
        entity.instances.filter(attr=key).exists() or Reading.objects.filter(entity=entity, attr=key).exists()
    ):
        return
    now = timezone.now()
    gone = (
        ngsild.instances(attribute)
        if delete_all
        else [i for i in ngsild.instances(attribute) if i.get("datasetId") == dataset_id]
    )
    AttributeInstance.objects.bulk_create(
        AttributeInstance(
            entity=entity,
            attr=key,
            instance_id=f"urn:ngsi-ld:Instance:{uuid.uuid4()}",
            dataset_id=i.get("datasetId", ""),
            deleted_at=now,
            data={
                "type": i.get("type", "Property"),
                ngsild.MAIN_MEMBER.get(i.get("type"), "value"): _null_of(key, i.get("type")),
                **({"datasetId": i["datasetId"]} if i.get("datasetId") else {}),
            },
        )
        for i in gone
    )


def _null_of(key: str, kind: str | None):
    """What a deleted attribute's value is in its history: no scope, a language map's null under @none."""
    if key == "scope":
        return []
    return {"@none": ngsild.NULL} if kind == "LanguageProperty" else ngsild.NULL


@transaction.atomic
def purge_attributes(entities: list[Entity], *, drop: set[str] | None = None, keep: set[str] | None = None) -> None:
    """Purge with drop/keep (clause 5.6.21): remove the named attributes (every instance) from each entity, or
    all but the named ones; the entities themselves stay."""
    for entity in entities:
        doomed = set(entity.attrs) & drop if drop else set(entity.attrs) - (keep or set())
        for key in sorted(doomed):
            delete_attribute(entity, key, None, True)
