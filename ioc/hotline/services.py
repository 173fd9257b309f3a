"""Recording a hotline call: the call is stored and an alert for its topic goes to the IOC feed."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.permissions import OPERATORS, has_role
from ioc.core.selectors import routed_department
from ioc.core.services import audit
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
    urgent: bool = False,
    as_alert: bool = True,
) -> Call:
    """Store a call and raise its alert once the call is committed (critical when the operator marks it urgent);
    with `as_alert=False` only the call is kept (it became a citizen report instead)."""
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
    if not as_alert:
        return call
    raise_alert(
        kind=f"hotline.{topic}",
        # One source per place and topic: repeated calls about the same fire fold into one alert.
        source=f"hotline:{topic}:{round(lat, 3)},{round(lon, 3)}",
        title=f"{Call.Topic(topic).label}: {call.summary[:120]}",
        message=f"{call.get_channel_display()} — {call.address or ''} {call.summary}".strip(),
        severity="critical" if urgent else SEVERITY[Call.Topic(topic)],
        lat=lat,
        lon=lon,
        unit=call.unit,
        department=routed_department("hotline", topic),
        data={"call_id": call.pk},
        at=received_at,
    )
    return call


@transaction.atomic
def take_call(
    user,
    *,
    channel: str,
    topic: str,
    summary: str,
    lat: float,
    lon: float,
    address: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    urgent: bool = False,
    as_report_category=None,
):
    """An operator takes a call on the intake screen: it is stored, and becomes either an alert for the IOC (an
    emergency) or a citizen report routed like any other (a problem to fix), whose tracking code the operator reads
    to the caller. Returns (call, report or None)."""
    from ioc.feedback.services import submit_report

    if not has_role(user, *OPERATORS):
        raise PermissionDenied(_("Only operators take calls."))
    as_report = as_report_category is not None
    call = record_call(
        channel=channel,
        topic=topic,
        summary=summary,
        lat=lat,
        lon=lon,
        address=address,
        caller_name=caller_name,
        caller_phone=caller_phone,
        taken_by=user,
        urgent=urgent,
        as_alert=not as_report,
    )
    if not as_report:
        audit.record(user, "hotline.call", call, outcome="alert")
        return call, None
    report = submit_report(
        category=as_report_category,
        description=summary,
        lat=lat,
        lon=lon,
        address=address,
        reporter_name=caller_name,
        reporter_phone=caller_phone,
        source="hotline",
        taken_by_staff=True,
    )
    audit.record(user, "hotline.call", call, outcome="report", report=report.tracking_code)
    return call, report
