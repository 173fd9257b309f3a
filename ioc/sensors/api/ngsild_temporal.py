"""NGSI-LD temporal API at /ngsi-ld/v1/temporal/entities: the evolution of entities' numeric attributes."""

from __future__ import annotations

from django.http import HttpResponse

from ioc.sensors import jsonld
from ioc.sensors.api.common import answer, body_of, endpoint, request_context, whole_number
from ioc.sensors.api.ngsild import _entity
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError

TEMPORAL_PARAMS = {"attrs", "timerel", "timeAt", "endTimeAt", "lastN", "options", "aggrMethods"}
TEMPORAL_PARAMS |= {"aggrPeriodDuration", "timeproperty", "lang", "datasetId", "format", "local", "pick", "omit"}


@endpoint(params=TEMPORAL_PARAMS)
def temporal_entity(request, entity_id):
    """GET /temporal/entities/{id}: timerel/timeAt/endTimeAt, lastN, attrs, aggrMethods/aggrPeriodDuration."""
    from ioc.sensors import temporal as provision
    from ioc.sensors.timeseries import temporal

    if request.method == "DELETE":
        provision.delete_temporal(_entity(entity_id))
        return HttpResponse(status=204)
    if request.method != "GET":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported on a temporal entity")
    ctx = request_context(request)
    return answer(temporal(_entity(entity_id), request.GET, ctx), request, ctx=ctx)


@endpoint(params=TEMPORAL_PARAMS | {"type", "id", "idPattern", "q", "limit", "offset", "count", "georel"})
def temporal_entities(request):
    """GET /temporal/entities?type=…: the temporal representation of every matching entity (at most 100)."""
    from ioc.sensors import temporal as provision
    from ioc.sensors.timeseries import temporal

    if request.method == "POST":
        body = body_of(request)
        created = provision.create_or_append(body, request_context(request, body))
        location = {"Location": f"/ngsi-ld/v1/temporal/entities/{body['id']}"} if created else {}
        return HttpResponse(status=201 if created else 204, headers=location)
    if request.method != "GET":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    ctx = request_context(request)
    types = [jsonld.to_storage(t, ctx) for t in request.GET.get("type", "").split(",") if t]
    ids = [i for i in request.GET.get("id", "").split(",") if i]
    if not (types or ids):
        raise NgsiError("BadRequestData", "give type or id")
    qs = Entity.objects.all()
    if types:
        qs = qs.filter(type__in=types)
    if ids:
        qs = qs.filter(entity_id__in=ids)
    limit = whole_number(request.GET.get("limit"), "limit", 20, 1, 100)
    return answer([temporal(e, request.GET, ctx) for e in qs.order_by("id")[:limit]], request, ctx=ctx)


@endpoint(write=True)
def temporal_attrs(request, entity_id):
    """POST /temporal/entities/{id}/attrs: more instances."""
    from ioc.sensors import temporal

    if request.method != "POST":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    body = body_of(request)
    temporal.add_attributes(_entity(entity_id), body, request_context(request, body))
    return HttpResponse(status=204)


@endpoint(write=True, params={"datasetId", "deleteAll"})
def temporal_attr(request, entity_id, name):
    """DELETE /temporal/entities/{id}/attrs/{attr}: the attribute's history (one datasetId, or all)."""
    from ioc.sensors import temporal

    if request.method != "DELETE":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    key = jsonld.to_storage(name, request_context(request))
    temporal.delete_attribute(
        _entity(entity_id), key, request.GET.get("datasetId"), request.GET.get("deleteAll") == "true"
    )
    return HttpResponse(status=204)


@endpoint(write=True)
def temporal_instance(request, entity_id, name, instance_id):
    """PATCH or DELETE one instance of an attribute's history."""
    from ioc.sensors import temporal

    entity = _entity(entity_id)
    if request.method == "DELETE":
        temporal.delete_instance(entity, jsonld.to_storage(name, request_context(request)), instance_id)
        return HttpResponse(status=204)
    if request.method != "PATCH":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    body = body_of(request)
    ctx = request_context(request, body)
    temporal.update_instance(entity, jsonld.to_storage(name, ctx), instance_id, body, ctx)
    return HttpResponse(status=204)
