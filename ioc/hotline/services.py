"""Recording a hotline call: the call is stored and an alert for its topic goes to the IOC feed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.selectors import routed_department
from ioc.core.services.alerts import ServiceError, raise_alert
from ioc.core.services.geo import in_vietnam, unit_at
from ioc.hotline.models import Call

# How severe an alert of each topic is by default. Which department it goes to is the city's choice:
# `routing.hotline` in the city profile.
SEVERITY = {
    Call.Topic.FIRE: "critical",
    Call.Topic.ACCIDENT: "major",
    Call.Topic.FLOODING: "major",
    Call.Topic.LANDSLIDE: "critical",
    Call.Topic.PUBLIC_ORDER: "warning",
    Call.Topic.MEDICAL: "major",
    Call.Topic.INFRASTRUCTURE: "warning",
    Call.Topic.ENVIRONMENT: "info",
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
    raise_alert(
        kind=f"hotline.{topic}",
        # One source per place and topic: repeated calls about the same fire fold into one alert.
        source=f"hotline:{topic}:{round(lat, 3)},{round(lon, 3)}",
        title=f"{Call.Topic(topic).label}: {call.summary[:120]}",
        message=f"{call.get_channel_display()} — {call.address or ''} {call.summary}".strip(),
        severity=SEVERITY[Call.Topic(topic)],
        lat=lat,
        lon=lon,
        unit=call.unit,
        department=routed_department("hotline", topic),
        data={"call_id": call.pk},
        at=received_at,
    )
    return call
