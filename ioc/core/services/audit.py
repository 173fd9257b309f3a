"""The audit log: who created, changed, exported or read personal data."""

from __future__ import annotations

from django.db import transaction

from ioc.core.models import AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    from ioc.core.middleware import client_address

    address = client_address(None, request)
    return None if address == "unknown" else address


def record_export(user, object_type: str, *, request=None, **detail) -> AuditLog:
    """An export of data (CSV, XLSX, PDF) leaves the system: who took what, with which filters."""
    return record(user, "export", object_type=object_type, request=request, **detail)


def delete_recorded(user, action: str, obj, *, request=None, **detail) -> None:
    """Delete a row and write who deleted it, in one transaction (the line keeps the row's id)."""
    with transaction.atomic():
        record(user, action, obj, request=request, **detail)
        obj.delete()


def record(user, action: str, obj=None, *, request=None, object_type: str = "", object_id="", **detail) -> AuditLog:
    """Write one audit line. `obj` fills the object type and id when given."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    return AuditLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
        ip=client_ip(request),
    )
