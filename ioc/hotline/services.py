"""Recording a hotline call: the call is stored and an alert for its topic goes to the IOC feed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.models import Department
from ioc.core.services.alerts import ServiceError, raise_alert
from ioc.core.services.geo import in_vietnam, unit_at
from ioc.hotline.models import Call

# Which department an alert of each topic is routed to, and how severe it is by default.
ROUTING = {
    Call.Topic.FIRE: ("pccc", "critical"),
    Call.Topic.ACCIDENT: ("cong-an", "major"),
    Call.Topic.FLOODING: ("tai-nguyen-moi-truong", "major"),
    Call.Topic.LANDSLIDE: ("tai-nguyen-moi-truong", "critical"),
    Call.Topic.PUBLIC_ORDER: ("cong-an", "warning"),
    Call.Topic.MEDICAL: ("y-te", "major"),
    Call.Topic.INFRASTRUCTURE: ("quan-ly-do-thi", "warning"),
    Call.Topic.ENVIRONMENT: ("tai-nguyen-moi-truong", "info"),
}


@transaction.atomic
def record_call(
    *,
    channel: str,
    topic: str,
    summary: str,
    lat: float,
    lon: float,
    address: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    received_at: datetime | None = None,
    taken_by=None,
) -> Call:
    """Store a call and raise its alert once the call is committed."""
    if channel not in Call.Channel.values:
        raise ServiceError(_("Unknown channel %(c)s") % {"c": channel})
    if topic not in Call.Topic.values:
        raise ServiceError(_("Unknown topic %(t)s") % {"t": topic})
    if not summary.strip():
        raise ServiceError(_("Write what the caller reported"))
    if not in_vietnam(lat, lon):
        raise ServiceError(_("The location is outside Vietnam"))
    received_at = received_at or timezone.now()
    call = Call.objects.create(
        channel=channel,
        topic=topic,
        summary=summary.strip(),
        address=address,
        lat=lat,
        lon=lon,
        unit=unit_at(lat, lon, timezone.localdate(received_at)),
        caller_name=caller_name,
        caller_phone=caller_phone,
        received_at=received_at,
        taken_by=taken_by,
    )
    dept_code, severity = ROUTING[Call.Topic(topic)]
    raise_alert(
        kind=f"hotline.{topic}",
        # One source per place and topic: repeated calls about the same fire fold into one alert.
        source=f"hotline:{topic}:{round(lat, 3)},{round(lon, 3)}",
        title=f"{Call.Topic(topic).label}: {call.summary[:120]}",
        message=f"{call.get_channel_display()} — {call.address or ''} {call.summary}".strip(),
        severity=severity,
        lat=lat,
        lon=lon,
        unit=call.unit,
        department=Department.objects.filter(code=dept_code).first(),
        data={"call_id": call.pk},
        at=received_at,
    )
    return call
