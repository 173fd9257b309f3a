"""NGSI-LD queries (ETSI GS CIM 009 clause 4.9 and 4.10): the `q` language and geo-queries.

`q` is parsed into a tree (`;` AND binds tighter than `|` OR, parentheses group) and evaluated with typed
semantics: a number compares with numbers, a string with strings, a date-time with date-times; a comparison between
different types is false (never a string comparison, which made `name>5` match every entity). Attribute paths reach
sub-attributes (`a.b`), members (`a.observedAt`) and the inside of a value (`a[b.c]`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from ioc.sensors import jsonld
from ioc.sensors.jsonld import Context
from ioc.sensors.ngsild import MAIN_MEMBER, bad, default_instance, id_pattern, instances, point

OPERATORS = ("==", "!=", ">=", "<=", "~=", "!~=", ">", "<")
MEMBERS = {"observedAt", "createdAt", "modifiedAt", "unitCode", "datasetId", "type", "lang"}
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>]+$")
DATE_OR_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)$")
ATTRIBUTE = re.compile(r"[^\s=!<>~;|()\"\[\]]+(\[[^\]]+\])?")


@dataclass
class Term:
    path: list[str]  # storage keys: attribute, then sub-attributes or members
    inner: list[str]  # keys inside a compound value
    op: str | None  # None: the attribute exists
    values: list  # any of these (a value list), or a (low, high) range
    is_range: bool = False


@dataclass
class Node:
    op: str  # "and" / "or"
    children: list


class _Parser:
    def __init__(self, text: str, ctx: Context):
        self.text, self.pos, self.ctx = text, 0, ctx

    def parse(self):
        node = self.expression()
        if self.pos != len(self.text):
            raise bad(f"q: unexpected {self.text[self.pos :][:20]!r}")
        return node

    def expression(self):  # or-separated
        children = [self.conjunction()]
        while self.peek("|"):
            self.pos += 1
            children.append(self.conjunction())
        return children[0] if len(children) == 1 else Node("or", children)

    def conjunction(self):
        children = [self.operand()]
        while self.peek(";"):
            self.pos += 1
            children.append(self.operand())
        return children[0] if len(children) == 1 else Node("and", children)

    def operand(self):
        if self.peek("("):
            self.pos += 1
            node = self.expression()
            if not self.peek(")"):
                raise bad("q: a parenthesis is not closed")
            self.pos += 1
            return node
        return self.term()

    def peek(self, char: str) -> bool:
        return self.text.startswith(char, self.pos)

    def term(self) -> Term:
        match = ATTRIBUTE.match(self.text, self.pos)
        if not match:
            raise bad(f"q: expected an attribute at {self.text[self.pos :][:20]!r}")
        self.pos = match.end()
        raw = match.group(0)
        name, _, inner = raw.partition("[")
        parts = name.split(".")
        path = [jsonld.to_storage(parts[0], self.ctx)] + [
            p if p in MEMBERS else jsonld.to_storage(p, self.ctx) for p in parts[1:]
        ]
        inner_path = inner.rstrip("]").split(".") if inner else []
        op = next((o for o in sorted(OPERATORS, key=len, reverse=True) if self.text.startswith(o, self.pos)), None)
        if op is None:
            return Term(path, inner_path, None, [])
        self.pos += len(op)
        raw_value = self.value_text()
        if op in ("~=", "!~="):
            try:
                return Term(path, inner_path, op, [id_pattern(_unquote(raw_value))])
            except ValueError:
                raise bad("q: the pattern is not a valid regular expression") from None
        if op in ("==", "!=") and ".." in raw_value and not raw_value.startswith('"'):
            low, high = raw_value.split("..", 1)
            return Term(path, inner_path, op, [_value(low), _value(high)], is_range=True)
        values = [_value(v) for v in _split_list(raw_value)] if op in ("==", "!=") else [_value(raw_value)]
        return Term(path, inner_path, op, values)

    def value_text(self) -> str:
        start, quoted = self.pos, False
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == '"':
                quoted = not quoted
            elif not quoted and char in ";|)":
                break
            self.pos += 1
        if quoted:
            raise bad("q: a quoted value is not closed")
        if self.pos == start:
            raise bad("q: a comparison needs a value")
        return self.text[start : self.pos]


def _split_list(raw: str) -> list[str]:
    items, current, quoted = [], "", False
    for char in raw:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += char
    return items + [current]


def _unquote(raw: str) -> str:
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw


def _value(raw: str):
    """A q value: a quoted string, a number, true/false, a date-time, or a bare URI/term (as the grammar allows)."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1]
    if raw in ("true", "false"):
        return raw == "true"
    try:
        number = float(raw)
    except ValueError:
        pass
    else:
        if math.isfinite(number):
            return number
    if parse_datetime(raw) or DATE_OR_TIME.match(raw) or URI.match(raw):
        return raw
    raise bad(f"q: cannot read the value {raw!r} (quote text values)")


def parse_q(text: str, ctx: Context | None = None):
    if len(text) > 2000:
        raise bad("q is too long")
    return _Parser(text.strip(), ctx or jsonld.core()).parse()


# --- evaluation ----------------------------------------------------------------------------------------------------


def _targets(entity, term: Term) -> list:
    """The values a term's path reaches on an entity (several for multi-attributes and arrays)."""
    attribute = entity.attrs.get(term.path[0])
    if attribute is None:
        return []
    found = []
    for node in instances(attribute):
        for step in term.path[1:]:
            node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                break
        if node is None:
            continue
        if isinstance(node, dict) and node.get("type") in MAIN_MEMBER:
            kind = node["type"]
            node = node.get(MAIN_MEMBER[kind])
            if kind == "LanguageProperty" and isinstance(node, dict) and not term.inner:
                node = list(node.values())  # any language's text
        for step in term.inner:
            node = node.get(step) if isinstance(node, dict) else None
        if node is not None:
            found.extend(node if isinstance(node, list) else [node])
    return found


def _comparable(actual, expected):
    """(actual, expected) of one type, or None when they cannot be compared."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return (actual, expected) if isinstance(actual, bool) and isinstance(expected, bool) else None
    if isinstance(expected, float):
        return (float(actual), expected) if isinstance(actual, int | float) else None
    if isinstance(expected, str) and isinstance(actual, str):
        when_actual, when_expected = parse_datetime(actual), parse_datetime(expected)
        if when_actual and when_expected and bool(when_actual.tzinfo) == bool(when_expected.tzinfo):
            return when_actual, when_expected
        return actual, expected
    return None


def _test(term: Term, actual) -> bool:
    if term.op in ("~=", "!~="):
        found = isinstance(actual, str) and term.values[0].search(actual) is not None
        return found if term.op == "~=" else not found
    if term.is_range:
        low, high = _comparable(actual, term.values[0]), _comparable(actual, term.values[1])
        inside = bool(low and high and low[1] <= low[0] <= high[1])
        return inside if term.op == "==" else not inside
    if term.op in ("==", "!="):
        equal = any((pair := _comparable(actual, v)) and pair[0] == pair[1] for v in term.values)
        return equal if term.op == "==" else not equal
    pair = _comparable(actual, term.values[0])
    if pair is None:
        return False
    try:
        return {">": pair[0] > pair[1], ">=": pair[0] >= pair[1], "<": pair[0] < pair[1], "<=": pair[0] <= pair[1]}[
            term.op
        ]
    except TypeError:
        return False


def matches(entity, node) -> bool:
    if isinstance(node, Node):
        results = (matches(entity, child) for child in node.children)
        return all(results) if node.op == "and" else any(results)
    targets = _targets(entity, node)
    if node.op is None:
        return bool(targets)
    if node.op == "!=" and not targets:
        return False
    if node.op in ("!=", "!~="):
        return bool(targets) and all(_test(node, t) for t in targets)
    return any(_test(node, t) for t in targets)


# --- geo-queries ---------------------------------------------------------------------------------------------------

GEORELS = ("near", "within", "contains", "intersects", "equals", "disjoint", "overlaps")


def _metres_shape(geometry, origin_lat: float):
    """The geometry in metres (equirectangular around the query's latitude: accurate to a city's scale)."""
    import numpy
    import shapely

    scale = numpy.array([111_320 * max(math.cos(math.radians(origin_lat)), 0.01), 110_540])
    return shapely.transform(geometry, lambda coordinates: coordinates * scale)


def geo_predicate(rel: str, geometry, coordinates, geoproperty: str = "location"):
    """(bounding box ((lat range), (lon range)) or None, test(entity) -> bool) for a georel on `geoproperty`."""
    from shapely.geometry import shape

    if not isinstance(rel, str) or rel.split(";")[0] not in GEORELS:
        raise bad(f"georel {rel!r} is not one of {', '.join(GEORELS)}")
    if geometry not in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        raise bad("geometry must be a GeoJSON geometry type such as Point or Polygon")
    try:
        import shapely

        area = shape({"type": geometry, "coordinates": coordinates})
        if area.is_empty:
            raise ValueError
        drawn = area  # equals compares with the geometry as given (a stored shape is not repaired either)
        # A self-touching polygon (clients draw them) is repaired rather than refused.
        area = area if area.is_valid else shapely.make_valid(area)
    except Exception:
        raise bad(f"the {geometry} coordinates are not a valid geometry") from None
    kind = rel.split(";")[0]
    shape_of = _entity_shape(geoproperty)
    if kind == "near":
        match = re.match(r"^near;(max|min)Distance==(\d+(\.\d+)?)$", rel)
        if not match:
            raise bad("georel near needs ;maxDistance==metres or ;minDistance==metres")
        distance, within = float(match.group(2)), match.group(1) == "max"
        origin = area.centroid
        target = _metres_shape(area, origin.y)
        box = None
        if within and geometry == "Point" and geoproperty == "location":
            lat, lon = point({"type": "Point", "coordinates": coordinates}, "coordinates")
            dlat = distance / 111_000
            dlon = distance / (111_000 * max(math.cos(math.radians(lat)), 0.01))
            box = ((lat - dlat, lat + dlat), (lon - dlon, lon + dlon))

        from ioc.core.services.geo import distance_m

        point_query = geometry == "Point" and geoproperty == "location"

        def near(entity) -> bool:
            if point_query and entity.lat is not None:  # point to point (the common case): no shapes built
                d = distance_m(origin.y, origin.x, entity.lat, entity.lon)
                return d <= distance if within else d >= distance
            found = shape_of(entity)
            if found is None:
                return False
            d = _metres_shape(found, origin.y).distance(target)
            return d <= distance if within else d >= distance

        return box, near
    test = {
        "within": lambda g: g.within(area),
        "contains": lambda g: g.contains(area),
        "intersects": lambda g: g.intersects(area),
        "equals": lambda g: g.equals(drawn) or g.equals(area),
        "disjoint": lambda g: g.disjoint(area),
        "overlaps": lambda g: g.overlaps(area),
    }[kind]
    min_x, min_y, max_x, max_y = area.bounds
    box = ((min_y, max_y), (min_x, max_x)) if kind in ("within", "intersects", "equals") else None
    return (box if geoproperty == "location" else None), lambda e: (g := shape_of(e)) is not None and test(g)


def _entity_shape(geoproperty: str):
    from shapely.geometry import Point, shape

    def shape_of(entity):
        item = default_instance(entity.attrs.get(geoproperty))
        if not item or item.get("type") != "GeoProperty":
            return None
        value = item.get("value") or {}
        if value.get("type") == "Point" and geoproperty == "location" and entity.lat is not None:
            return Point(entity.lon, entity.lat)
        try:
            return shape(value)
        except Exception:
            return None

    return shape_of


# --- orderBy -------------------------------------------------------------------------------------------------------


def parse_order(text: str, ctx: Context | None = None) -> list[tuple[list[str], bool]]:
    """`orderBy=name;desc,floors` → [(path, descending)]: id, type, createdAt, modifiedAt, attributes and their
    sub-attributes or members (`name.observedAt`)."""
    ctx = ctx or jsonld.core()
    keys = []
    for part in text.split(","):
        name, _, direction = part.strip().partition(";")
        if not name or direction not in ("", "asc", "desc") or ngsild_forbidden(name):
            raise bad(f"orderBy: cannot read {part!r} (attribute[;asc|;desc], comma-separated)")
        steps = name.split(".")
        if steps[0] in ("id", "type", "createdAt", "modifiedAt") and len(steps) == 1:
            path = steps
        else:
            path = [jsonld.to_storage(steps[0], ctx)] + [
                s if s in MEMBERS else jsonld.to_storage(s, ctx) for s in steps[1:]
            ]
        keys.append((path, direction == "desc"))
    return keys


def ngsild_forbidden(name: str) -> bool:
    return any(c in name for c in "<>\"'=()[]{} ")


def _order_value(entity, path: list[str]):
    if path == ["id"]:
        return entity.entity_id
    if path == ["type"]:
        return entity.type
    if path in (["createdAt"], ["modifiedAt"]):
        return getattr(entity, "created_at" if path == ["createdAt"] else "modified_at").isoformat()
    found = _targets(entity, Term(path, [], None, []))
    return found[0] if found else None


def _rank(value):
    """Values of different types sort by type first (numbers, texts, booleans, others), missing ones last."""
    if value is None:
        return (4, "")
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (3, str(value))


def order(entities: list, keys: list[tuple[list[str], bool]]) -> list:
    for path, descending in reversed(keys):  # stable sorts, last key first
        present = [e for e in entities if _order_value(e, path) is not None]
        missing = [e for e in entities if _order_value(e, path) is None]
        present.sort(key=lambda e: _rank(_order_value(e, path)), reverse=descending)
        entities = present + missing
    return entities


# --- type and scope expressions ------------------------------------------------------------------------------------


def parse_types(text: str, ctx: Context | None = None) -> list[set[str]]:
    """`A,B` or `A|B` (either), `A;B` (both), parentheses grouping one level: an OR of AND-sets of stored types."""
    ctx = ctx or jsonld.core()
    groups = []
    text = text.replace(" ", "")
    while text.startswith("(") and text.endswith(")") and _wraps(text):  # (A|B) is A|B
        text = text[1:-1]
    for alternative in re.split(r"[|,](?![^()]*\))", text):
        alternative = alternative.strip("()")
        names = [n for n in re.split(r"[;]", alternative) if n]
        if not names or any(ngsild_forbidden(n.strip("()")) for n in names):
            raise bad(f"type: cannot read {text!r}")
        if any("|" in n or "," in n for n in names):  # (A|B);C: distribute
            raise bad("type: nested expressions are not supported")
        groups.append({jsonld.to_storage(n.strip("()"), ctx) for n in names})
    return groups


def _wraps(text: str) -> bool:
    """Whether the first parenthesis of `text` closes at its last character."""
    depth = 0
    for i, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def types_match(entity_types, groups: list[set[str]]) -> bool:
    have = set(entity_types)
    return any(group <= have for group in groups)


def scope_match(scopes, expression: str) -> bool:
    """scopeQ: `/a/b` (exactly), `/a/+` (one level below), `/a/#` (the scope and all below), `/#` (any scope);
    `,` or `|` either, `;` both."""

    def one(pattern: str) -> bool:
        if pattern == "/#":
            return bool(scopes)
        if pattern.endswith("/#"):
            base = pattern[:-2]
            return any(s == base or s.startswith(base + "/") for s in scopes)
        if "+" in pattern:
            regex = re.compile("^" + re.escape(pattern).replace("\\+", "[^/]+") + "$")
            return any(regex.match(s) for s in scopes)
        return pattern in scopes

    return any(all(one(p) for p in alternative.split(";")) for alternative in re.split(r"[,|]", expression))
