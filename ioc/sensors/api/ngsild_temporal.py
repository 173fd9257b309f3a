"""NGSI-LD temporal API at /ngsi-ld/v1/temporal/entities: the evolution of entities' numeric attributes."""

from __future__ import annotations

from django.http import HttpResponse

from ioc.sensors import jsonld, ngsild
from ioc.sensors.api.common import answer, body_of, endpoint, request_context, whole_number
from ioc.sensors.api.ngsild import _entity, _georel, of_types, query_params, rendering
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError
from ioc.sensors.ngsild_query import matches, order, parse_order, parse_q, parse_types, types_match

TEMPORAL_PARAMS = {"attrs", "timerel", "timeAt", "endTimeAt", "lastN", "options", "aggrMethods"}
TEMPORAL_PARAMS |= {"aggrPeriodDuration", "timeproperty", "lang", "datasetId", "format", "local", "pick", "omit"}
TEMPORAL_PARAMS |= {"join", "joinLevel", "expandValues", "entityMap", "geometryProperty"}


@endpoint(params=TEMPORAL_PARAMS)
def temporal_entity(request, entity_id):
    """GET /temporal/entities/{id}: timerel/timeAt/endTimeAt, lastN, attrs, aggrMethods/aggrPeriodDuration."""
    from ioc.sensors import temporal as provision
    from ioc.sensors.timeseries import temporal_page

    if request.method == "DELETE":
        provision.delete_temporal(_entity(entity_id))
        return HttpResponse(status=204)
    if request.method != "GET":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported on a temporal entity")
    ctx = request_context(request)
    options = rendering(request.GET, ctx, temporal=True)
    pages, content_range = temporal_page([_entity(entity_id)], request.GET, ctx)
    shown = _projected(pages[0], options, ctx)
    if (options["attrs_wanted"] and set(shown) <= {"id", "type"}) or not shown:
        raise NgsiError("ResourceNotFound", f"{entity_id} has no history of the attributes asked for")
    return _page_answer(shown, request, ctx, content_range)


def _projected(shown: dict, options: dict, ctx) -> dict:
    """A temporal representation after attrs/pick/omit (id and type may be picked or omitted too)."""
    wanted, omit = options["attrs_wanted"], options["omit"] or set()

    def key(name):
        return name if name in ("id", "type") else jsonld.to_storage(name, ctx)

    return {
        k: v
        for k, v in shown.items()
        if key(k) not in omit and (k in ("id", "type") or wanted is None or key(k) in wanted)
    }


def _page_answer(data, request, ctx, content_range, headers=None):
    """200, or 206 with the Content-Range of the instances shown when the page limit cut the history short."""
    if content_range is None:
        return answer(data, request, ctx=ctx, headers=headers)
    return answer(data, request, status=206, ctx=ctx, headers={**(headers or {}), "Content-Range": content_range})


@endpoint(
    params=TEMPORAL_PARAMS
    | {"type", "id", "idPattern", "q", "limit", "offset", "count", "georel", "geometry", "coordinates"}
    | {"geoproperty", "orderBy", "scopeQ", "csf"}
)
def temporal_entities(request):
    """GET /temporal/entities?type=…: the temporal representation of every matching entity (at most 100)."""
    from ioc.sensors import temporal as provision

    if request.method == "POST":
        body = body_of(request)
        created = provision.create_or_append(body, request_context(request, body))
        location = {"Location": f"/ngsi-ld/v1/temporal/entities/{body['id']}"} if created else {}
        return HttpResponse(status=201 if created else 204, headers=location)
    if request.method != "GET":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    return temporal_query(request, request.GET, request_context(request))


def temporal_query(request, params, ctx):
    """The temporal representation of the entities a query selects (a page of at most 100 entities)."""
    from ioc.sensors.timeseries import temporal_page

    options = rendering(params, ctx, temporal=True)
    if not any(params.get(k) for k in ("type", "attrs", "q", "georel")) and params.get("local") != "true":
        raise NgsiError("BadRequestData", "give at least one of type, attrs, q, georel or local=true")
    qs = Entity.objects.all().order_by("id")
    type_groups = parse_types(params["type"], ctx) if params.get("type") else None
    if type_groups:
        qs = of_types(qs, type_groups)
    if ids := [i for i in params.get("id", "").split(",") if i]:
        qs = qs.filter(entity_id__in=ids)
    found = [e for e in qs[:10_000] if not type_groups or types_match(e.types, type_groups)]
    if raw := params.get("idPattern"):
        try:
            pattern = ngsild.id_pattern(raw)
        except ValueError as exc:
            raise NgsiError("BadRequestData", str(exc)) from None
        found = [e for e in found if pattern.search(e.entity_id)]
    if params.get("q"):
        tree = parse_q(params["q"], ctx)
        found = [e for e in found if matches(e, tree)]
    if params.get("georel"):
        _box, near = _georel(params, ctx)
        found = [e for e in found if near(e)]
    if params.get("orderBy"):
        found = order(found, parse_order(params["orderBy"], ctx))
    limit = whole_number(params.get("limit"), "limit", 20, 1, 100)
    offset = whole_number(params.get("offset"), "offset", 0, 0, 10_000_000)
    headers = {"NGSILD-Results-Count": str(len(found))} if params.get("count") == "true" else None
    page, content_range = temporal_page(found[offset : offset + limit], params, ctx)
    if params.get("timerel"):  # an entity with nothing in the time window is not part of the answer
        page = [shown for shown in page if any(k not in ("id", "type") for k in shown)]
    page = [_projected(shown, options, ctx) for shown in page]
    return _page_answer(page, request, ctx, content_range, headers)


@endpoint(write=True)
def temporal_operations(request, operation):
    """POST /temporal/entityOperations/query: a Query object (clause 5.2.23) with a temporalQ."""
    if operation != "query":
        raise NgsiError("ResourceNotFound", f"no temporal entity operation {operation}")
    if request.method != "POST":
        raise NgsiError("MethodNotAllowed", "a temporal query is a POST")
    body = body_of(request)
    params = query_params(body, request.GET)
    ctx = request_context(request, body)
    temporal_q = body.get("temporalQ") or {}
    if not isinstance(temporal_q, dict):
        raise NgsiError("BadRequestData", "temporalQ is an object (timerel, timeAt, endTimeAt, lastN)")
    params.update({k: str(temporal_q[k]) for k in ("timerel", "timeAt", "endTimeAt", "lastN") if k in temporal_q})
    return temporal_query(request, params, ctx)


@endpoint(write=True)
def temporal_attrs(request, entity_id):
    """POST /temporal/entities/{id}/attrs: more instances."""
    from ioc.sensors import temporal

    if request.method != "POST":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    body = body_of(request)
    temporal.add_attributes(_entity(entity_id), body, request_context(request, body))
    return HttpResponse(status=204)


@endpoint(write=True, params={"datasetId", "deleteAll"})
def temporal_attr(request, entity_id, name):
    """DELETE /temporal/entities/{id}/attrs/{attr}: the attribute's history (one datasetId, or all)."""
    from ioc.sensors import temporal

    if request.method != "DELETE":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    key = jsonld.to_storage(ngsild.check_name(name, "attribute name"), request_context(request))
    temporal.delete_attribute(
        _entity(entity_id), key, request.GET.get("datasetId"), request.GET.get("deleteAll") == "true"
    )
    return HttpResponse(status=204)


@endpoint(write=True)
def temporal_instance(request, entity_id, name, instance_id):
    """PATCH or DELETE one instance of an attribute's history."""
    from ioc.sensors import temporal

    ngsild.check_name(name, "attribute name")
    ngsild.check_id(instance_id, "the instanceId")
    entity = _entity(entity_id)
    if request.method == "DELETE":
        temporal.delete_instance(entity, jsonld.to_storage(name, request_context(request)), instance_id)
        return HttpResponse(status=204)
    if request.method != "PATCH":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    body = body_of(request)
    ctx = request_context(request, body)
    temporal.update_instance(entity, jsonld.to_storage(name, ctx), instance_id, body, ctx)
    return HttpResponse(status=204)
