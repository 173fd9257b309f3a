"""NGSI-LD discovery (clause 5.7.5–5.7.10): the entity types and attributes present, with their details."""

from __future__ import annotations

import uuid
from collections import defaultdict

from ioc.sensors import jsonld, ngsild
from ioc.sensors.api.common import answer, endpoint, request_context
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError


def _inventory():
    """{type: (entity count, {attribute: {attribute types}})} over every entity."""
    found: dict[str, list] = {}
    for kind, extra, attrs in Entity.objects.values_list("type", "extra_types", "attrs").iterator(chunk_size=2000):
        for each in [kind, *(extra or [])]:
            entry = found.setdefault(each, [0, defaultdict(set)])
            entry[0] += 1
            for key, value in attrs.items():
                entry[1][key].update(i.get("type", "Property") for i in ngsild.instances(value))
    return found


def _only_get(request):
    if request.method != "GET":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")


@endpoint(params={"details", "local"})
def types(request):
    _only_get(request)
    ctx = request_context(request)
    inventory = _inventory()
    if request.GET.get("details") == "true":
        body = [
            {
                "id": jsonld.core().expand(kind),
                "type": "EntityType",
                "typeName": jsonld.from_storage(kind, ctx),
                "attributeNames": sorted(jsonld.from_storage(a, ctx) for a in attrs),
            }
            for kind, (_count, attrs) in sorted(inventory.items())
        ]
        return answer(body, request, ctx=ctx)
    body = {
        "id": f"urn:ngsi-ld:EntityTypeList:{uuid.uuid4()}",
        "type": "EntityTypeList",
        "typeList": sorted(jsonld.from_storage(kind, ctx) for kind in inventory),
    }
    return answer(body, request, ctx=ctx)


@endpoint(params={"local"})
def type_detail(request, name):
    _only_get(request)
    ctx = request_context(request)
    key = jsonld.to_storage(name, ctx)
    entry = _inventory().get(key)
    if entry is None:
        raise NgsiError("ResourceNotFound", f"no entity of type {name}")
    count, attrs = entry
    body = {
        "id": jsonld.core().expand(key),
        "type": "EntityTypeInfo",
        "typeName": jsonld.from_storage(key, ctx),
        "entityCount": count,
        "attributeDetails": [
            {
                "id": jsonld.core().expand(a),
                "type": "Attribute",
                "attributeName": jsonld.from_storage(a, ctx),
                "attributeTypes": sorted(kinds),
            }
            for a, kinds in sorted(attrs.items())
        ],
    }
    return answer(body, request, ctx=ctx)


def _attributes():
    """{attribute: [count, {attribute types}, {entity types}]}."""
    found: dict[str, list] = {}
    for kind, extra, attrs in Entity.objects.values_list("type", "extra_types", "attrs").iterator(chunk_size=2000):
        for key, value in attrs.items():
            entry = found.setdefault(key, [0, set(), set()])
            entry[0] += 1
            entry[1].update(i.get("type", "Property") for i in ngsild.instances(value))
            entry[2].update([kind, *(extra or [])])
    return found


def _attribute_body(key, entry, ctx, with_count: bool) -> dict:
    count, kinds, entity_types = entry
    body = {"id": jsonld.core().expand(key), "type": "Attribute", "attributeName": jsonld.from_storage(key, ctx)}
    if with_count:
        body["attributeCount"] = count
    body["attributeTypes"] = sorted(kinds)
    body["typeNames"] = sorted(jsonld.from_storage(t, ctx) for t in entity_types)
    return body


@endpoint(params={"details", "local"})
def attributes(request):
    _only_get(request)
    ctx = request_context(request)
    found = _attributes()
    if request.GET.get("details") == "true":
        return answer([_attribute_body(k, e, ctx, False) for k, e in sorted(found.items())], request, ctx=ctx)
    body = {
        "id": f"urn:ngsi-ld:AttributeList:{uuid.uuid4()}",
        "type": "AttributeList",
        "attributeList": sorted(jsonld.from_storage(k, ctx) for k in found),
    }
    return answer(body, request, ctx=ctx)


@endpoint(params={"local"})
def attribute_detail(request, name):
    _only_get(request)
    ctx = request_context(request)
    key = jsonld.to_storage(name, ctx)
    entry = _attributes().get(key)
    if entry is None:
        raise NgsiError("ResourceNotFound", f"no attribute {name}")
    return answer(_attribute_body(key, entry, ctx, True), request, ctx=ctx)
