"""Reading calls, with the caller's identity hidden from roles that need not see it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ioc.core.models import Role
from ioc.core.permissions import OPERATORS, apply_scope, has_role
from ioc.core.selectors import keys_routed_to
from ioc.core.services import audit
from ioc.hotline.models import Call


def visible_calls(user, filters=None):
    """City-wide roles see every call; ward officers their unit's; department officers the topics routed to them."""
    if has_role(user, Role.DEPARTMENT_OFFICER):
        code = user.profile.department.code if user.profile.department else None
        qs = Call.objects.filter(topic__in=keys_routed_to("hotline", code))
    else:
        qs = apply_scope(Call.objects.all(), user)
    if filters and filters.unit:
        from ioc.core.models import AdministrativeUnit
        from ioc.core.services.geo import units_rolling_up_to

        unit = AdministrativeUnit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs.none()
    if filters and filters.since:
        qs = qs.filter(received_at__gte=filters.since)
    return qs.select_related("unit")


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-3:] if len(phone) >= 7 else "****"


def call_dict(call: Call, user, request=None) -> dict:
    """A call as the user may see it: operators get the caller (and the read is audited), others a mask."""
    show_caller = has_role(user, *OPERATORS)
    if show_caller and (call.caller_name or call.caller_phone):
        audit.record(user, "personal_data.read", call, request=request, fields=["caller_name", "caller_phone"])
    return {
        "id": call.pk,
        "received_at": call.received_at,
        "channel": call.channel,
        "topic": call.topic,
        "summary": call.summary,
        "address": call.address,
        "lat": call.lat,
        "lon": call.lon,
        "unit": call.unit.name if call.unit else None,
        "caller_name": call.caller_name if show_caller else ("***" if call.caller_name else ""),
        "caller_phone": call.caller_phone
        if show_caller
        else mask_phone(call.caller_phone)
        if call.caller_phone
        else "",
    }


def calls_geojson(user, filters) -> dict:
    """Calls of the last 24 hours (or the filter's period) as points, without any personal data."""
    since = filters.since if filters and filters.since else timezone.now() - timedelta(hours=24)
    rows = (
        visible_calls(user, filters)
        .filter(received_at__gte=since)
        .values_list("pk", "lon", "lat", "topic", "summary", "received_at")[:5000]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "title": f"{Call.Topic(topic).label}: {summary[:80]}",
                    "topic": topic,
                    "time": at.isoformat(),
                },
            }
            for pk, lon, lat, topic, summary, at in rows
        ],
    }


def calls_today(user, unit=None) -> int:
    from ioc.core.selectors import Filters

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return visible_calls(user, Filters(unit=unit and unit.pk, since=start)).count()


def caller_history(phone: str, user, request=None) -> dict:
    """What the city already has from this phone number — earlier calls and citizen reports — for the operator
    taking the call (only operators; each lookup audited: it reads personal data)."""
    from ioc.feedback.selectors import reports_by_phone

    if not has_role(user, *OPERATORS) or len(phone) < 9:
        return {"calls": [], "reports": []}
    audit.record(user, "hotline.caller_lookup", object_type="hotline.call", request=request, phone=mask_phone(phone))
    calls = Call.objects.filter(caller_phone=phone).order_by("-received_at")[:10]
    return {"calls": list(calls), "reports": list(reports_by_phone(phone))}
