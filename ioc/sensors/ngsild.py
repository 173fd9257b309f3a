"""NGSI-LD (ETSI GS CIM 009) in the subset this IOC serves: validation and normalisation of entities and
attributes, keyValues rendering, the `q` query language (comparisons joined by `;` and `|`), and ProblemDetails.

The core @context is bundled (no internet needed); terms are kept as their short names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import re2
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
ATTRIBUTE_TYPES = {"Property", "Relationship", "GeoProperty"}
RESERVED = {"id", "type", "@context", "location", "createdAt", "modifiedAt"}
_RE2 = re2.Options()
_RE2.log_errors = False


def id_pattern(raw: str):
    """A client's idPattern, compiled by RE2: matching takes linear time whatever the pattern, so no request can
    stall the server with catastrophic backtracking. Raises ValueError when it is not a valid expression."""
    try:
        return re2.compile(str(raw)[:200], options=_RE2)
    except re2.error:
        raise ValueError("idPattern is not a valid regular expression") from None


NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_FUTURE = timedelta(days=1)


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
    }

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail

    def problem(self) -> dict:
        return {"type": ERRORS + self.kind, "title": self.kind, "detail": self.detail}

    def response(self) -> JsonResponse:
        return JsonResponse(
            self.problem(), status=self.status_by_type.get(self.kind, 400), content_type="application/json"
        )


def check_id(value, what: str = "id") -> str:
    if not isinstance(value, str) or ":" not in value or len(value) > 256 or any(c.isspace() for c in value):
        raise NgsiError("BadRequestData", f"{what} must be a URI such as urn:ngsi-ld:WaterLevelSensor:001")
    return value


def check_type(value) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise NgsiError("BadRequestData", "type must be a name such as WaterLevelSensor")
    return value


def observed(value, attr: str) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        raise NgsiError("BadRequestData", f"{attr}.observedAt must be an ISO 8601 date-time with its offset")
    if moment > timezone.now() + MAX_FUTURE:
        raise NgsiError("BadRequestData", f"{attr}.observedAt is more than a day in the future")
    return moment


def normalize_attribute(name: str, value) -> dict:
    """An attribute in normalized form; a bare value (keyValues style) becomes a Property."""
    if not NAME.match(name):
        raise NgsiError("BadRequestData", f"attribute name {name!r} is not valid")
    if not isinstance(value, dict) or "type" not in value:
        value = {"type": "Property", "value": value}
    kind = value.get("type")
    if kind not in ATTRIBUTE_TYPES:
        raise NgsiError("BadRequestData", f"{name}: type must be Property, Relationship or GeoProperty")
    if kind == "Relationship":
        check_id(value.get("object"), f"{name}.object")
    elif "value" not in value:
        raise NgsiError("BadRequestData", f"{name}: a {kind} needs a value")
    if kind == "GeoProperty":
        point(value["value"], name)
    if isinstance(value.get("value"), float) and value["value"] != value["value"]:
        raise NgsiError("BadRequestData", f"{name}: NaN is not a value")
    observed(value.get("observedAt"), name)
    extra = set(value) - {"type", "value", "object", "observedAt", "unitCode", "datasetId"}
    if extra:
        raise NgsiError("BadRequestData", f"{name}: unknown member(s) {', '.join(sorted(extra))}")
    return {k: v for k, v in value.items()}


def point(geometry, name: str = "location") -> tuple[float, float]:
    """(lat, lon) of a GeoJSON Point, checked."""
    try:
        if geometry["type"] != "Point":
            raise NgsiError("BadRequestData", f"{name}: only Point geometries are stored for devices")
        lon, lat = (float(c) for c in geometry["coordinates"])
    except (KeyError, TypeError, ValueError):
        raise NgsiError("BadRequestData", f"{name}: a GeoJSON Point is expected") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise NgsiError("BadRequestData", f"{name}: coordinates out of range")
    return lat, lon


def check_context(body: dict, content_type: str) -> None:
    """application/ld+json carries its @context in the body; application/json must not (it uses a Link header)."""
    if content_type == "application/ld+json" and "@context" not in body:
        raise NgsiError("BadRequestData", "application/ld+json requires an @context member")
    if content_type == "application/json" and "@context" in body:
        raise NgsiError("BadRequestData", "with application/json the @context goes in a Link header, not the body")


def parse_entity(body) -> tuple[str, str, dict, tuple | None]:
    """(id, type, attributes, (lat, lon) or None) from an entity payload."""
    if not isinstance(body, dict):
        raise NgsiError("BadRequestData", "an entity is a JSON object")
    entity_id, kind = check_id(body.get("id")), check_type(body.get("type"))
    attrs, location = {}, None
    for name, value in body.items():
        if name in ("id", "type", "@context", "createdAt", "modifiedAt"):
            continue
        if name == "location":
            value = normalize_attribute(
                name,
                value
                if isinstance(value, dict) and value.get("type") == "GeoProperty"
                else {"type": "GeoProperty", "value": value},
            )
            location = point(value["value"])
        attrs[name] = normalize_attribute(name, value)
    return entity_id, kind, attrs, location


def render(entity, attrs_wanted: set[str] | None = None, key_values: bool = False, with_context: bool = False) -> dict:
    out = {"id": entity.entity_id, "type": entity.type}
    for name, value in entity.attrs.items():
        if attrs_wanted and name not in attrs_wanted:
            continue
        if key_values:
            out[name] = value.get("object") if value.get("type") == "Relationship" else value.get("value")
        else:
            out[name] = value
    if with_context:
        out["@context"] = CORE_CONTEXT
    return out


# --- geo-queries ---------------------------------------------------------------------------------------------


def geo_predicate(rel: str, geometry, coordinates):
    """(bounding box ((lat range), (lon range)) or None, test(entity) -> bool) for near/within/intersects."""
    import math

    from ioc.core.services.geo import distance_m

    if rel.startswith("near"):
        if geometry != "Point":
            raise NgsiError("BadRequestData", "near needs geometry=Point")
        match = re.match(r"^near;(max|min)Distance==(\d+(\.\d+)?)$", rel)
        if not match:
            raise NgsiError("BadRequestData", "georel near needs ;maxDistance==metres or ;minDistance==metres")
        lat, lon = point({"type": "Point", "coordinates": coordinates}, "coordinates")
        distance, within = float(match.group(2)), match.group(1) == "max"
        box = None
        if within:
            dlat = distance / 111_000
            dlon = distance / (111_000 * max(math.cos(math.radians(lat)), 0.01))
            box = ((lat - dlat, lat + dlat), (lon - dlon, lon + dlon))

        def near(entity) -> bool:
            if entity.lat is None:
                return False
            d = distance_m(lat, lon, entity.lat, entity.lon)
            return d <= distance if within else d >= distance

        return box, near
    if rel in ("within", "intersects"):
        from shapely.geometry import Point, shape

        try:
            area = shape({"type": geometry, "coordinates": coordinates})
        except Exception:
            raise NgsiError("BadRequestData", f"{geometry} coordinates are not a valid geometry") from None
        if area.geom_type not in ("Polygon", "MultiPolygon") or not area.is_valid:
            raise NgsiError("BadRequestData", f"{rel} needs a valid Polygon")
        min_x, min_y, max_x, max_y = area.bounds
        return ((min_y, max_y), (min_x, max_x)), lambda e: e.lat is not None and area.intersects(Point(e.lon, e.lat))
    raise NgsiError("BadRequestData", f"georel {rel!r} is not supported (near, within, intersects)")


# --- q ----------------------------------------------------------------------------------------------------

Q_TERM = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)(==|!=|>=|<=|>|<)(.+)$")


@dataclass
class Term:
    attr: str
    op: str
    value: object


def parse_q(text: str) -> list[list[Term]]:
    """`a>1;b==2|c<3` → OR of ANDs: [[a>1, b==2], [c<3]] (`;` binds tighter, as in the spec without brackets)."""
    if len(text) > 1000:
        raise NgsiError("BadRequestData", "q is too long")
    groups = []
    for alternative in text.split("|"):
        terms = []
        for part in alternative.split(";"):
            match = Q_TERM.match(part.strip())
            if not match:
                raise NgsiError("BadRequestData", f"q: cannot read {part!r} (use attr==value, >, <, >=, <=, !=)")
            attr, op, raw = match.groups()
            raw = raw.strip()
            value = _q_value(raw, part)
            terms.append(Term(attr, op, value))
        groups.append(terms)
    return groups


def _q_value(raw: str, part: str):
    """A q value: a quoted string, a number, true/false, a date-time or a URI (as the grammar allows)."""
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return raw[1:-1]
    if raw in ("true", "false"):
        return raw == "true"
    try:
        return float(raw)
    except ValueError:
        pass
    if parse_datetime(raw) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>]+$", raw):
        return raw
    raise NgsiError("BadRequestData", f"q: cannot read the value in {part!r} (quote text values)")


def matches(entity, groups: list[list[Term]]) -> bool:
    def value_of(attr):
        name = attr.split(".")[0]
        item = entity.attrs.get(name)
        if item is None:
            return None
        return item.get("object") if item.get("type") == "Relationship" else item.get("value")

    def test(term: Term) -> bool:
        actual = value_of(term.attr)
        if actual is None:
            return False
        expected = term.value
        if isinstance(expected, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
            actual = float(actual)
        elif not isinstance(expected, type(actual)):
            actual, expected = str(actual), str(expected)
        try:
            return {
                "==": actual == expected,
                "!=": actual != expected,
                ">": actual > expected,
                ">=": actual >= expected,
                "<": actual < expected,
                "<=": actual <= expected,
            }[term.op]
        except TypeError:
            return False

    return any(all(test(t) for t in group) for group in groups)


def edge_error(request, status: int, message: str):
    """The edge's refusals (rate limit, NUL characters, over-deep JSON) as NGSI-LD ProblemDetails."""
    kind = {429: "TooManyRequests", 413: "RequestEntityTooLarge"}.get(status, "BadRequestData")
    return NgsiError(kind, message).response()
