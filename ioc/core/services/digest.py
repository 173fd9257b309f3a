"""Alert notifications by each operator's rules: the urgent ones at once, the rest as one digest.

An operator watching the wall does not need a notification per alert: the feed already shows them. The rules
(NotificationPreference) say which fields and units they follow, their quiet hours and how often a digest comes;
priority-1 alerts (critical, or raised by their kind or a sensitive place) always come at once, even in quiet hours.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ioc.core.models import Alert, Notification, NotificationPreference, Role, Severity
from ioc.core.services.notify import absolute_url, notify, users_with_roles

DIGEST_LINES = 5


def _rules(users) -> list[tuple]:
    """(user, preferences, unit ids) for each user, creating default preferences where missing."""
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users).prefetch_related("units")}
    out = []
    for user in users:
        prefs = found.get(user.pk) or NotificationPreference.objects.create(user=user)
        out.append((user, prefs, {u.pk for u in prefs.units.all()}))
    return out


def follows(prefs: NotificationPreference, unit_ids: set[int], alert: Alert) -> bool:
    """Whether the alert is one of the fields, units and severities the user follows."""
    if alert.severity < prefs.min_severity:
        return False
    if prefs.domains and alert.kind.split(".", 1)[0] not in prefs.domains:
        return False
    return not unit_ids or alert.unit_id in unit_ids


def is_quiet(prefs: NotificationPreference, at: datetime) -> bool:
    """Inside the user's quiet hours (Vietnam time); from 22 to 6 wraps past midnight."""
    start, end = prefs.quiet_from, prefs.quiet_to
    if start == end:
        return False
    hour = timezone.localtime(at).hour
    return start <= hour < end if start < end else hour >= start or hour < end


def notify_alert(alert: Alert) -> None:
    """A new alert: operators who want it now get it (priority 1, or digests turned off), outside quiet hours
    unless it is priority 1. Everyone else reads it in their next digest."""
    now = timezone.now()
    urgent = alert.priority == 1
    recipients = [
        user
        for user, prefs, units in _rules(list(users_with_roles(Role.OPERATOR)))
        if follows(prefs, units, alert)
        and (urgent or prefs.digest_minutes == 0)
        and (urgent or not is_quiet(prefs, now))
    ]
    notify(
        recipients, title=alert.title, body=alert.message, url=f"/dashboard/alerts/{alert.pk}/", severity=alert.severity
    )


def send_digests(now: datetime | None = None) -> int:
    """Periodic: each operator whose digest is due gets one notification summing up the open alerts that came since
    their last one (those they got at once are left out). Returns how many digests went out."""
    from ioc.core.selectors import visible_alerts

    now = now or timezone.now()
    sent = 0
    for user, prefs, units in _rules(list(users_with_roles(Role.OPERATOR))):
        if prefs.digest_minutes == 0 or is_quiet(prefs, now):
            continue
        if prefs.last_digest_at and now - prefs.last_digest_at < timedelta(minutes=prefs.digest_minutes):
            continue
        since = max(prefs.last_digest_at or now - timedelta(minutes=prefs.digest_minutes), now - timedelta(days=1))
        new = [
            alert
            for alert in visible_alerts(user)
            .filter(first_seen_at__gt=since, first_seen_at__lte=now, priority__gt=1, parent__isnull=True)
            .exclude(status=Alert.Status.CLOSED)
            .order_by("priority", "-severity", "-first_seen_at")
            if follows(prefs, units, alert)
        ]
        NotificationPreference.objects.filter(pk=prefs.pk).update(last_digest_at=now)
        if not new:
            continue
        _send(user, prefs, new, since, now)
        sent += 1
    return sent


def _send(user, prefs: NotificationPreference, alerts: list[Alert], since: datetime, now: datetime) -> None:
    minutes = max(1, round((now - since).total_seconds() / 60))
    title = ngettext("%(n)s new alert in %(m)s minutes", "%(n)s new alerts in %(m)s minutes", len(alerts)) % {
        "n": len(alerts),
        "m": minutes,
    }
    by_severity = Counter(alert.severity for alert in alerts)
    summary = " · ".join(
        f"{n} {Severity(level).label.lower()}" for level, n in sorted(by_severity.items(), reverse=True)
    )
    lines = [f"– {alert.title}" for alert in alerts[:DIGEST_LINES]]
    if len(alerts) > DIGEST_LINES:
        lines.append(_("and %(n)s more") % {"n": len(alerts) - DIGEST_LINES})
    body = "\n".join([summary, *lines])
    severity = max(by_severity)
    url = "/dashboard/?tab=new"
    if prefs.in_app:
        Notification.objects.create(user=user, title=title, body=body, url=url, severity=severity)
    if prefs.email and user.email:
        send_mail(f"[IOC] {title}", f"{body}\n\n{absolute_url(url)}", settings.DEFAULT_FROM_EMAIL, [user.email])
