"""NGSI-LD HTTP endpoints at /ngsi-ld/v1/: entities, attributes and batch operations, with ProblemDetails errors.

Machine clients authenticate with `Authorization: Bearer <token>` (core API tokens); reads are open to staff,
writes to operators and administrators (gateways are issued operator tokens).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ioc.core.payloads import PayloadError, load_json
from ioc.core.permissions import OPERATORS, STAFF_ROLES, role_of
from ioc.core.services.accounts import user_for_token
from ioc.sensors import ngsild, services
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError

MAX_LIMIT = 1000
MAX_BATCH = 1000
JSON_TYPES = ("application/json", "application/ld+json")


def endpoint(write: bool = False):
    """Authentication, content negotiation and ProblemDetails for every endpoint."""

    def decorate(view):
        @csrf_exempt
        def wrapped(request, *args, **kwargs):
            try:
                # A browser session may read; writes need a bearer token (a session write would need CSRF, and a
                # standard API's clients are machines).
                safe = request.method in ("GET", "HEAD", "OPTIONS")
                user = request.user if request.user.is_authenticated and safe else None
                header = request.headers.get("Authorization", "")
                if header.startswith("Bearer "):
                    user = user_for_token(header[7:].strip())
                if user is None:
                    raise NgsiError("Unauthorized", "Send 'Authorization: Bearer <token>'")
                allowed = OPERATORS if write or request.method not in ("GET", "HEAD") else STAFF_ROLES
                if role_of(user) not in allowed:
                    raise NgsiError("Forbidden", "This token may not do this")
                request.ngsi_user = user
                return view(request, *args, **kwargs)
            except NgsiError as exc:
                return exc.response()

        return wrapped

    return decorate


def _body(request):
    content_type = (request.content_type or "").split(";")[0].strip()
    if content_type not in JSON_TYPES:
        raise NgsiError("UnsupportedMediaType", "Content-Type must be application/json or application/ld+json")
    if len(request.body) > settings.MAX_BODY_BYTES:
        raise NgsiError("RequestEntityTooLarge", "the payload is too large")
    try:
        body = load_json(request.body)
    except PayloadError as exc:
        invalid = "invalid JSON" in str(exc)
        raise NgsiError("InvalidRequest" if invalid else "BadRequestData", str(exc)) from None
    items = body if isinstance(body, list) else [body]
    for item in items:
        if isinstance(item, dict):
            ngsild.check_context(item, content_type)
    return body


def _wants_ld(request) -> bool:
    return "application/ld+json" in request.headers.get("Accept", "")


def _json(data, request, status=200, headers=None) -> JsonResponse:
    response = JsonResponse(
        data,
        status=status,
        safe=False,
        content_type="application/ld+json" if _wants_ld(request) else "application/json",
    )
    if not _wants_ld(request):
        response["Link"] = (
            f'<{ngsild.CORE_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
        )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _entity(entity_id: str) -> Entity:
    entity = Entity.objects.filter(entity_id=entity_id).first()
    if entity is None:
        raise NgsiError("ResourceNotFound", f"{entity_id} does not exist")
    return entity


def _int(value, name, default, low, high) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise NgsiError("BadRequestData", f"{name} must be a whole number from {low} to {high}")
    return int(value)


@endpoint()
def entities(request):
    if request.method == "POST":
        body = _body(request)
        if isinstance(body, list):
            raise NgsiError("BadRequestData", "POST /entities takes one entity; use /entityOperations for batches")
        written, errors, _created = services.write_entities([body], "create")
        if errors:
            raise NgsiError(errors[0]["error"]["title"], errors[0]["error"]["detail"])
        return HttpResponse(status=201, headers={"Location": f"/ngsi-ld/v1/entities/{written[0]}"})
    if request.method != "GET":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    return _query(request)


def _query(request):
    params = request.GET
    qs = Entity.objects.all().order_by("id")
    if ids := params.get("id"):
        qs = qs.filter(entity_id__in=[i.strip() for i in ids.split(",")])
    if types := params.get("type"):
        qs = qs.filter(type__in=[t.strip() for t in types.split(",")])
    if not (
        params.get("id")
        or params.get("type")
        or params.get("idPattern")
        or params.get("q")
        or params.get("georel")
        or params.get("attrs")
    ):
        raise NgsiError("BadRequestData", "give at least one of type, id, idPattern, attrs, q or georel")
    pattern = None
    if raw := params.get("idPattern"):
        try:
            pattern = ngsild.id_pattern(raw)
        except ValueError as exc:
            raise NgsiError("BadRequestData", str(exc)) from None
    groups = ngsild.parse_q(params["q"]) if params.get("q") else None
    attrs = {a.strip() for a in params.get("attrs", "").split(",") if a.strip()} or None
    geo = _georel(params, qs)
    qs, near = geo if geo else (qs, None)
    limit = _int(params.get("limit"), "limit", 20, 0, MAX_LIMIT)
    offset = _int(params.get("offset"), "offset", 0, 0, 10_000_000)
    found = []
    for entity in qs.iterator(chunk_size=2000):
        if pattern and not pattern.search(entity.entity_id):
            continue
        if groups and not ngsild.matches(entity, groups):
            continue
        if attrs and not attrs & set(entity.attrs):
            continue
        if near and not near(entity):
            continue
        found.append(entity)
    key_values = "keyValues" in params.get("options", "")
    page = [ngsild.render(e, attrs, key_values, _wants_ld(request)) for e in found[offset : offset + limit]]
    headers = {"NGSILD-Results-Count": str(len(found))} if params.get("count") == "true" else None
    return _json(page, request, headers=headers)


def _georel(params, qs):
    """The georel filter: a bounding box narrows the rows in the database, the exact test runs on each."""
    rel = params.get("georel")
    if not rel:
        return None
    try:
        coordinates = json.loads(params.get("coordinates", ""))
    except ValueError:
        raise NgsiError("BadRequestData", "coordinates must be JSON (GeoJSON coordinates)") from None
    box, test = ngsild.geo_predicate(rel, params.get("geometry"), coordinates)
    if box:
        qs = qs.filter(lat__range=box[0], lon__range=box[1])
    return qs, test


@endpoint()
def entity(request, entity_id):
    if request.method == "GET":
        item = _entity(entity_id)
        attrs = {a for a in request.GET.get("attrs", "").split(",") if a} or None
        return _json(
            ngsild.render(item, attrs, "keyValues" in request.GET.get("options", ""), _wants_ld(request)), request
        )
    if request.method == "DELETE":
        services.delete_entities([_entity(entity_id).entity_id])
        return HttpResponse(status=204)
    raise NgsiError("OperationNotSupported", f"{request.method} is not supported on an entity")


@endpoint(write=True)
def attrs(request, entity_id):
    item = _entity(entity_id)
    body = _body(request)
    if request.method == "POST":  # append (overwrite unless options=noOverwrite)
        if "noOverwrite" in request.GET.get("options", ""):
            body = {k: v for k, v in body.items() if k not in item.attrs}
        services.update_attributes(item, body, only_existing=False)
        return HttpResponse(status=204)
    if request.method == "PATCH":
        missing = services.update_attributes(item, body, only_existing=True)
        if missing:
            return _json(
                {
                    "updated": [k for k in body if k not in missing and k != "@context"],
                    "notUpdated": [{"attributeName": m, "reason": "not found"} for m in missing],
                },
                request,
                status=207,
            )
        return HttpResponse(status=204)
    raise NgsiError("OperationNotSupported", f"{request.method} is not supported on attrs")


@endpoint(write=True)
def attr(request, entity_id, name):
    item = _entity(entity_id)
    if request.method != "PATCH":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported on one attribute")
    if name not in item.attrs:
        raise NgsiError("ResourceNotFound", f"{entity_id} has no attribute {name}")
    body = _body(request)
    body.pop("@context", None)
    merged = {**item.attrs[name], **body}
    services.update_attributes(item, {name: merged}, only_existing=True)
    return HttpResponse(status=204)


@endpoint(write=True)
def batch(request, operation):
    if request.method != "POST":
        raise NgsiError("OperationNotSupported", "batch operations are POSTs")
    body = _body(request)
    if not isinstance(body, list):
        raise NgsiError("BadRequestData", "a batch is a JSON array")
    if len(body) > MAX_BATCH:
        raise NgsiError("RequestEntityTooLarge", f"at most {MAX_BATCH} entities per batch")
    if operation == "delete":
        ids = [i for i in body if isinstance(i, str)]
        existing = services.delete_entities(ids)
        errors = [
            {"entityId": i, "error": NgsiError("ResourceNotFound", f"{i} does not exist").problem()}
            for i in ids
            if i not in existing
        ]
        written, created = sorted(existing), []
    elif operation in ("create", "upsert", "update"):
        written, errors, created = services.write_entities(body, operation)
    else:
        raise NgsiError("BadRequestData", f"unknown batch operation {operation!r}")
    if errors:
        return _json({"success": written, "errors": errors}, request, status=207)
    if operation == "create" or (operation == "upsert" and created):
        return _json(created if operation == "upsert" else written, request, status=201)
    return HttpResponse(status=204)


@endpoint()
def temporal_entity(request, entity_id):
    """GET /temporal/entities/{id}: timerel/timeAt/endTimeAt, lastN, attrs, aggrMethods/aggrPeriodDuration."""
    from ioc.sensors.timeseries import temporal

    if request.method != "GET":
        raise NgsiError("OperationNotSupported", "only GET is supported on temporal entities")
    return _json(temporal(_entity(entity_id), request.GET), request)


@endpoint()
def temporal_entities(request):
    """GET /temporal/entities?type=…: the temporal representation of every matching entity (at most 100)."""
    from ioc.sensors.timeseries import temporal

    if request.method != "GET":
        raise NgsiError("OperationNotSupported", "only GET is supported on temporal entities")
    types = [t for t in request.GET.get("type", "").split(",") if t]
    ids = [i for i in request.GET.get("id", "").split(",") if i]
    if not (types or ids):
        raise NgsiError("BadRequestData", "give type or id")
    qs = Entity.objects.all()
    if types:
        qs = qs.filter(type__in=types)
    if ids:
        qs = qs.filter(entity_id__in=ids)
    limit = _int(request.GET.get("limit"), "limit", 20, 1, 100)
    return _json([temporal(e, request.GET) for e in qs.order_by("id")[:limit]], request)


@csrf_exempt
def unknown_resource(request, rest: str):
    """A path under /ngsi-ld/ that names no resource: ProblemDetails, as clients of the standard expect."""
    return NgsiError("ResourceNotFound", f"No NGSI-LD resource at /ngsi-ld/{rest}").response()
