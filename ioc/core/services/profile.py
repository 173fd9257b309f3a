"""Loading a city profile: one GeoJSON FeatureCollection of administrative units, with the city and its
departments as foreign members. A city loads its own with `ioc load-profile FILE`; loading is idempotent
(units are matched by code + valid_from, departments by code) and all-or-nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from ioc.core.models import AdministrativeUnit, City, Department, Role
from ioc.core.services.geo import in_vietnam

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "profiles" / "laichau" / "profile.geojson"
REQUIRED = ("code", "name", "level")


class ProfileError(ValueError):
    """The profile file is not valid; the message says where."""


def _date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProfileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _names(doc: dict, member: str) -> list[str]:
    names = doc.get(member, [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ProfileError(f"'{member}' must be a list of names")
    return [n.strip() for n in names]


def _routing(doc: dict, department_codes: set) -> dict:
    """`routing`: per domain, case kind → department code; every code must be one of the profile's departments."""
    routing = doc.get("routing", {})
    if not isinstance(routing, dict) or not all(isinstance(t, dict) for t in routing.values()):
        raise ProfileError("'routing' must map each domain to {kind: department code}")
    for domain, table in routing.items():
        for key, code in table.items():
            if code not in department_codes:
                raise ProfileError(f"routing.{domain}.{key}: no department with code {code!r} in the profile")
    return routing


def _sensitive_places(doc: dict) -> list[dict]:
    """`sensitive_places`: schools, hospitals, slopes — [{name, kind, lat, lon, radius_m?}] — alerts near one rank
    higher. Positions must be the real ones (the Lai Châu profile leaves the list for the city to fill in the admin)."""
    places = doc.get("sensitive_places", [])
    if not isinstance(places, list):
        raise ProfileError("'sensitive_places' must be a list")
    for i, place in enumerate(places, start=1):
        ok = (
            isinstance(place, dict)
            and place.get("name")
            and all(isinstance(place.get(k), int | float) for k in ("lat", "lon"))
        )
        if not ok or not in_vietnam(place["lat"], place["lon"]):
            raise ProfileError(f"sensitive_places[{i}]: needs a name and lat, lon inside Vietnam")
    return places


def _demo_accounts(doc: dict, department_codes: set) -> list[dict]:
    accounts = doc.get("demo_accounts", [])
    if not isinstance(accounts, list):
        raise ProfileError("'demo_accounts' must be a list")
    for i, account in enumerate(accounts, start=1):
        where = f"demo_accounts[{i}]"
        if not isinstance(account, dict) or not account.get("username") or account.get("role") not in Role.values:
            raise ProfileError(f"{where}: needs a username and a role ({', '.join(Role.values)})")
        if account.get("department") and account["department"] not in department_codes:
            raise ProfileError(f"{where}: no department with code {account['department']!r} in the profile")
    return accounts


def read_profile(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProfileError(f"cannot read {path}: {exc}") from None
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ProfileError("a profile is a GeoJSON FeatureCollection")
    return doc


@transaction.atomic
def load_profile(path: Path = DEFAULT_PROFILE) -> dict:
    """Create or update the city, departments and units from a profile file; returns counts."""
    doc = read_profile(path)
    city = doc.get("city")
    if not isinstance(city, dict) or not {"name", "code", "center"} <= city.keys():
        raise ProfileError("the profile needs a 'city' member with name, code and center [lat, lon]")
    department_codes = {d.get("code") for d in doc.get("departments", [])}
    City.objects.all().delete()
    City.objects.create(
        name=city["name"],
        code=city["code"],
        center_lat=city["center"][0],
        center_lon=city["center"][1],
        zoom=city.get("zoom", 13),
        attribution=city.get("attribution", ""),
        streets=_names(doc, "streets"),
        places=_names(doc, "places"),
        routing=_routing(doc, department_codes),
        sensitive_places=_sensitive_places(doc),
        demo_accounts=_demo_accounts(doc, department_codes),
    )
    for dept in doc.get("departments", []):
        Department.objects.update_or_create(
            code=dept["code"],
            defaults={
                "name": dept["name"],
                "is_police": dept.get("is_police", False),
                "email": dept.get("email", ""),
            },
        )

    units: dict[tuple[str, date | None], AdministrativeUnit] = {}
    pending_links = []
    for i, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") or {}
        where = f"feature {i} ({props.get('name', '?')})"
        missing = [k for k in REQUIRED if not props.get(k)]
        if missing:
            raise ProfileError(f"{where}: missing {', '.join(missing)}")
        if props["level"] not in AdministrativeUnit.Level.values:
            raise ProfileError(f"{where}: level must be one of {', '.join(AdministrativeUnit.Level.values)}")
        valid_from = _date(props.get("valid_from"), where)
        fields = {
            "name": props["name"],
            "level": props["level"],
            "valid_to": _date(props.get("valid_to"), where),
            "approximate": bool(props.get("approximate")),
            "source": props.get("source", "")[:300],
            "geometry": None,
            "min_lon": None,
            "min_lat": None,
            "max_lon": None,
            "max_lat": None,
            "label_lat": None,
            "label_lon": None,
        }
        if feature.get("geometry"):
            try:
                geom = shape(feature["geometry"])
            except Exception as exc:
                raise ProfileError(f"{where}: bad geometry: {exc}") from None
            if not geom.is_valid:
                raise ProfileError(f"{where}: invalid geometry: {explain_validity(geom)}")
            label = geom.representative_point()
            fields.update(
                geometry=mapping(geom),
                min_lon=geom.bounds[0],
                min_lat=geom.bounds[1],
                max_lon=geom.bounds[2],
                max_lat=geom.bounds[3],
                label_lat=label.y,
                label_lon=label.x,
            )
            fields["geometry"] = json.loads(json.dumps(fields["geometry"]))  # tuples → lists
        unit, _ = AdministrativeUnit.objects.update_or_create(
            code=props["code"], valid_from=valid_from, defaults=fields
        )
        units[(props["code"], valid_from)] = unit
        pending_links.append((unit, props, where))

    def find(code, on, where):
        if not code:
            return None
        matches = [u for (c, _), u in units.items() if c == code and (on is None or u.is_valid_on(on))]
        if not matches:
            raise ProfileError(f"{where}: no unit with code {code!r} valid on {on}")
        return matches[0]

    for unit, props, where in pending_links:
        unit.parent = find(props.get("parent_code"), unit.valid_from or unit.valid_to, where)
        after = unit.valid_to and date.fromordinal(unit.valid_to.toordinal() + 1)
        unit.successor = find(props.get("successor_code"), after, where)
        unit.save(update_fields=["parent", "successor"])
    return {"units": len(units), "departments": len(doc.get("departments", []))}
