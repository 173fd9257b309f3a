"""What every NGSI-LD endpoint shares: authentication, the request's @context (Link header or body), content
negotiation, unknown-parameter refusal and ProblemDetails errors.

Machine clients authenticate with `Authorization: Bearer <token>` (core API tokens); reads are open to staff,
writes to operators and administrators (gateways are issued operator tokens).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ioc.core.payloads import PayloadError, load_json
from ioc.core.permissions import OPERATORS, STAFF_ROLES, role_of
from ioc.core.services.accounts import user_for_token
from ioc.sensors import jsonld, ngsild
from ioc.sensors.jsonld import ContextError
from ioc.sensors.ngsild import NgsiError

MAX_LIMIT = 1000
JSON_TYPES = ("application/json", "application/ld+json")
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


def endpoint(write: bool = False, params: set[str] | None = None, geojson: bool = False):
    """Authentication, the @context, content negotiation and ProblemDetails for every endpoint. `params`: the
    query parameters the endpoint knows (others are refused, as clause 6.3.2 asks); geojson: whether the
    endpoint answers application/geo+json."""

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
                tenant = request.headers.get("NGSILD-Tenant")
                if tenant and tenant not in settings.IOC["NGSI_TENANT_NAMES"]:
                    raise NgsiError("NoMultiTenantSupport", "this broker has one tenant: send no NGSILD-Tenant")
                if params is not None:
                    unknown = set(request.GET) - params
                    if unknown:
                        raise NgsiError("InvalidRequest", f"unknown parameter(s): {', '.join(sorted(unknown))}")
                _check_accept(request, geojson)
                if request.method in ("POST", "PATCH", "PUT") and request.body:
                    _check_content_type(request)  # before the resource is looked up (clause 6.3.4)
                request.ngsi_user = user
                request.ngsi_context = _link_context(request)
                return view(request, *args, **kwargs)
            except NgsiError as exc:
                return exc.response()
            except ContextError as exc:
                return NgsiError(exc.kind, str(exc)).response()

        return wrapped

    return decorate


def _check_accept(request, geojson: bool) -> None:
    accept = request.headers.get("Accept", "")
    if not accept:
        return
    kinds = [part.split(";")[0].strip() for part in accept.split(",")]
    usable = ["application/json", "application/ld+json", "application/*", "*/*"]
    if geojson:
        usable.append("application/geo+json")
    if not any(k in usable for k in kinds):
        raise NgsiError("NotAcceptable", f"this resource answers {', '.join(usable[:-2])}")


def wants_geojson(request) -> bool:
    kinds = [part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")]
    return "application/geo+json" in kinds and not {"application/json", "application/ld+json"} & set(kinds)


def _link_context(request):
    """The @context URL of a Link header (GET, and JSON bodies); None for the core context."""
    header = request.headers.get("Link", "")
    if not header:
        return None
    for url, attributes in LINK.findall(header):
        if CONTEXT_REL in attributes:
            return url
    return None


def request_context(request, body=None) -> jsonld.Context:
    """The processed @context of a request: the body's (application/ld+json) or the Link header's."""
    value = body.get("@context") if isinstance(body, dict) and "@context" in body else request.ngsi_context
    try:
        return jsonld.context(value)
    except ContextError as exc:
        raise NgsiError(exc.kind, str(exc)) from None


def _check_content_type(request) -> str:
    content_type = (request.content_type or "").split(";")[0].strip()
    if content_type not in JSON_TYPES and content_type != "application/merge-patch+json":
        raise NgsiError("UnsupportedMediaType", "Content-Type must be application/json or application/ld+json")
    return content_type


def body_of(request):
    content_type = _check_content_type(request)
    if len(request.body) > settings.MAX_BODY_BYTES:
        raise NgsiError("RequestEntityTooLarge", "the payload is too large")
    try:
        body = load_json(request.body)
    except PayloadError as exc:
        invalid = "invalid JSON" in str(exc)
        raise NgsiError("InvalidRequest" if invalid else "BadRequestData", str(exc)) from None
    if content_type == "application/ld+json" and request.headers.get("Link") and _link_context(request):
        raise NgsiError("BadRequestData", "application/ld+json carries its @context in the body, not a Link header")
    if isinstance(body, dict):  # a batch's entities are checked one by one (an error is theirs alone)
        ngsild.check_context(body, "application/json" if content_type != "application/ld+json" else content_type)
    return body


def wants_ld(request) -> bool:
    return "application/ld+json" in request.headers.get("Accept", "")


def answer(data, request, status=200, headers=None, ctx: jsonld.Context | None = None) -> JsonResponse:
    """JSON or JSON-LD as the client accepts; the context goes in the body (ld+json) or a Link header."""
    ld = wants_ld(request)
    context_value = ctx.value if ctx is not None else (request.ngsi_context or ngsild.CORE_CONTEXT)
    if ld:
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict) and "@context" not in item:
                item["@context"] = context_value
    response = JsonResponse(
        data, status=status, safe=False, content_type="application/ld+json" if ld else "application/json"
    )
    if not ld:
        link = context_value if isinstance(context_value, str) else ngsild.CORE_CONTEXT
        response["Link"] = f'<{link}>; rel="{CONTEXT_REL}"; type="application/ld+json"'
    for key, value in (headers or {}).items():
        # Page links (rel=prev/next) join the context link in one Link header.
        response[key] = f"{response[key]}, {value}" if key == "Link" and key in response else value
    return response


def page_links(request, offset: int, limit: int, total: int) -> dict:
    """Link rel="prev"/"next" for a page of a list (clause 6.3.13), keeping the request's other parameters."""
    links = []
    pages = [("prev", max(offset - limit, 0)) if offset > 0 and limit else None]
    pages.append(("next", offset + limit) if limit and offset + limit < total else None)
    for rel, start in filter(None, pages):
        query = request.GET.copy()
        query["limit"], query["offset"] = str(limit), str(start)
        path = request.path.rstrip("/")  # the resource's own URI, whichever way the client wrote it
        links.append(f'<{path}?{query.urlencode(safe=":/")}>;rel="{rel}";type="application/ld+json"')
    return {"Link": ",".join(links)} if links else {}


def whole_number(value, name, default, low, high) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise NgsiError("BadRequestData", f"{name} must be a whole number from {low} to {high}")
    return int(value)


def geojson_answer(data, params, ctx: jsonld.Context, headers=None) -> JsonResponse:
    """application/geo+json (clause 4.5.16): a Feature per entity, its geometry from `geometryProperty`
    (location by default), the rest of the entity in its properties."""
    geometry_key = params.get("geometryProperty") or "location"

    def feature(entity: dict) -> dict:
        geometry = entity.get(geometry_key)
        if isinstance(geometry, dict) and geometry.get("type") == "GeoProperty":
            geometry = geometry.get("value")
        properties = {k: v for k, v in entity.items() if k != "id"}
        return {"id": entity.get("id"), "type": "Feature", "geometry": geometry, "properties": properties}

    if isinstance(data, list):
        body = {"type": "FeatureCollection", "features": [feature(e) for e in data]}
    else:
        body = feature(data)
    body["@context"] = ctx.value
    response = JsonResponse(body, content_type="application/geo+json")
    for key, value in (headers or {}).items():
        response[key] = value
    return response
