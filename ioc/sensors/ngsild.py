"""NGSI-LD (ETSI GS CIM 009 v1.8): validation and normalisation of entities and attributes, their rendering
(normalized, concise, keyValues; sysAttrs, pick/omit, lang, datasetId) and ProblemDetails.

Attributes are stored in normalized form under their storage key (see jsonld.py); a multi-attribute (instances with
distinct datasetIds) is stored as a list, a single instance as an object. Queries (`q`, geo) are in ngsild_query.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import re2
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ioc.sensors import jsonld
from ioc.sensors.jsonld import CORE_CONTEXT, Context

__all__ = ["CORE_CONTEXT", "NgsiError"]

ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
NULL = "urn:ngsi-ld:null"  # merge-patch: this value deletes what it names
DELETED = "@deleted"  # marks an instance (by datasetId) a merge-patch deletes
# The member holding each attribute type's value, and its name in the keyValues (simplified) form.
MAIN_MEMBER = {
    "Property": "value",
    "GeoProperty": "value",
    "Relationship": "object",
    "LanguageProperty": "languageMap",
    "VocabProperty": "vocab",
    "JsonProperty": "json",
    "ListProperty": "valueList",
    "ListRelationship": "objectList",
}
ATTRIBUTE_TYPES = set(MAIN_MEMBER)
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
SYSTEM_MEMBERS = {"createdAt", "modifiedAt", "deletedAt", "instanceId"}
# Members of an attribute that are not sub-attributes.
META_MEMBERS = {"type", "observedAt", "datasetId", "unitCode", "objectType", "lang", *MAIN_MEMBER.values()}
RESERVED = {"id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt"}
FORBIDDEN = re.compile(r"[\s<>\"'=;()\\]")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # the IOC's own short names (subscriptions' watchedAttributes)
MAX_FUTURE = timedelta(days=1)
MAX_DEPTH = 3  # attribute → sub-attribute → sub-sub-attribute
_RE2 = re2.Options()
_RE2.log_errors = False


def id_pattern(raw: str):
    """A client's idPattern, compiled by RE2: matching takes linear time whatever the pattern, so no request can
    stall the server with catastrophic backtracking. Raises ValueError when it is not a valid expression."""
    try:
        return re2.compile(str(raw)[:200], options=_RE2)
    except re2.error:
        raise ValueError("idPattern is not a valid regular expression") from None


class NgsiError(Exception):
    """An error reported as ProblemDetails with an ETSI type."""

    status_by_type = {
        "BadRequestData": 400,
        "InvalidRequest": 400,
        "ResourceNotFound": 404,
        "AlreadyExists": 409,
        "OperationNotSupported": 422,
        "UnsupportedMediaType": 415,
        "NotAcceptable": 406,
        "TooManyRequests": 429,
        "RequestEntityTooLarge": 413,
        "Unauthorized": 401,
        "Forbidden": 403,
        "LdContextNotAvailable": 503,
        "MethodNotAllowed": 405,
        "NoMultiTenantSupport": 501,
    }

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail

    @property
    def status(self) -> int:
        return self.status_by_type.get(self.kind, 400)

    def problem(self) -> dict:
        return {"type": ERRORS + self.kind, "title": self.kind, "status": self.status, "detail": self.detail}

    def response(self) -> JsonResponse:
        return JsonResponse(self.problem(), status=self.status, content_type="application/json")


def bad(detail: str) -> NgsiError:
    return NgsiError("BadRequestData", detail)


def check_id(value, what: str = "id") -> str:
    if not isinstance(value, str) or ":" not in value or len(value) > 256 or FORBIDDEN.search(value):
        raise bad(f"{what} must be a URI such as urn:ngsi-ld:WaterLevelSensor:001")
    return value


def check_name(value, what: str = "name") -> str:
    """A type or attribute name: a short term or an IRI, without the characters the spec forbids (4.6.2)."""
    if not isinstance(value, str) or not value or len(value) > 256 or FORBIDDEN.search(value):
        raise bad(f"{what} {value!r} is not a valid name")
    if value.startswith("@"):
        raise bad(f"{what} {value!r} is a JSON-LD keyword, not a name")
    return value


def check_type(value, ctx: Context | None = None) -> str:
    """An entity type as stored (expanded against the request's context, compacted under the core one)."""
    ctx = ctx or jsonld.core()
    if not isinstance(value, str) or not value or len(value) > 256 or FORBIDDEN.search(value):
        raise bad("type must be a name such as WaterLevelSensor")
    if value in ctx.keywords:
        raise bad(f"{value!r} is a JSON-LD keyword, not a type")
    return jsonld.to_storage(value, ctx)


def stamp(moment: datetime) -> str:
    """An ISO 8601 UTC time with milliseconds, as NGSI-LD's examples write them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def observed(value, attr: str) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        raise bad(f"{attr}.observedAt must be an ISO 8601 date-time with its offset")
    if moment > timezone.now() + MAX_FUTURE:
        raise bad(f"{attr}.observedAt is more than a day in the future")
    return moment


# --- attributes in ----------------------------------------------------------------------------------------------


def _inferred_type(value: dict) -> str | None:
    """The type of an attribute given without one (the concise format, clause 4.5.17)."""
    for kind in ("Relationship", "LanguageProperty", "VocabProperty", "JsonProperty", "ListProperty"):
        if MAIN_MEMBER[kind] in value:
            return kind
    if "objectList" in value:
        return "ListRelationship"
    if "value" in value:
        return "GeoProperty" if is_geometry(value["value"]) else "Property"
    if is_geometry(value):
        return None  # a bare GeoJSON geometry: the caller wraps it
    return None


def is_geometry(value) -> bool:
    return isinstance(value, dict) and value.get("type") in GEOMETRY_TYPES and "coordinates" in value


def is_null(value) -> bool:
    """A merge-patch deletion: "urn:ngsi-ld:null" as the attribute or as its value/object."""
    if value == NULL:
        return True
    if not isinstance(value, dict):
        return False
    language = value.get("languageMap")
    return any(value.get(m) == NULL for m in ("value", "object", "vocab", "json", "valueList", "objectList")) or (
        isinstance(language, dict) and language.get("@none") == NULL
    )


def normalize_attribute(name: str, value, ctx: Context | None = None, depth: int = 0, allow_null: bool = False):
    """An attribute in normalized form: a dict, or a list of instances for a multi-attribute. Bare values
    (keyValues) and the concise form are accepted; with allow_null (merge) a null attribute is None."""
    ctx = ctx or jsonld.core()
    check_name(name, "attribute name")
    if allow_null and is_null(value):
        # A null instance deletes that instance: the one of its datasetId, or the default one (a DELETED marker
        # the write path removes; instances of other datasetIds stay). A bare null deletes the attribute.
        if isinstance(value, dict):
            dataset_id = check_id(value["datasetId"], f"{name}.datasetId") if value.get("datasetId") else None
            return {"datasetId": dataset_id, DELETED: True}
        return None
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and ("type" in v or "datasetId" in v) for v in value)
    ):
        instances = [_instance(name, v, ctx, depth) for v in value]
        dataset_ids = [i.get("datasetId") for i in instances]
        if len(set(dataset_ids)) != len(dataset_ids):
            raise bad(f"{name}: two instances with the same datasetId")
        return instances[0] if len(instances) == 1 else instances
    return _instance(name, value, ctx, depth)


def _instance(name: str, value, ctx: Context, depth: int) -> dict:
    if is_geometry(value):
        value = {"type": "GeoProperty", "value": value}
    elif not isinstance(value, dict):
        value = {"type": "Property", "value": value}
    elif "type" not in value:
        kind = _inferred_type(value)
        value = {"type": kind, **value} if kind else {"type": "Property", "value": value}
    kind = value["type"]
    if kind not in ATTRIBUTE_TYPES:
        raise bad(f"{name}: type must be one of {', '.join(sorted(ATTRIBUTE_TYPES))}")
    main = MAIN_MEMBER[kind]
    if main not in value:
        raise bad(f"{name}: a {kind} needs {main}")
    out = {"type": kind}
    for member, item in value.items():
        if member in SYSTEM_MEMBERS or member == "type":
            continue
        if member == main:
            out[main] = _main_value(name, kind, item, ctx)
        elif member == "observedAt":
            observed(item, name)
            out[member] = item
        elif member == "datasetId":
            out[member] = check_id(item, f"{name}.datasetId")
        elif member in ("unitCode", "lang"):
            if not isinstance(item, str):
                raise bad(f"{name}.{member} must be a string")
            out[member] = item
        elif member == "objectType":
            out[member] = jsonld.to_storage(check_name(item, f"{name}.objectType"), ctx)
        elif member in META_MEMBERS:
            raise bad(f"{name}: {member} does not belong in a {kind}")
        elif member == "@context":
            continue
        else:
            if depth + 1 >= MAX_DEPTH:
                raise bad(f"{name}: sub-attributes nest at most {MAX_DEPTH - 1} levels")
            out[jsonld.to_storage(check_name(member, "sub-attribute name"), ctx)] = _instance(
                member, item, ctx, depth + 1
            )
    return out


def _main_value(name: str, kind: str, item, ctx: Context):
    if kind == "Property":
        if item is None or (isinstance(item, float) and item != item):
            raise bad(f"{name}: a Property's value cannot be null or NaN")
        return item
    if kind == "GeoProperty":
        check_geometry(item, name)
        return item
    if kind == "Relationship":
        if isinstance(item, list):
            return [check_id(o, f"{name}.object") for o in item]
        return check_id(item, f"{name}.object")
    if kind == "LanguageProperty":
        if (
            not isinstance(item, dict)
            or not item
            or not all(isinstance(k, str) and isinstance(v, str | list) for k, v in item.items())
        ):
            raise bad(f"{name}: languageMap maps language tags to strings")
        return item
    if kind == "VocabProperty":
        terms = item if isinstance(item, list) else [item]
        if not terms or not all(isinstance(t, str) and t for t in terms):
            raise bad(f"{name}: vocab is a term or a list of terms")
        stored = [jsonld.to_storage(t, ctx) for t in terms]
        return stored if isinstance(item, list) else stored[0]
    if kind == "JsonProperty":
        if not isinstance(item, dict | list):
            raise bad(f"{name}: json is a JSON object or array")
        return item
    if kind == "ListProperty":
        if not isinstance(item, list):
            raise bad(f"{name}: valueList is an array")
        return item
    # ListRelationship: URIs, or {"object": URI} items
    if not isinstance(item, list):
        raise bad(f"{name}: objectList is an array")
    return [{"object": check_id(o.get("object") if isinstance(o, dict) else o, f"{name}.objectList")} for o in item]


def check_geometry(geometry, name: str = "location") -> None:
    """Any GeoJSON geometry (RFC 7946), checked by shapely."""
    from shapely.geometry import shape

    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise bad(f"{name}: a GeoJSON geometry ({', '.join(sorted(GEOMETRY_TYPES))}) is expected")
    if geometry["type"] == "Point":  # devices' locations: checked without building a shape (the hot path)
        point(geometry, name)
        return
    try:
        built = shape(geometry)
        bounds = built.bounds
    except Exception:
        raise bad(f"{name}: the {geometry['type']} coordinates are not valid") from None
    if built.is_empty or not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise bad(f"{name}: coordinates out of range")


def point(geometry, name: str = "location") -> tuple[float, float]:
    """(lat, lon) of a GeoJSON Point, checked."""
    try:
        if geometry["type"] != "Point":
            raise bad(f"{name}: a GeoJSON Point is expected")
        lon, lat = (float(c) for c in geometry["coordinates"])
    except (KeyError, TypeError, ValueError):
        raise bad(f"{name}: a GeoJSON Point is expected") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise bad(f"{name}: coordinates out of range")
    return lat, lon


def default_instance(attribute) -> dict | None:
    """The instance without a datasetId (else the first) of a stored attribute."""
    if isinstance(attribute, list):
        return next((i for i in attribute if "datasetId" not in i), attribute[0] if attribute else None)
    return attribute


def instances(attribute) -> list[dict]:
    return attribute if isinstance(attribute, list) else [attribute]


def check_context(body: dict, content_type: str) -> None:
    """application/ld+json carries its @context in the body; application/json must not (it uses a Link header)."""
    if content_type == "application/ld+json" and "@context" not in body:
        raise bad("application/ld+json requires an @context member")
    if content_type == "application/json" and "@context" in body:
        raise bad("with application/json the @context goes in a Link header, not the body")


class Parsed(NamedTuple):
    entity_id: str
    types: list[str]  # stored forms; the first is the entity's main type
    attrs: dict
    location: tuple | None
    scopes: list[str] | None  # None: not given


SCOPE = re.compile(r"^(/[\w.-]+)+$")


def check_scopes(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and SCOPE.match(i) for i in items):
        raise bad("scope is a path such as /LaiChau/DoanKet, or a list of them")
    return list(dict.fromkeys(items))


def parse_entity(body, ctx: Context | None = None, allow_null: bool = False) -> Parsed:
    """The entity's id, types, attributes by storage key, the (lat, lon) of a Point location, and its scopes."""
    ctx = ctx or jsonld.core()
    if not isinstance(body, dict):
        raise bad("an entity is a JSON object")
    entity_id = check_id(body.get("id"))
    kinds = body.get("type")
    kinds = kinds if isinstance(kinds, list) and kinds else [kinds]
    types = list(dict.fromkeys(check_type(k, ctx) for k in kinds))
    scopes = check_scopes(body["scope"]) if body.get("scope") not in (None, NULL) else None
    attrs = {}
    for name, value in body.items():
        if name in RESERVED:
            continue
        key = jsonld.to_storage(check_name(name, "attribute name"), ctx)
        attrs[key] = normalize_attribute(name, value, ctx, allow_null=allow_null)
    return Parsed(entity_id, types, attrs, location_of(attrs), scopes)


def location_of(attrs: dict) -> tuple[float, float] | None:
    item = default_instance(attrs.get("location")) if attrs.get("location") else None
    if item and item.get("type") == "GeoProperty" and item["value"].get("type") == "Point":
        return point(item["value"])
    return None


# --- entities out -----------------------------------------------------------------------------------------------


def render(
    entity,
    attrs_wanted: set[str] | None = None,
    key_values: bool = False,
    *,
    ctx: Context | None = None,
    concise: bool = False,
    sys_attrs: bool = False,
    lang: str | None = None,
    dataset_ids: set[str] | None = None,
    omit: set[str] | None = None,
    links: dict | None = None,
) -> dict:
    """An entity as the requester asked. `attrs_wanted`/`omit` hold storage keys (pick/omit of id and type too);
    `links` (how to shape linked entities) is used by the join, not here."""
    ctx = ctx or jsonld.core()
    out = {}
    if not omit or "id" not in omit:
        out["id"] = entity.entity_id
    if not omit or "type" not in omit:
        types = [jsonld.from_storage(t, ctx) for t in getattr(entity, "types", [entity.type])]
        out["type"] = types[0] if len(types) == 1 else types
    if getattr(entity, "scopes", None) and not (omit and "scope" in omit):
        out["scope"] = entity.scopes[0] if len(entity.scopes) == 1 else list(entity.scopes)
    if sys_attrs and getattr(entity, "created_at", None):
        out["createdAt"] = stamp(entity.created_at)
        out["modifiedAt"] = stamp(entity.modified_at)
    for key, attribute in entity.attrs.items():
        if (attrs_wanted is not None and key not in attrs_wanted) or (omit and key in omit):
            continue
        chosen = instances(attribute)
        if dataset_ids is not None:
            chosen = [i for i in chosen if i.get("datasetId", "@none") in dataset_ids]
        if not chosen:
            continue
        shown = [_attribute_out(i, ctx, key_values, concise, sys_attrs, lang) for i in chosen]
        if key_values and len(shown) > 1:  # several instances, simplified: by datasetId (clause 4.5.4)
            shown = [{"dataset": {i.get("datasetId", "@none"): v for i, v in zip(chosen, shown, strict=True)}}]
        out[jsonld.from_storage(key, ctx)] = shown[0] if len(shown) == 1 else shown
    return out


def _attribute_out(item: dict, ctx: Context, key_values: bool, concise: bool, sys_attrs: bool, lang: str | None):
    kind = item.get("type", "Property")
    main = MAIN_MEMBER.get(kind, "value")
    value = item.get(main)
    if kind == "VocabProperty":
        value = (
            [jsonld.from_storage(v, ctx) for v in value] if isinstance(value, list) else jsonld.from_storage(value, ctx)
        )
    if kind == "LanguageProperty" and lang:
        chosen = _language(value, lang)
        shown = value.get(chosen) if chosen else None
        if key_values:
            return shown
        item = {**{k: v for k, v in item.items() if k not in ("type", main)}, "lang": chosen}
        kind, main, value = "Property", "value", shown
    if key_values:
        return value
    out = {"type": kind, main: value}
    for member, member_value in item.items():
        if member in ("type", main):
            continue
        if member in ("createdAt", "modifiedAt"):
            if sys_attrs:
                out[member] = member_value
        elif member in META_MEMBERS:
            out[member] = jsonld.from_storage(member_value, ctx) if member == "objectType" else member_value
        elif isinstance(member_value, dict):
            out[jsonld.from_storage(member, ctx)] = _attribute_out(member_value, ctx, False, concise, sys_attrs, None)
    if concise:
        out.pop("type")
        if set(out) == {main} and main == "value" and not isinstance(value, dict):
            return value
    return out


def _language(language_map: dict, wanted: str) -> str | None:
    """The language to show from a languageMap for `lang` (a tag, a list, or *), falling back to @none, then any."""
    for tag in [t.split(";")[0].strip() for t in wanted.split(",")]:
        if tag == "*":
            break
        if tag in language_map:
            return tag
    if "@none" in language_map:
        return "@none"
    return next(iter(language_map), None)


def edge_error(request, status: int, message: str):
    """The edge's refusals (rate limit, NUL characters, over-deep JSON) as NGSI-LD ProblemDetails."""
    kind = {429: "TooManyRequests", 413: "RequestEntityTooLarge"}.get(status, "BadRequestData")
    return NgsiError(kind, message).response()
