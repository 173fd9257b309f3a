"""Bulk device registration from CSV/XLSX (columns: id, type, lat, lon, name, expected_interval_s, department).

Rows go through the same NGSI-LD write path as the API (upsert: a re-import updates); each refused row is reported
with its line number and reason, and the valid ones are written in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ioc.core.models import Department
from ioc.core.tabular import FileFormatError, rows
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError, check_id, check_type, point
from ioc.sensors.services import write_entities

MAX_ROWS = 20_000


def import_devices(source: bytes, filename: str, *, by=None, request=None) -> dict:
    """Devices from a CSV/XLSX register, one row each; refused rows listed; audited when a person imports."""
    departments = {d.code: d for d in Department.objects.all()}
    bodies, extras, refused, seen = [], {}, [], {}
    try:
        for line, row in rows(source, filename):
            if len(bodies) + len(refused) >= MAX_ROWS:
                refused.append({"line": line, "reason": _("more than %(n)s rows") % {"n": MAX_ROWS}})
                break
            try:
                entity_id = check_id(str(row.get("id") or "").strip())
                kind = check_type(str(row.get("type") or "").strip())
                if entity_id in seen:
                    raise NgsiError("BadRequestData", _("id repeated (first at line %(l)s)") % {"l": seen[entity_id]})
                lat, lon = point({"type": "Point", "coordinates": [row.get("lon"), row.get("lat")]}, "lat/lon")
                interval = str(row.get("expected_interval_s") or "").strip()
                if interval and (not interval.isdigit() or not 10 <= int(interval) <= 86400 * 7):
                    raise NgsiError("BadRequestData", _("expected_interval_s must be 10 to 604800 seconds"))
                department = str(row.get("department") or "").strip()
                if department and department not in departments:
                    raise NgsiError("BadRequestData", _("unknown department %(d)s") % {"d": department})
            except NgsiError as exc:
                refused.append({"line": line, "id": str(row.get("id") or ""), "reason": exc.detail})
                continue
            seen[entity_id] = line
            body = {"id": entity_id, "type": kind, "location": {"type": "Point", "coordinates": [lon, lat]}}
            if name := str(row.get("name") or "").strip():
                body["name"] = {"type": "Property", "value": name[:200]}
            bodies.append(body)
            extras[entity_id] = (int(interval) if interval else None, departments.get(department))
    except FileFormatError as exc:
        return {"created": 0, "updated": 0, "refused": [{"line": 0, "id": "", "reason": str(exc)}]}
    with transaction.atomic():
        written, errors, created = write_entities(bodies, "upsert")
        for entity in Entity.objects.filter(entity_id__in=written):
            interval, department = extras[entity.entity_id]
            entity.expected_interval_s, entity.department = interval, department
            entity.save(update_fields=["expected_interval_s", "department"])
    refused += [
        {"line": seen.get(e["entityId"], 0), "id": e["entityId"], "reason": e["error"]["detail"]} for e in errors
    ]
    result = {"created": len(created), "updated": len(written) - len(created), "refused": refused}
    if by is not None:
        from ioc.core.services import audit

        audit.record(
            by,
            "import",
            object_type="sensors.entity",
            request=request,
            filename=filename,
            created=result["created"],
            updated=result["updated"],
        )
    return result
