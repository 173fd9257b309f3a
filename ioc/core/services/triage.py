"""Triage from the feed: what the duty officer does to many alerts at once without opening each one.

Acknowledge, assign to a department or a named officer, snooze with a reason, merge into one incident, dismiss as
noise with a reason. Each call is one transaction (all the chosen alerts or none), acts on an alert's rolled-up
children with it, skips alerts already closed (and says so), and writes one audit line per alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.models import Alert, Department, Incident, IncidentEvent, Role
from ioc.core.permissions import OPERATORS, require_role
from ioc.core.services import audit
from ioc.core.services.alerts import ServiceError, _event, _open_incident, assign_incident
from ioc.core.services.grouping import respond_by

SNOOZE_MINUTES = (15, 30, 60, 120, 240, 480)
MAX_AT_ONCE = 200


@dataclass
class Outcome:
    """What a triage call did: alerts changed, and the titles of those it left as they were (already closed)."""

    done: int = 0
    skipped: list[str] = field(default_factory=list)
    incident: Incident | None = None


def _chosen(user, alert_ids) -> tuple[list[Alert], list[str]]:
    """The chosen alerts (locked) with their rolled-up children; closed ones are returned apart by title."""
    require_role(user, OPERATORS)
    ids = {int(pk) for pk in alert_ids}
    if not ids:
        raise ServiceError(_("Choose at least one alert"))
    if len(ids) > MAX_AT_ONCE:
        raise ServiceError(_("Choose at most %(n)s alerts at once") % {"n": MAX_AT_ONCE})
    rows = list(
        Alert.objects.select_for_update(of=("self",))
        .filter(Q(pk__in=ids) | Q(parent_id__in=ids))
        .select_related("incident")
    )
    if not any(a.pk in ids for a in rows):
        raise ServiceError(_("None of the chosen alerts exists"))
    open_rows = [a for a in rows if a.status != Alert.Status.CLOSED]
    skipped = [a.title for a in rows if a.status == Alert.Status.CLOSED and a.pk in ids]
    return open_rows, skipped


def _acknowledged(alert: Alert, user, now) -> None:
    if alert.status == Alert.Status.NEW:
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = user
    alert.snoozed_until = None


@transaction.atomic
def acknowledge(user, alert_ids) -> Outcome:
    """The officer has seen them: acknowledged (the clock stops); no incident is opened for each."""
    alerts, skipped = _chosen(user, alert_ids)
    now = timezone.now()
    for alert in alerts:
        was_new = alert.status == Alert.Status.NEW
        _acknowledged(alert, user, now)
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "snoozed_until"])
        if was_new and alert.incident_id:
            _event(alert.incident, user, IncidentEvent.Action.ACKNOWLEDGED)
        audit.record(user, "alert.acknowledge", alert, bulk=True)
    return Outcome(done=len(alerts), skipped=skipped)


@transaction.atomic
def snooze(user, alert_ids, minutes: int, reason: str) -> Outcome:
    """Out of the feed until then, with a reason; the acknowledgement clock starts again when it comes back."""
    if minutes not in SNOOZE_MINUTES:
        raise ServiceError(_("Snooze for one of: %(m)s minutes") % {"m": ", ".join(map(str, SNOOZE_MINUTES))})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the alerts are snoozed"))
    alerts, skipped = _chosen(user, alert_ids)
    until = timezone.now() + timedelta(minutes=minutes)
    for alert in alerts:
        alert.snoozed_until = until
        alert.snooze_reason = reason[:300]
        alert.respond_by = respond_by(alert.priority, until)
        alert.save(update_fields=["snoozed_until", "snooze_reason", "respond_by"])
        audit.record(user, "alert.snooze", alert, minutes=minutes, reason=reason[:300])
    return Outcome(done=len(alerts), skipped=skipped)


@transaction.atomic
def dismiss(user, alert_ids, reason: str) -> Outcome:
    """Noise (a sensor being serviced, a false detection): closed with the reason and who judged it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the alerts are noise"))
    alerts, skipped = _chosen(user, alert_ids)
    now = timezone.now()
    for alert in alerts:
        alert.status = Alert.Status.CLOSED
        alert.closed_at = now
        alert.closed_by = user
        alert.dismissed = True
        alert.resolution = reason[:500]
        alert.save(update_fields=["status", "closed_at", "closed_by", "dismissed", "resolution"])
        if alert.incident_id:
            _event(
                alert.incident, user, IncidentEvent.Action.NOTE, _("Alert dismissed as noise: %(r)s") % {"r": reason}
            )
        audit.record(user, "alert.dismiss", alert, reason=reason[:500])
    return Outcome(done=len(alerts), skipped=skipped)


@transaction.atomic
def merge(user, alert_ids, incident: Incident | None = None) -> Outcome:
    """One incident for them all: the given open incident, else the one a chosen alert already has, else a new one
    opened from the most severe. Every alert is acknowledged and its line goes on the incident's timeline."""
    alerts, skipped = _chosen(user, alert_ids)
    if not alerts:
        return Outcome(skipped=skipped)
    if incident is not None and incident.status == Incident.Status.CLOSED:
        raise ServiceError(_("This incident is closed"))
    alerts.sort(key=lambda a: (a.priority, -a.severity, a.first_seen_at))
    incident = incident or next((a.incident for a in alerts if a.incident_id), None)
    if incident is None:
        incident = _open_incident(alerts[0], user)
    now = timezone.now()
    for alert in alerts:
        _acknowledged(alert, user, now)
        joined = alert.incident_id != incident.pk
        alert.incident = incident
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "snoozed_until", "incident"])
        if joined:
            _event(incident, user, IncidentEvent.Action.NOTE, _("Alert merged in: %(t)s") % {"t": alert.title})
        audit.record(user, "alert.merge", alert, incident=incident.pk)
    if max(a.severity for a in alerts) > incident.severity:
        Incident.objects.filter(pk=incident.pk).update(severity=max(a.severity for a in alerts))
    return Outcome(done=len(alerts), skipped=skipped, incident=incident)


def officers():
    """Officers an alert can be assigned to by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role__in=[Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER])
        .select_related("profile__department", "profile__unit")
        .order_by("profile__department__name", "profile__unit__name", "last_name", "username")
    )


@transaction.atomic
def assign(user, alert_ids, *, department: Department | None = None, officer=None, note: str = "") -> Outcome:
    """To a department or a named officer: each alert gets its incident (opened if it has none), assigned with the
    default deadline of its severity. A named officer's department goes with them."""
    if officer is not None:
        department = department or officer.profile.department
    if department is None and officer is None:
        raise ServiceError(_("Choose a department or an officer"))
    alerts, skipped = _chosen(user, alert_ids)
    alerts.sort(key=lambda a: a.parent_id is not None)  # parents first: children join their parent's incident
    now = timezone.now()
    top = [a for a in alerts if a.parent_id is None or a.parent_id not in {b.pk for b in alerts}]
    for alert in alerts:
        _acknowledged(alert, user, now)
        if alert in top and not alert.incident_id:
            _open_incident(alert, user)
        elif alert not in top:
            alert.incident_id = next(b.incident_id for b in alerts if b.pk == alert.parent_id)
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "snoozed_until", "incident"])
    for incident in {a.incident for a in top}:
        if officer is not None:
            _check_officer_covers(officer, incident)
        assign_incident(incident, user, department=department, note=note, assignee=officer)
    for alert in alerts:
        audit.record(
            user, "alert.assign", alert, department=department and department.code, officer=officer and officer.pk
        )
    return Outcome(done=len(alerts), skipped=skipped)


def _check_officer_covers(officer, incident: Incident) -> None:
    from ioc.core.selectors import visible_incidents

    if officer.profile.role == Role.WARD_OFFICER and not visible_incidents(officer).filter(pk=incident.pk).exists():
        raise ServiceError(
            _("%(o)s works for another ward than %(t)s")
            % {"o": officer.get_full_name() or officer.username, "t": incident.title}
        )
