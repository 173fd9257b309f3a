"""Directions (chỉ đạo): a leader instructs units, the units acknowledge and report, the leader accepts or sends back.

Every step is one transaction that checks who may take it, writes a line on the direction's timeline, an audit line,
and notifies the other side once it commits. A direction past its deadline raises an alert in the IOC feed, which
ends by itself when the direction is accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.models import Role, Severity
from ioc.core.permissions import has_role
from ioc.core.services import audit
from ioc.core.services.alerts import ServiceError, check_attachment, raise_alert, resolve_condition
from ioc.core.services.calendar import deadline_after
from ioc.core.services.notify import notify, users_with_roles
from ioc.directions.models import Direction, Event, Target
from ioc.directions.subjects import resolve_subject

ISSUERS = (Role.LEADER, Role.OPERATOR, Role.ADMIN)
OPEN = (Direction.Status.ISSUED, Direction.Status.IN_PROGRESS, Direction.Status.REPORTED)


def _event(direction, user, action, text="", target=None, attachment=None) -> Event:
    return Event.objects.create(
        direction=direction, target=target, actor=user, action=action, text=text, attachment=attachment
    )


def _officers_of(target: Target):
    if target.department_id:
        return users_with_roles(Role.DEPARTMENT_OFFICER, department=target.department)
    return users_with_roles(Role.WARD_OFFICER, unit_ids=[target.ward_id])


def _tell_units(direction: Direction, targets, title: str, body: str = "") -> None:
    for target in targets:
        notify(
            _officers_of(target),
            title=title,
            body=body,
            url=f"/dashboard/directions/{direction.pk}/",
            severity=Severity.MAJOR if direction.priority > 1 else Severity.WARNING,
        )


def _tell_issuer(direction: Direction, title: str, body: str = "") -> None:
    people = [u for u in (direction.issued_by, direction.on_behalf_of) if u is not None]
    notify(people, title=title, body=body, url=f"/dashboard/directions/{direction.pk}/", severity=Severity.WARNING)


def due_from(now: datetime, *, working_days: int | None = None, hours: int | None = None) -> datetime:
    """The deadline: so many working days (end of the office day, core calendar) or so many hours from now."""
    if hours is not None:
        if hours <= 0:
            raise ServiceError(_("The deadline must be in the future"))
        return now + timedelta(hours=hours)
    if working_days is None or working_days < 0:
        raise ServiceError(_("Give the deadline in working days or in hours"))
    return deadline_after(now, working_days)


@transaction.atomic
def issue(
    user,
    *,
    title: str,
    instruction: str,
    lead: list,
    support: list | tuple = (),
    working_days: int | None = None,
    hours: int | None = None,
    priority: int = Direction.Priority.NORMAL,
    subject: str = "",
    on_behalf_of=None,
) -> Direction:
    """A new direction to lead (and supporting) units — departments or wards — about a subject or on its own."""
    if not has_role(user, *ISSUERS):
        raise PermissionDenied(_("Only leaders and the operators acting for them give directions."))
    title, instruction = (title or "").strip(), (instruction or "").strip()
    if not title or not instruction:
        raise ServiceError(_("A direction needs a title and an instruction"))
    if not lead:
        raise ServiceError(_("Choose at least one lead unit"))
    if on_behalf_of is not None and not has_role(on_behalf_of, Role.LEADER):
        raise ServiceError(_("Directions are given on behalf of a leader"))
    found = resolve_subject(subject, user) if subject else None
    now = timezone.now()
    direction = Direction.objects.create(
        title=title[:300],
        instruction=instruction,
        priority=priority,
        due_at=due_from(now, working_days=working_days, hours=hours),
        issued_by=user,
        on_behalf_of=on_behalf_of,
        subject_kind=found.kind if found else "",
        subject_id=found.id if found else "",
        subject_label=found.label[:300] if found else "",
        unit=found.unit if found else None,
    )
    seen = set()
    for role, units in ((Target.Role.LEAD, lead), (Target.Role.SUPPORT, support)):
        for unit in units:
            key = (type(unit).__name__, unit.pk)
            if key in seen:
                continue
            seen.add(key)
            is_department = type(unit).__name__ == "Department"
            Target.objects.create(
                direction=direction,
                role=role,
                department=unit if is_department else None,
                ward=None if is_department else unit,
            )
    local_due = timezone.localtime(direction.due_at)
    _event(
        direction,
        user,
        Event.Action.ISSUED,
        _("Due %(t)s. %(i)s") % {"t": f"{local_due:%H:%M %d/%m/%Y}", "i": instruction},
    )
    _tell_units(direction, direction.targets.all(), _("New direction: %(t)s") % {"t": direction.title}, instruction)
    audit.record(user, "direction.issue", direction, subject=subject, on_behalf_of=on_behalf_of and on_behalf_of.pk)
    return direction


def my_targets(user, direction: Direction) -> list[Target]:
    """The units of this direction the user answers for: their department, or their ward."""
    profile = getattr(user, "profile", None)
    if has_role(user, Role.DEPARTMENT_OFFICER) and profile.department_id:
        return list(direction.targets.filter(department_id=profile.department_id))
    if has_role(user, Role.WARD_OFFICER) and profile.unit_id:
        return list(direction.targets.filter(ward_id=profile.unit_id))
    return []


def _locked_open(direction: Direction) -> Direction:
    direction = Direction.objects.select_for_update().get(pk=direction.pk)
    if direction.status not in OPEN:
        raise ServiceError(_("This direction is closed"))
    return direction


def _require_unit(user, direction) -> list[Target]:
    targets = my_targets(user, direction)
    if not targets:
        raise PermissionDenied(_("This direction is not for your unit."))
    return targets


@transaction.atomic
def acknowledge(user, direction: Direction) -> Direction:
    """The unit has received it: the leader sees who has and who has not."""
    direction = _locked_open(direction)
    targets = _require_unit(user, direction)
    now = timezone.now()
    for target in targets:
        if target.acknowledged_at is None:
            target.acknowledged_at = now
            target.save(update_fields=["acknowledged_at"])
            _event(direction, user, Event.Action.ACKNOWLEDGED, target=target)
    if direction.status == Direction.Status.ISSUED:
        direction.status = Direction.Status.IN_PROGRESS
        direction.save(update_fields=["status"])
    audit.record(user, "direction.acknowledge", direction)
    return direction


@transaction.atomic
def report(user, direction: Direction, text: str, *, upload=None, done: bool = False) -> Direction:
    """Progress, or completion, with text and an optional photo or file. When every lead unit has reported done,
    the direction waits for the leader's acceptance."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write what was done"))
    if upload is not None:
        check_attachment(upload)
    direction = _locked_open(direction)
    targets = _require_unit(user, direction)
    now = timezone.now()
    for target in targets:
        target.acknowledged_at = target.acknowledged_at or now
        if done:
            target.done_at = now
        target.save(update_fields=["acknowledged_at", "done_at"])
    action = Event.Action.DONE if done else Event.Action.PROGRESS
    _event(direction, user, action, text, target=targets[0], attachment=upload)
    leads_done = not direction.targets.filter(role=Target.Role.LEAD, done_at__isnull=True).exists()
    direction.status = Direction.Status.REPORTED if leads_done else Direction.Status.IN_PROGRESS
    direction.save(update_fields=["status"])
    unit = str(targets[0])
    title = (_("Reported done: %(t)s (%(u)s)") if done else _("Progress on: %(t)s (%(u)s)")) % {
        "t": direction.title,
        "u": unit,
    }
    _tell_issuer(direction, title, text)
    audit.record(user, f"direction.{action}", direction, attachment=bool(upload))
    return direction


def _require_issuer(user) -> None:
    if not has_role(user, *ISSUERS):
        raise PermissionDenied(_("Only leaders and the operators acting for them decide on directions."))


@transaction.atomic
def accept(user, direction: Direction, text: str = "") -> Direction:
    """The leader is satisfied: the direction is done (and its overdue alert, if any, ends)."""
    _require_issuer(user)
    direction = _locked_open(direction)
    if direction.status != Direction.Status.REPORTED:
        raise ServiceError(_("The lead units have not reported it done yet"))
    direction.status = Direction.Status.ACCEPTED
    direction.closed_at = timezone.now()
    direction.save(update_fields=["status", "closed_at"])
    _event(direction, user, Event.Action.ACCEPTED, (text or "").strip())
    _tell_units(direction, direction.targets.all(), _("Direction accepted: %(t)s") % {"t": direction.title}, text)
    if direction.escalated_at:
        resolve_condition(kind="directions.overdue", source=f"direction:{direction.pk}", reason=_("Accepted"))
    audit.record(user, "direction.accept", direction)
    return direction


@transaction.atomic
def send_back(user, direction: Direction, reason: str, *, working_days: int | None = None) -> Direction:
    """Not done as directed: back to the units with the reason (and a new deadline if given)."""
    _require_issuer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say what is still to be done"))
    direction = _locked_open(direction)
    direction.targets.update(done_at=None)
    direction.status = Direction.Status.IN_PROGRESS
    fields = ["status"]
    if working_days is not None:
        direction.due_at = due_from(timezone.now(), working_days=working_days)
        direction.escalated_at = None
        fields += ["due_at", "escalated_at"]
    direction.save(update_fields=fields)
    _event(direction, user, Event.Action.RETURNED, reason)
    _tell_units(direction, direction.targets.all(), _("Sent back: %(t)s") % {"t": direction.title}, reason)
    audit.record(user, "direction.return", direction)
    return direction


def escalate_overdue(now: datetime | None = None) -> int:
    """Periodic: a direction past its deadline (once): an alert in the IOC feed, a line on its timeline, the
    issuer told."""
    now = now or timezone.now()
    late = list(Direction.objects.filter(status__in=OPEN, due_at__lt=now, escalated_at__isnull=True))
    for direction in late:
        with transaction.atomic():
            if not Direction.objects.filter(pk=direction.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            units = ", ".join(str(t) for t in direction.targets.all())
            _event(direction, None, Event.Action.ESCALATED, units)
            raise_alert(
                kind="directions.overdue",
                source=f"direction:{direction.pk}",
                title=_("Direction overdue: %(t)s (%(u)s)") % {"t": direction.title, "u": units},
                severity="major" if direction.priority > 1 else "warning",
                unit=direction.unit,
                data={"direction": direction.pk},
            )
            _tell_issuer(direction, _("Direction overdue: %(t)s") % {"t": direction.title}, units)
    return len(late)


def open_attachment(direction: Direction, event_pk: int, user, request=None) -> Event | None:
    """A report's photo or file of a direction the caller sees (None if there is none); each read audited."""
    event = direction.events.exclude(attachment="").filter(pk=event_pk, attachment__isnull=False).first()
    if event is not None:
        audit.record(user, "direction.attachment.read", event, request=request, direction=direction.pk)
    return event
