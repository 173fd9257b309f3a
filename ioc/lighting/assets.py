"""The lighting asset register as one spreadsheet (CSV or XLSX): a row per lamp, with its circuit and cabinet.

Columns: cabinet, cabinet_name, cabinet_lat, cabinet_lon, circuit, circuit_name, road_class, lamp, pole, lat, lon,
kind (led/sodium), rated_w, installed_on, warranty_until, supplier. A re-import updates by code; every refused row
is reported with its line; valid rows are written together, or none when any is refused and `all_or_nothing`.
"""

from __future__ import annotations

import io
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ioc.core.services import audit
from ioc.core.services.geo import in_vietnam, unit_at
from ioc.core.tabular import FileFormatError, SafeCsvWriter, append_safe, rows
from ioc.lighting.models import Cabinet, Circuit, Lamp

COLUMNS = [
    "cabinet",
    "cabinet_name",
    "cabinet_lat",
    "cabinet_lon",
    "circuit",
    "circuit_name",
    "road_class",
    "lamp",
    "pole",
    "lat",
    "lon",
    "kind",
    "rated_w",
    "installed_on",
    "warranty_until",
    "supplier",
]
MAX_ROWS = 50_000


class RowError(ValueError):
    pass


def _text(row, key, required=True, limit=200) -> str:
    value = str(row.get(key) or "").strip()
    if required and not value:
        raise RowError(f"{key} is missing")
    return value[:limit]


def _number(row, key, low, high) -> float:
    try:
        value = float(str(row.get(key)).replace(",", "."))
    except (TypeError, ValueError):
        raise RowError(f"{key} is not a number") from None
    if not low <= value <= high:
        raise RowError(f"{key} {value:g} is outside {low}–{high}")
    return value


def _date(row, key) -> date | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RowError(f"{key} must be a date YYYY-MM-DD") from None


def _place(row, lat_key, lon_key) -> tuple[float, float]:
    lat, lon = _number(row, lat_key, -90, 90), _number(row, lon_key, -180, 180)
    if not in_vietnam(lat, lon):
        raise RowError(f"{lat_key}/{lon_key} is outside Vietnam")
    return lat, lon


def import_assets(source: bytes, filename: str, *, all_or_nothing: bool = False, by=None, request=None) -> dict:
    """Cabinets, circuits and lamps from a CSV/XLSX register, one row per lamp; refused rows listed; audited."""
    parsed, refused, seen = [], [], {}
    try:
        for line, row in rows(source, filename):
            if len(parsed) + len(refused) >= MAX_ROWS:
                refused.append({"line": line, "reason": f"more than {MAX_ROWS} rows"})
                break
            try:
                code = _text(row, "lamp", limit=50)
                if code in seen:
                    raise RowError(f"lamp {code} repeated (first at line {seen[code]})")
                road = _text(row, "road_class", required=False) or "main"
                if road not in Circuit.RoadClass.values:
                    raise RowError("road_class is main, minor or park")
                kind = (_text(row, "kind", required=False) or "led").lower()
                if kind not in Lamp.Kind.values:
                    raise RowError("kind is led or sodium")
                parsed.append(
                    {
                        "cabinet": (
                            _text(row, "cabinet", limit=50),
                            _text(row, "cabinet_name"),
                            *_place(row, "cabinet_lat", "cabinet_lon"),
                        ),
                        "circuit": (_text(row, "circuit", limit=50), _text(row, "circuit_name"), road),
                        "lamp": {
                            "code": code,
                            "pole": _text(row, "pole", required=False, limit=50),
                            **dict(zip(("lat", "lon"), _place(row, "lat", "lon"), strict=True)),
                            "kind": kind,
                            "rated_w": int(_number(row, "rated_w", 1, 2000)),
                            "installed_on": _date(row, "installed_on"),
                            "warranty_until": _date(row, "warranty_until"),
                            "supplier": _text(row, "supplier", required=False),
                        },
                    }
                )
                seen[code] = line
            except RowError as exc:
                refused.append({"line": line, "lamp": str(row.get("lamp") or ""), "reason": str(exc)})
    except FileFormatError as exc:
        return {"created": 0, "updated": 0, "refused": [{"line": 0, "lamp": "", "reason": str(exc)}], "applied": False}
    if refused and all_or_nothing:
        return {"created": 0, "updated": 0, "refused": refused, "applied": False}
    created = updated = 0
    with transaction.atomic():
        cabinets, circuits = {}, {}
        for item in parsed:
            code, name, lat, lon = item["cabinet"]
            if code not in cabinets:
                cabinets[code], _ = Cabinet.objects.update_or_create(
                    code=code, defaults={"name": name, "lat": lat, "lon": lon, "unit": unit_at(lat, lon)}
                )
            code, name, road = item["circuit"]
            if code not in circuits:
                circuits[code], _ = Circuit.objects.update_or_create(
                    code=code, defaults={"name": name, "road_class": road, "cabinet": cabinets[item["cabinet"][0]]}
                )
            lamp = item["lamp"]
            _obj, was_created = Lamp.objects.update_or_create(
                code=lamp["code"],
                defaults={**{k: v for k, v in lamp.items() if k != "code"}, "circuit": circuits[item["circuit"][0]]},
            )
            created += was_created
            updated += not was_created
        if by is not None:
            audit.record(
                by,
                "import",
                object_type="lighting.lamp",
                request=request,
                filename=filename,
                created=created,
                updated=updated,
            )
    return {"created": created, "updated": updated, "refused": refused, "applied": True}


def _export_rows():
    for lamp in Lamp.objects.select_related("circuit__cabinet").order_by("circuit__cabinet__code", "code"):
        circuit, cabinet = lamp.circuit, lamp.circuit.cabinet
        yield [
            cabinet.code,
            cabinet.name,
            cabinet.lat,
            cabinet.lon,
            circuit.code,
            circuit.name,
            circuit.road_class,
            lamp.code,
            lamp.pole,
            lamp.lat,
            lamp.lon,
            lamp.kind,
            lamp.rated_w,
            lamp.installed_on.isoformat() if lamp.installed_on else "",
            lamp.warranty_until.isoformat() if lamp.warranty_until else "",
            lamp.supplier,
        ]


def export_csv() -> bytes:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(COLUMNS)
    writer.writerows(_export_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read Vietnamese correctly


def export_xlsx() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Street lamps"))
    append_safe(sheet, COLUMNS)
    for row in _export_rows():
        append_safe(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
