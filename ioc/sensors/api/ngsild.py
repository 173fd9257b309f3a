"""NGSI-LD HTTP endpoints at /ngsi-ld/v1/: entities (query, create, retrieve, replace, merge, delete), their
attributes, and batch operations, with ProblemDetails errors (see common.py)."""

from __future__ import annotations

import json
import re

from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ioc.sensors import attributes, jsonld, ngsild, services
from ioc.sensors.api.common import (
    MAX_LIMIT,
    answer,
    body_of,
    endpoint,
    geojson_answer,
    page_links,
    request_context,
    wants_geojson,
    whole_number,
)
from ioc.sensors.linked import JOINS, joined, shaping
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError
from ioc.sensors.ngsild_query import (
    geo_predicate,
    matches,
    ngsild_forbidden,
    order,
    parse_order,
    parse_q,
    parse_types,
    scope_match,
    types_match,
)

MAX_BATCH = 1000
RENDER_PARAMS = {"attrs", "pick", "omit", "options", "lang", "datasetId", "format", "geometryProperty", "local"}
RENDER_PARAMS |= {"join", "joinLevel", "containedBy", "entityMap", "expandValues", "jsonKeys", "collect"}
QUERY_PARAMS = RENDER_PARAMS | {"id", "type", "idPattern", "q", "csf", "georel", "geometry", "coordinates"}
QUERY_PARAMS |= {"geoproperty", "scopeQ", "limit", "offset", "count", "orderBy"}
OPTIONS = {"keyValues", "simplified", "concise", "normalized", "sysAttrs"}
FORMATS = ("normalized", "concise", "keyValues", "simplified")
TEMPORAL_OPTIONS = {"temporalValues", "aggregatedValues", "sysAttrs", "simplified", "keyValues", "concise"}
TEMPORAL_FORMATS = ("normalized", "temporalValues", "aggregatedValues", "simplified", "concise", "keyValues")


def _entity(entity_id: str) -> Entity:
    ngsild.check_id(entity_id or None, "the entity id")
    entity = Entity.objects.filter(entity_id=entity_id).first()
    if entity is None:
        raise NgsiError("ResourceNotFound", f"{entity_id} does not exist")
    return entity


def _names(raw: str | None, what: str, ctx) -> set[str] | None:
    """A comma-separated list of attribute names (attrs), as storage keys."""
    if raw is None:
        return None
    names = [n.strip() for n in raw.split(",")]
    if not all(names) or any(ngsild_forbidden(n) or ";" in n for n in names):
        raise NgsiError("BadRequestData", f"{what} is a comma-separated list of attribute names")
    if {"id", "type"} & set(names):
        raise NgsiError("BadRequestData", f"{what} names attributes, not id or type (use pick)")
    return {jsonld.to_storage(n, ctx) for n in names}


def projection(raw: str | None, what: str, ctx) -> dict | None:
    """pick/omit, with projections of linked entities (clause 4.21): `id,locatedAt{id,name,isInCountry{id}}`
    becomes {"id": None, "locatedAt": {"id": None, "name": None, "isInCountry": {"id": None}}} (storage keys)."""
    if raw is None:
        return None
    tokens = re.findall(r"[{},]|[^{},]+", raw)
    pos = 0
    bad = NgsiError("BadRequestData", f"{what} is a comma-separated list of attribute names (name{{…}} for links)")

    def names() -> dict:
        nonlocal pos
        out: dict = {}
        while True:
            name = tokens[pos].strip() if pos < len(tokens) else ""
            if not name or name in "{},;" or ngsild_forbidden(name) or ";" in name:
                raise bad
            pos += 1
            sub = None
            if pos < len(tokens) and tokens[pos] == "{":
                pos += 1
                sub = names()
                if pos >= len(tokens) or tokens[pos] != "}":
                    raise bad
                pos += 1
            out[name if name in ("id", "type") else jsonld.to_storage(name, ctx)] = sub
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
                continue
            return out

    tree = names()
    if pos != len(tokens):
        raise bad
    return tree


def rendering(params, ctx, *, temporal: bool = False) -> dict:
    """The rendering a GET asks for: options/format, attrs or pick, omit, lang, datasetId (checked)."""
    allowed = TEMPORAL_OPTIONS if temporal else OPTIONS
    options = {o.strip() for o in params.get("options", "").split(",")} if "options" in params else set()
    if options - allowed:
        raise NgsiError("InvalidRequest", f"unknown options: {', '.join(sorted(options - allowed))}")
    output_format = params.get("format")
    formats = TEMPORAL_FORMATS if temporal else FORMATS
    if output_format is not None and output_format not in formats:
        raise NgsiError("InvalidRequest", f"format must be one of {', '.join(formats)}")
    output_format = output_format or ""
    given = [p for p in ("attrs", "pick", "omit") if p in params]
    if "attrs" in given and len(given) > 1:
        raise NgsiError("BadRequestData", "attrs cannot be used with pick or omit")
    attrs = _names(params.get("attrs"), "attrs", ctx)
    pick = projection(params.get("pick"), "pick", ctx)
    omit = projection(params.get("omit"), "omit", ctx)
    dataset_ids = {d.strip() for d in params.get("datasetId", "").split(",") if d.strip()} or None
    return {
        **shaping(pick, omit, attrs),
        "key_values": bool(options & {"keyValues", "simplified"}) or output_format in ("keyValues", "simplified"),
        "concise": "concise" in options or output_format == "concise",
        "sys_attrs": "sysAttrs" in options,
        "lang": params.get("lang") or None,
        "dataset_ids": dataset_ids,
        "ctx": ctx,
    }


@endpoint(params=QUERY_PARAMS | {"options", "drop", "keep"}, geojson=True)
def entities(request):
    if request.method == "POST":
        body = body_of(request)
        if isinstance(body, list):
            raise NgsiError("InvalidRequest", "POST /entities takes one entity; use /entityOperations for batches")
        ctx = request_context(request, body)
        written, errors, _created = services.write_entities([body], "create", ctx)
        if errors:
            raise NgsiError(errors[0]["error"]["title"], errors[0]["error"]["detail"])
        return HttpResponse(status=201, headers={"Location": f"/ngsi-ld/v1/entities/{written[0]}"})
    if request.method == "DELETE":
        return _purge(request)
    if request.method in ("PATCH", "PUT"):
        raise NgsiError("BadRequestData", "name the entity in the path: /entities/{entityId}")
    if request.method != "GET":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    if "drop" in request.GET or "keep" in request.GET:
        raise NgsiError("InvalidRequest", "drop and keep belong to a purge (DELETE /entities)")
    return query(request, request.GET, request_context(request))


def _purge(request):
    """DELETE /entities?type=…: purge the matching entities (clause 5.6.21), or with drop/keep only some of their
    attributes. Purging every entity (local=true and no filter) is for administrators alone."""
    from ioc.core.models import Role
    from ioc.core.permissions import OPERATORS, role_of

    params = request.GET
    filtered = any(params.get(k) for k in ("type", "id", "idPattern", "q", "scopeQ"))
    if not filtered and params.get("local") != "true":
        raise NgsiError("BadRequestData", "a purge needs type, id, idPattern, q, scopeQ or local=true")
    if "drop" in params and "keep" in params:
        raise NgsiError("BadRequestData", "drop and keep cannot be used together")
    role = role_of(request.ngsi_user)
    if role not in OPERATORS or (not filtered and role != Role.ADMIN):
        raise NgsiError("Forbidden", "This token may not do this")
    ctx = request_context(request)
    selecting = {k: v for k, v in params.items() if k not in ("drop", "keep")}
    found, _options = matching(request, {**selecting, "local": "true"}, ctx)
    if not found:
        raise NgsiError("ResourceNotFound", "no entity matches")
    if "drop" in params or "keep" in params:
        drop, keep = _names(params.get("drop"), "drop", ctx), _names(params.get("keep"), "keep", ctx)
        attributes.purge_attributes(found, drop=drop, keep=keep)
    else:
        services.delete_entities([e.entity_id for e in found])
    return HttpResponse(status=204)


def query(request, params, ctx, status=200):
    """GET /entities and POST /entityOperations/query: the entities matching, rendered as asked."""
    found, options = matching(request, params, ctx)
    limit = whole_number(params.get("limit"), "limit", 20, 0, MAX_LIMIT)
    offset = whole_number(params.get("offset"), "offset", 0, 0, 10_000_000)
    if options["attrs_wanted"]:  # a pick of attributes leaves out the entities it would show empty
        found = [
            e
            for e in found
            if options["attrs_wanted"] & set(e.attrs) or not {"id", "type"} <= (options["omit"] or set())
        ]
    chosen = found[offset : offset + limit]
    page = joined(chosen, [ngsild.render(e, **options) for e in chosen], *join_of(params), options)
    headers = page_links(request, offset, limit, len(found)) if request.method == "GET" else {}
    if params.get("count") == "true":
        headers["NGSILD-Results-Count"] = str(len(found))
    if wants_geojson(request):
        return geojson_answer(page, params, ctx, headers)
    return answer(page, request, status=status, headers=headers, ctx=ctx)


# What filtering and rendering read of every candidate (a query may look at thousands): no timestamps to convert
# unless the query reads them (q or orderBy on createdAt/modifiedAt, sysAttrs).
ENTITY_FIELDS = ("id", "entity_id", "type", "extra_types", "scopes", "attrs", "lat", "lon", "has_shape", "multi_typed")


def matching(request, params, ctx) -> tuple[list, dict]:
    """The entities a query's parameters select (ordered, with the columns filtering and rendering read), and how
    to render them."""
    timed = any(t in params.get(k, "") for k in ("q", "orderBy", "options") for t in ("createdAt", "modifiedAt", "sys"))
    qs = Entity.objects.only(*ENTITY_FIELDS, *(("created_at", "modified_at") if timed else ())).order_by("id")
    if ids := params.get("id"):
        qs = qs.filter(entity_id__in=[ngsild.check_id(i.strip()) for i in ids.split(",")])
    type_groups = parse_types(params["type"], ctx) if params.get("type") else None
    if type_groups:
        # The main type narrows rows in the database; entities with more types are checked one by one.
        qs = of_types(qs, type_groups)
    scope_q = params.get("scopeQ")
    if scope_q and not re.match(r"^[/\w.+#;,|-]+$", scope_q):
        raise NgsiError("BadRequestData", "scopeQ is a scope such as /LaiChau/#")
    # An id list alone is not a query (clause 5.7.2); an idPattern is accepted on its own.
    if not any(params.get(k) for k in ("type", "q", "georel", "attrs", "pick", "idPattern")) and (
        params.get("local") != "true"
    ):
        raise NgsiError("BadRequestData", "give at least one of type, attrs, q, georel, idPattern or local=true")
    pattern = None
    if raw := params.get("idPattern"):
        try:
            pattern = ngsild.id_pattern(raw)
        except ValueError as exc:
            raise NgsiError("BadRequestData", str(exc)) from None
    tree = parse_q(params["q"], ctx) if params.get("q") else None
    options = rendering(params, ctx)
    # attrs selects the entities having one of them; pick only shapes the answer.
    filter_attrs = options["attrs_wanted"] if params.get("attrs") else None
    geo = _georel(params, ctx)
    near = None
    if geo:
        box, near = geo
        if box:
            near_box = Q(lat__range=box[0], lon__range=box[1])
            # Shapes (few) are read besides the lat/lon index only when there are any: an OR would lose the index.
            qs = qs.filter(near_box | Q(has_shape=True) if _any("has_shape") else near_box)
    found = []
    for entity in qs.iterator(chunk_size=2000):
        if type_groups and not types_match(entity.types, type_groups):
            continue
        if scope_q and not scope_match(entity.scopes, scope_q):
            continue
        if pattern and not pattern.search(entity.entity_id):
            continue
        if tree and not matches(entity, tree):
            continue
        if filter_attrs and not filter_attrs & set(entity.attrs):
            continue
        if near and not near(entity):
            continue
        found.append(entity)
    if params.get("orderBy"):
        found = order(found, parse_order(params["orderBy"], ctx))
    return found, options


def join_of(params) -> tuple[str | None, int]:
    """join (inline or flat) and joinLevel (1 to 3) as a request asks."""
    join = params.get("join")
    if join and join not in JOINS:
        raise NgsiError("InvalidRequest", "join is inline or flat")
    return join, whole_number(params.get("joinLevel"), "joinLevel", 1, 1, 3)


def of_types(qs, type_groups: list[set[str]]):
    """Narrow rows by main type in the database; entities with several types (few) are checked one by one by
    types_match afterwards."""
    main = Q(type__in=set().union(*type_groups))
    return qs.filter(main | Q(multi_typed=True) if _any("multi_typed") else main)


def _any(flag: str) -> bool:
    """Whether any entity has this flag. `flag__in=[True]` and not `flag=True`: Django writes the latter as a bare
    `WHERE flag`, which SQLite answers by reading every row instead of the flag's index."""
    return Entity.objects.filter(**{f"{flag}__in": [True]}).exists()


def _georel(params, ctx):
    """(box or None, test) for georel; the box narrows rows in the database, the exact test runs on each."""
    rel = params.get("georel")
    if not rel:
        if params.get("geometry") or params.get("coordinates"):
            raise NgsiError("BadRequestData", "geometry and coordinates need a georel")
        return None
    coordinates = params.get("coordinates", "")
    if isinstance(coordinates, str):
        try:
            coordinates = json.loads(coordinates)
        except ValueError:
            raise NgsiError("BadRequestData", "coordinates must be JSON (GeoJSON coordinates)") from None
    geoproperty = jsonld.to_storage(params.get("geoproperty") or "location", ctx)
    return geo_predicate(rel, params.get("geometry"), coordinates, geoproperty)


@endpoint(params=RENDER_PARAMS | {"type", "options"}, geojson=True)
def entity(request, entity_id):
    if request.method == "GET":
        ctx = request_context(request)
        options = rendering(request.GET, ctx)  # a bad parameter is reported before a missing entity
        item = _entity(entity_id)
        if types := request.GET.get("type"):
            if not types_match(item.types, parse_types(types, ctx)):
                raise NgsiError("ResourceNotFound", f"{entity_id} is not of type {types}")
        wanted = options["attrs_wanted"]
        if wanted and not wanted & set(item.attrs):
            raise NgsiError("ResourceNotFound", f"{entity_id} has none of the attributes asked for")
        rendered = ngsild.render(item, **options)
        if not rendered:
            raise NgsiError("ResourceNotFound", f"{entity_id}: nothing is left to show after omit")
        shown = joined([item], [rendered], *join_of(request.GET), options)
        shown = shown[0] if len(shown) == 1 else shown  # join=flat with nothing linked: the entity alone
        if wants_geojson(request):
            return geojson_answer(shown, request.GET, ctx)
        return answer(shown, request, ctx=ctx)
    if request.method == "DELETE":
        services.delete_entities([_entity(entity_id).entity_id])
        return HttpResponse(status=204)
    if request.method in ("PUT", "PATCH"):
        return _replace_or_merge(request, entity_id)
    raise NgsiError("MethodNotAllowed", f"{request.method} is not supported on an entity")


def _replace_or_merge(request, entity_id):
    """PUT replaces every attribute of an entity; PATCH merges (clause 5.6.17): "urn:ngsi-ld:null" deletes."""
    body = body_of(request)
    if not isinstance(body, dict):
        raise NgsiError("BadRequestData", "an entity fragment is a JSON object")
    ctx = request_context(request, body)
    item = _entity(entity_id)
    if body.get("id", entity_id) != entity_id:
        raise NgsiError("BadRequestData", "the id in the body is not the entity's")
    body = {**body, "id": entity_id, "type": body.get("type") or jsonld.from_storage(item.type, ctx)}
    _written, errors, _ = services.write_entities([body], "replace" if request.method == "PUT" else "merge", ctx)
    if errors:
        raise NgsiError(errors[0]["error"]["title"], errors[0]["error"]["detail"])
    return HttpResponse(status=204)


@endpoint(write=True, params={"options"})
def attrs(request, entity_id):
    if request.method not in ("POST", "PATCH"):
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported on attrs")
    item = _entity(entity_id)
    body = body_of(request)
    ctx = request_context(request, body)
    if request.method == "POST":  # append (overwrite unless options=noOverwrite)
        mode, reason = ("append-keep", "already there (noOverwrite)")
        if "noOverwrite" not in request.GET.get("options", ""):
            mode = "append"
    else:
        mode, reason = "update", "not found"
    missing = attributes.update_attributes(item, body, mode=mode, ctx=ctx)
    if not missing:
        return HttpResponse(status=204)
    result = {
        "updated": [k for k in body if k not in missing and k not in ("@context", "id", "type")],
        "notUpdated": [{"attributeName": m, "reason": reason} for m in missing],
    }
    return answer(result, request, status=207, ctx=ctx)


@endpoint(write=True, params={"datasetId", "deleteAll"})
def attr(request, entity_id, name):
    ngsild.check_name(name, "attribute name")
    if name == "scope" and request.method == "PUT":
        raise NgsiError("BadRequestData", "scope is not an attribute: replace it with PATCH on the entity")
    item = _entity(entity_id)
    ctx = request_context(request) if request.method == "DELETE" else None
    if request.method == "DELETE":
        attributes.delete_attribute(
            item, jsonld.to_storage(name, ctx), request.GET.get("datasetId"), request.GET.get("deleteAll") == "true"
        )
        return HttpResponse(status=204)
    if request.method not in ("PATCH", "PUT"):
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported on one attribute")
    body = body_of(request)
    ctx = request_context(request, body)
    key = jsonld.to_storage(name, ctx)
    if key not in item.attrs:
        raise NgsiError("ResourceNotFound", f"{entity_id} has no attribute {name}")
    body = {k: v for k, v in body.items() if k != "@context"} if isinstance(body, dict) else body
    if request.method == "PATCH":  # partial update: the given members change, the others stay
        current = next((i for i in ngsild.instances(item.attrs[key]) if not i.get("datasetId")), None)
        if current is None and not (isinstance(body, dict) and body.get("datasetId")):
            raise NgsiError("ResourceNotFound", f"{name} has no default instance: name its datasetId")
        if isinstance(body, dict) and body.get("datasetId"):
            current = next(
                (i for i in ngsild.instances(item.attrs[key]) if i.get("datasetId") == body["datasetId"]), None
            )
            if current is None:
                raise NgsiError("ResourceNotFound", f"{name} has no instance {body['datasetId']}")
        body = {**{k: v for k, v in current.items() if k not in ("createdAt", "modifiedAt")}, **body}
    attributes.update_attributes(item, {name: body}, mode="append", ctx=ctx, allow_null=True)
    return HttpResponse(status=204)


@endpoint(write=True, params=RENDER_PARAMS | {"options", "limit", "offset", "count"}, geojson=True)
def batch(request, operation):
    if request.method != "POST":
        raise NgsiError("MethodNotAllowed", "batch operations are POSTs")
    body = body_of(request)
    if operation == "query":
        return _batch_query(request, body)
    if not isinstance(body, list):
        raise NgsiError("BadRequestData", "a batch is a JSON array")
    if not body:
        raise NgsiError("BadRequestData", "a batch holds at least one entity")
    if len(body) > MAX_BATCH:
        raise NgsiError("RequestEntityTooLarge", f"at most {MAX_BATCH} entities per batch")
    options = request.GET.get("options", "")
    if operation == "delete":
        if not all(isinstance(i, str) for i in body):
            raise NgsiError("BadRequestData", "a batch delete is an array of entity ids")
        existing = services.delete_entities(body)
        errors, reported = [], set()
        for i in body:
            if i not in existing or i in reported:
                errors.append({"entityId": i, "error": NgsiError("ResourceNotFound", f"{i} does not exist").problem()})
            reported.add(i)
        written, created = sorted(existing), []
    elif operation in ("create", "upsert", "update", "merge"):
        mode = {
            "create": "create",
            "upsert": "upsert" if "update" in options else "upsert-replace",
            "update": "append-keep" if "noOverwrite" in options else "append",
            "merge": "merge",
        }[operation]
        written, errors, created = services.write_entities(body, mode, [_entity_context(request, b) for b in body])
    else:
        raise NgsiError("ResourceNotFound", f"unknown batch operation {operation!r}")
    if errors:
        return answer({"success": written, "errors": errors}, request, status=207)
    if operation == "create" or (operation == "upsert" and created):
        return answer(created if operation == "upsert" else written, request, status=201)
    return HttpResponse(status=204)


def _entity_context(request, body):
    """One batch entity's @context, or the NgsiError that refuses this entity alone."""
    ld = (request.content_type or "").startswith("application/ld+json")
    if isinstance(body, dict):
        if ld and "@context" not in body:
            return NgsiError("BadRequestData", "application/ld+json requires an @context member")
        if not ld and "@context" in body:
            return NgsiError("BadRequestData", "with application/json the @context goes in a Link header")
    try:
        return request_context(request, body)
    except NgsiError as exc:
        return exc


def _batch_query(request, body):
    """POST /entityOperations/query: a Query object (clause 5.2.23) in the body."""
    params = query_params(body, request.GET)
    return query(request, params, request_context(request, body))


def query_params(body: dict, url_params) -> dict:
    """A Query object (clause 5.2.23) as the parameters of GET /entities."""
    if not isinstance(body, dict) or body.get("type") != "Query":
        raise NgsiError("BadRequestData", "the body is a Query object (type Query)")
    params = {}
    entities = body.get("entities") or []
    if entities:
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise NgsiError("BadRequestData", "entities is a list of {type, id or idPattern}")
        params["type"] = ",".join(e["type"] for e in entities if e.get("type"))
        params["id"] = ",".join(e["id"] for e in entities if e.get("id"))
        params["idPattern"] = next((e["idPattern"] for e in entities if e.get("idPattern")), "")
    if body.get("attrs"):
        attrs = body["attrs"]
        if not isinstance(attrs, list) or not all(isinstance(a, str) for a in attrs):
            raise NgsiError("BadRequestData", "attrs is a list of attribute names")
        params["attrs"] = ",".join(attrs)
    # The Query members that are also query parameters (join, options, pick… as clause 5.2.23 lists them).
    for key in ("q", "scopeQ", "lang", "csf", "join", "joinLevel", "options", "format", "pick", "omit", "datasetId"):
        value = body.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value and not isinstance(value, str):
            raise NgsiError("BadRequestData", f"{key} in a Query is a string")
        if value:
            params[key] = value
    if geo := body.get("geoQ"):
        params.update({k: geo.get(k) for k in ("georel", "geometry", "coordinates", "geoproperty")})
    # How to render and page the answer comes in the URL, as for GET.
    params.update({k: v for k, v in url_params.items() if k not in params})
    return {k: v for k, v in params.items() if v}


@csrf_exempt
def unknown_resource(request, rest: str):
    """A path under /ngsi-ld/ that names no resource: ProblemDetails, as clients of the standard expect."""
    return NgsiError("ResourceNotFound", f"No NGSI-LD resource at /ngsi-ld/{rest}").response()
