"""Alerts and incidents: the one way any domain raises an alert, and every operator action.

Each action is a transactional service function that checks permission, writes the change and a timeline
line, and queues notifications on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ioc.core.models import Alert, Department, Incident, IncidentEvent, Role, Severity
from ioc.core.permissions import OPERATORS, has_role, require_role
from ioc.core.registry import registry
from ioc.core.services import audit
from ioc.core.services.calendar import deadline_after
from ioc.core.services.geo import in_vietnam, unit_at
from ioc.core.services.grouping import group_key, priority_of, respond_by
from ioc.core.services.notify import notify, users_with_roles

SEVERITY_BY_NAME = {
    "info": Severity.INFO,
    "warning": Severity.WARNING,
    "major": Severity.MAJOR,
    "critical": Severity.CRITICAL,
}
SEVERITY_NAME = {v: k for k, v in SEVERITY_BY_NAME.items()}
REPEATS_KEPT = 20  # an alert keeps its latest repeats for its timeline
# Default deadline in working days when an operator assigns without one, by severity.
DEFAULT_DEADLINE_DAYS = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.WARNING: 3, Severity.INFO: 5}


class ServiceError(ValueError):
    """A business rule refused the action; the message is shown to the user."""


def _severity(value) -> int:
    if isinstance(value, str):
        if value not in SEVERITY_BY_NAME:
            raise ServiceError(_("Unknown severity %(s)s") % {"s": value})
        return SEVERITY_BY_NAME[value]
    if value not in Severity.values:
        raise ServiceError(_("Unknown severity %(s)s") % {"s": value})
    return int(value)


def _validated(kind: str, source: str, title: str, severity, lat, lon) -> int:
    alert_kind = registry.alert_kind(kind)
    if alert_kind is None:
        raise ServiceError(_("Unknown alert kind %(k)s") % {"k": kind})
    if not source or not title:
        raise ServiceError(_("An alert needs a source and a title"))
    if (lat is None) != (lon is None):
        raise ServiceError(_("Give both latitude and longitude, or neither"))
    if lat is not None and not in_vietnam(lat, lon):
        raise ServiceError(_("The location is outside Vietnam"))
    return _severity(severity if severity is not None else alert_kind.severity)


def raise_alert(*, kind: str, source: str, title: str, **fields) -> None:
    """Raise an alert once the caller's transaction commits (immediately outside one).

    Arguments are checked now, so a caller's bad call fails inside its own transaction.
    """
    _validated(kind, source, title, fields.get("severity"), fields.get("lat"), fields.get("lon"))
    transaction.on_commit(lambda: record_alert(kind=kind, source=source, title=title, **fields))


@transaction.atomic
def record_alert(
    *,
    kind: str,
    source: str,
    title: str,
    message: str = "",
    severity=None,
    lat: float | None = None,
    lon: float | None = None,
    unit=None,
    department: Department | None = None,
    data: dict | None = None,
    at: datetime | None = None,
    rollup: str = "",
) -> Alert:
    """Write an alert now, folding it into an open one of the same kind and group inside the fold window.

    `rollup` names what related alerts share (a lighting circuit, a ward's sensors): the first open alert with it
    becomes the parent and later ones hang under it.
    """
    level = _validated(kind, source, title, severity, lat, lon)
    now = at or timezone.now()
    if unit is None and lat is not None:
        unit = unit_at(lat, lon, timezone.localdate(now))
    window = now - timedelta(minutes=settings.IOC["ALERT_FOLD_MINUTES"])
    key = group_key(kind, source, lat, lon)
    existing = (
        Alert.objects.select_for_update()
        .filter(group_key=key, kind=kind, last_seen_at__gte=window)
        .exclude(status=Alert.Status.CLOSED)
        .order_by("-last_seen_at")
        .first()
    )
    if existing:
        existing.count += 1
        existing.last_seen_at = max(now, existing.last_seen_at)
        fields = ["count", "last_seen_at", "severity", "message"]
        if level > existing.severity:
            existing.severity = level
            existing.priority = min(existing.priority, priority_of(kind, level, lat, lon))
            existing.respond_by = min(existing.respond_by or now, respond_by(existing.priority, existing.first_seen_at))
            fields += ["priority", "respond_by"]
        existing.message = message or existing.message
        # The alert's own timeline: the latest repeats with what each said (the count keeps the total).
        repeats = [*existing.data.get("repeats", []), {"at": now.isoformat(), "message": (message or title)[:300]}]
        existing.data = {**existing.data, "repeats": repeats[-REPEATS_KEPT:]}
        existing.save(update_fields=[*fields, "data"])
        if existing.incident_id:
            IncidentEvent.objects.create(
                incident_id=existing.incident_id,
                action=IncidentEvent.Action.ALERT_REPEATED,
                text=_("Repeated (%(n)s times): %(m)s") % {"n": existing.count, "m": message or title},
            )
        return existing
    parent = None
    if rollup:
        parent = (
            Alert.objects.filter(rollup_key=rollup, parent__isnull=True, last_seen_at__gte=window)
            .exclude(status=Alert.Status.CLOSED)
            .order_by("first_seen_at")
            .first()
        )
    priority = priority_of(kind, level, lat, lon)
    alert = Alert.objects.create(
        kind=kind,
        source=source,
        group_key=key,
        rollup_key=rollup,
        parent=parent,
        title=title[:300],
        message=message,
        severity=level,
        priority=priority,
        respond_by=respond_by(priority, now),
        lat=lat,
        lon=lon,
        unit=unit,
        department=department,
        data=data or {},
        first_seen_at=now,
        last_seen_at=now,
    )
    if parent:
        Alert.objects.filter(pk=parent.pk).update(last_seen_at=max(now, parent.last_seen_at))
    if timezone.now() - now < timedelta(hours=1):  # history being imported or backfilled is not news
        from ioc.core.services.digest import notify_alert

        notify_alert(alert)
    return alert


def resolve_condition(*, kind: str, source: str, reason: str) -> None:
    """A domain says the condition behind its alert ended (a reading back under the threshold, a camera back
    online): the open alert of this kind and source is resolved once the caller's transaction commits."""
    _condition_kind(kind)
    transaction.on_commit(lambda: close_by_condition(kind=kind, source=source, reason=reason))


def resolve_ended(*, kind: str, ended, reason) -> int:
    """Resolve every open alert of `kind` whose condition `ended(alert)` says is over (for domains that judge
    their whole state at once, as the lamp-fault job does). `reason` is text or a function of the alert."""
    _condition_kind(kind)
    resolved = 0
    for alert in Alert.objects.filter(kind=kind).exclude(status=Alert.Status.CLOSED).only("pk", "source", "data"):
        if ended(alert):
            text = reason(alert) if callable(reason) else reason
            resolved += close_by_condition(kind=kind, source=alert.source, reason=text)
    return resolved


def _condition_kind(kind: str) -> None:
    alert_kind = registry.alert_kind(kind)
    if alert_kind is None:
        raise ServiceError(_("Unknown alert kind %(k)s") % {"k": kind})
    if alert_kind.clears != "condition":
        raise ServiceError(_("Alerts of kind %(k)s are closed by a person, not by their condition") % {"k": kind})


@transaction.atomic
def close_by_condition(*, kind: str, source: str, reason: str, at: datetime | None = None) -> int:
    """Resolve now the open alerts of this kind and source: closed with the reason, marked as resolved by
    itself, and a line on the timeline of the incident an operator opened for it (the incident stays theirs)."""
    now = at or timezone.now()
    reason = str(reason)[:500]
    alerts = list(
        Alert.objects.select_for_update().filter(kind=kind, source=source).exclude(status=Alert.Status.CLOSED)
    )
    for alert in alerts:
        alert.status = Alert.Status.CLOSED
        alert.closed_at = now
        alert.resolved_by_condition = True
        alert.resolution = reason
        alert.save(update_fields=["status", "closed_at", "resolved_by_condition", "resolution"])
        if alert.incident_id:
            IncidentEvent.objects.create(
                incident_id=alert.incident_id,
                action=IncidentEvent.Action.ALERT_RESOLVED,
                text=_("%(t)s — resolved by itself: %(r)s") % {"t": alert.title, "r": reason},
            )
    return len(alerts)


def sop_for(kind: str) -> list[str]:
    """The checklist for an alert kind: the city's own procedure if set, else the domain's default."""
    from ioc.core.models import OperatingProcedure

    own = OperatingProcedure.objects.filter(kind=kind).first()
    if own:
        return own.step_list()
    alert_kind = registry.alert_kind(kind)
    return [str(step) for step in alert_kind.sop] if alert_kind else []


def _event(incident: Incident, user, action: str, text: str = "", attachment=None) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        text=text,
        attachment=attachment,
    )


def _open_incident(alert: Alert, user) -> Incident:
    incident = Incident.objects.create(
        title=alert.title,
        kind=alert.kind,
        severity=alert.severity,
        unit=alert.unit,
        department=alert.department,
        lat=alert.lat,
        lon=alert.lon,
        created_by=user,
        escalation_level=alert.escalation_level,
    )
    alert.incident = incident
    _event(incident, user, IncidentEvent.Action.CREATED, alert.message or alert.title)
    return incident


@transaction.atomic
def acknowledge_alert(alert: Alert, user) -> Incident:
    """The operator takes the alert: it is acknowledged and an incident opens for it (or is reused)."""
    require_role(user, OPERATORS)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == Alert.Status.CLOSED:
        raise ServiceError(_("This alert is already closed"))
    incident = alert.incident or _open_incident(alert, user)
    if alert.status == Alert.Status.NEW:
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        _event(incident, user, IncidentEvent.Action.ACKNOWLEDGED)
    alert.save()
    audit.record(user, "alert.acknowledge", alert)
    return incident


@transaction.atomic
def assign_incident(
    incident: Incident,
    user,
    *,
    department: Department | None,
    due_at: datetime | None = None,
    working_days: int | None = None,
    note: str = "",
    assignee=None,
) -> Incident:
    """Assign to a department, or a named officer, with a deadline (given, or in working days from the core
    calendar)."""
    require_role(user, OPERATORS)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ServiceError(_("This incident is closed"))
    if working_days is not None and working_days < 0:
        raise ServiceError(_("The deadline must be zero or more working days"))
    now = timezone.now()
    if due_at is None:
        days = working_days if working_days is not None else DEFAULT_DEADLINE_DAYS[incident.severity]
        due_at = deadline_after(now, days)
    elif due_at <= now:
        raise ServiceError(_("The deadline must be in the future"))
    if department is None and assignee is None:
        raise ServiceError(_("Choose a department or an officer"))
    incident.department = department
    incident.assignee = assignee
    incident.due_at = due_at
    incident.status = Incident.Status.ASSIGNED
    incident.save()
    local_due = timezone.localtime(due_at)
    whom = ", ".join(str(x) for x in (department and department.name, assignee and _officer_name(assignee)) if x)
    _event(
        incident,
        user,
        IncidentEvent.Action.ASSIGNED,
        _("To %(d)s, due %(t)s. %(n)s") % {"d": whom, "t": f"{local_due:%H:%M %d/%m/%Y}", "n": note},
    )
    recipients = [assignee] if assignee else users_with_roles(Role.DEPARTMENT_OFFICER, department=department)
    notify(
        recipients,
        title=_("New incident for your department: %(t)s") % {"t": incident.title},
        body=note,
        url=f"/dashboard/incidents/{incident.pk}/",
        severity=incident.severity,
    )
    audit.record(
        user, "incident.assign", incident, department=department and department.code, assignee=assignee and assignee.pk
    )
    return incident


def _officer_name(user) -> str:
    return user.get_full_name() or user.username


def can_work_on(user, incident: Incident) -> bool:
    """Operators on every incident; officers on incidents in their scope."""
    from ioc.core.selectors import visible_incidents

    if has_role(user, *OPERATORS):
        return True
    if has_role(user, Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER):
        return visible_incidents(user).filter(pk=incident.pk).exists()
    return False


def _written(text: str, missing: str) -> str:
    """The text without surrounding blanks; a ServiceError saying `missing` when nothing is written."""
    if not text.strip():
        raise ServiceError(missing)
    return text.strip()


def _require_work(user, incident: Incident) -> None:
    if not can_work_on(user, incident):
        raise PermissionDenied(_("You cannot work on this incident."))


@transaction.atomic
def escalate_incident(incident: Incident, user, reason: str) -> Incident:
    """Raise the incident one level: leaders are notified."""
    require_role(user, {*OPERATORS, Role.LEADER})
    reason = _written(reason, _("Give a reason for the escalation"))
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ServiceError(_("This incident is closed"))
    incident.escalation_level += 1
    incident.save(update_fields=["escalation_level"])
    _event(incident, user, IncidentEvent.Action.ESCALATED, reason)
    notify(
        users_with_roles(Role.LEADER),
        title=_("Escalated: %(t)s") % {"t": incident.title},
        body=reason,
        url=f"/dashboard/incidents/{incident.pk}/",
        severity=max(incident.severity, Severity.MAJOR),
    )
    audit.record(user, "incident.escalate", incident)
    return incident


def open_attachment(incident: Incident, event_pk: int, user, request=None) -> IncidentEvent | None:
    """The event holding an attachment of an incident the caller may see (None if there is none); each read is
    audited."""
    event = incident.events.exclude(attachment="").filter(pk=event_pk, attachment__isnull=False).first()
    if event is None:
        return None
    audit.record(user, "incident.attachment.read", event, request=request, incident=incident.pk)
    return event


@transaction.atomic
def add_note(incident: Incident, user, text: str) -> IncidentEvent:
    _require_work(user, incident)
    return _event(incident, user, IncidentEvent.Action.NOTE, _written(text, _("The note is empty")))


@transaction.atomic
def attach_file(incident: Incident, user, upload, text: str = "") -> IncidentEvent:
    """Attach a photo or document; type and size are checked before anything is stored."""
    _require_work(user, incident)
    check_attachment(upload)
    audit.record(user, "incident.attach", incident, name=upload.name)
    return _event(incident, user, IncidentEvent.Action.ATTACHMENT, text or upload.name, attachment=upload)


def check_attachment(upload) -> str:
    """A photo or document someone attaches: its type from its first bytes (JPEG, PNG, PDF, text), or ServiceError
    when it is too large or of another type — before anything is stored."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ServiceError(_("The file is larger than %(n)s MB") % {"n": settings.MAX_UPLOAD_BYTES // 2**20})
    head = upload.read(8)
    upload.seek(0)
    content_type = _sniff(head, upload.name)
    if content_type not in settings.ATTACHMENT_TYPES:
        raise ServiceError(_("Only JPEG, PNG, PDF and text files can be attached"))
    return content_type


def _sniff(head: bytes, name: str) -> str:
    """The file's type from its first bytes (the client's claimed type is not trusted)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if name.lower().endswith(".txt") and b"\x00" not in head:
        return "text/plain"
    return "application/octet-stream"


@transaction.atomic
def set_sop_step(incident: Incident, user, step: int, done: bool) -> Incident:
    _require_work(user, incident)
    steps = sop_for(incident.kind)
    if not 0 <= step < len(steps):
        raise ServiceError(_("No such checklist step"))
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    ticked = set(incident.sop_done)
    ticked.add(step) if done else ticked.discard(step)
    incident.sop_done = sorted(ticked)
    incident.save(update_fields=["sop_done"])
    _event(incident, user, IncidentEvent.Action.SOP, ("✔ " if done else "✘ ") + steps[step])
    return incident


@transaction.atomic
def close_incident(incident: Incident, user, resolution: str) -> Incident:
    """Close with a resolution; its alerts close with it."""
    _require_work(user, incident)
    resolution = _written(resolution, _("Write how the incident was resolved"))
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ServiceError(_("This incident is already closed"))
    now = timezone.now()
    incident.status = Incident.Status.CLOSED
    incident.resolution = resolution.strip()
    incident.closed_at = now
    incident.save()
    incident.alerts.exclude(status=Alert.Status.CLOSED).update(status=Alert.Status.CLOSED, closed_at=now)
    _event(incident, user, IncidentEvent.Action.CLOSED, incident.resolution)
    audit.record(user, "incident.close", incident)
    return incident


@transaction.atomic
def open_incident_for(alert: Alert, user) -> Incident:
    """The incident of an alert, opened (and the alert acknowledged) if it has none yet."""
    if alert.incident_id:
        return alert.incident
    return acknowledge_alert(alert, user)


def _tell_unacknowledged(users, stale: list[Alert]) -> None:
    """One notification for what went past its clock in this run: the alert itself, or a summary of several (a
    backlog at start-up must not bury the leaders under one line per alert)."""
    if not stale:
        return
    severity = max(max(a.severity for a in stale), Severity.MAJOR)
    if len(stale) == 1:
        alert = stale[0]
        minutes = settings.IOC["RESPOND_MINUTES"][alert.priority]
        title = _("Not acknowledged for %(m)s minutes: %(t)s") % {"m": minutes, "t": alert.title}
        notify(users, title=title, url=f"/dashboard/alerts/{alert.pk}/", severity=severity)
        return
    lines = [f"– P{a.priority} {a.title}" for a in stale[:5]]
    if len(stale) > 5:
        lines.append(_("and %(n)s more") % {"n": len(stale) - 5})
    title = ngettext("%(n)s alert not acknowledged in time", "%(n)s alerts not acknowledged in time", len(stale)) % {
        "n": len(stale)
    }
    notify(users, title=title, body="\n".join(lines), url="/dashboard/?tab=new", severity=severity)


def escalate_overdue(now: datetime | None = None) -> dict:
    """Periodic: escalate alerts nobody acknowledged by their priority's clock (snoozed ones wait), and incidents
    past their deadline (once each)."""
    from django.db.models import Q

    now = now or timezone.now()
    leaders = users_with_roles(Role.LEADER, Role.OPERATOR)
    with transaction.atomic():
        stale = list(
            Alert.objects.select_for_update()
            .filter(
                Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now),
                status=Alert.Status.NEW,
                escalation_level=0,
                respond_by__lte=now,
                severity__gte=Severity.WARNING,
                parent__isnull=True,  # rolled-up children go with their parent
            )
            .order_by("priority", "respond_by")
        )
        Alert.objects.filter(pk__in=[a.pk for a in stale]).update(escalation_level=1, escalated_at=now)
        _tell_unacknowledged(leaders, stale)
        overdue = list(
            Incident.objects.select_for_update().filter(
                due_at__lt=now, escalation_level=0, status=Incident.Status.ASSIGNED
            )
        )
        for incident in overdue:
            incident.escalation_level = 1
            incident.save(update_fields=["escalation_level"])
            _event(incident, None, IncidentEvent.Action.ESCALATED, _("Past its deadline"))
            notify(
                leaders,
                title=_("Overdue: %(t)s") % {"t": incident.title},
                url=f"/dashboard/incidents/{incident.pk}/",
                severity=Severity.MAJOR,
            )
    return {"alerts": len(stale), "incidents": len(overdue)}
