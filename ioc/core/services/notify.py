"""Notifications: in-app rows and email (Django's email backend), by each user's preferences.

Called from services inside their transaction. After the commit (nothing is announced for a change that was rolled
back) delivery is handed to the task queue, so no request or ingest thread waits on a mail server. In-app rows keep
the path (they open on whatever host the user is on); emails carry the absolute link built on IOC_BASE_URL.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from ioc.core.models import Notification, NotificationPreference, Profile, Role

log = logging.getLogger(__name__)


def users_with_roles(*roles: str, department=None, unit_ids=None):
    users = get_user_model().objects.filter(is_active=True, profile__role__in=roles)
    if department is not None:
        users = users.filter(profile__department=department)
    if unit_ids is not None:
        users = users.filter(profile__unit_id__in=unit_ids)
    return users


def absolute_url(path: str) -> str:
    """A link for outside the browser (email, SMS, Zalo): the configured base URL and the path."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.IOC["BASE_URL"] + path


def deliver(user_ids: list[int], title: str, body: str, url: str, severity: int) -> None:
    """Run by the task queue: in-app rows and emails, by each user's preferences."""
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("notify_prefs")
    emails = []
    rows = []
    for user in users:
        prefs = getattr(user, "notify_prefs", None) or NotificationPreference(user=user)
        if severity < prefs.min_severity:
            continue
        if prefs.in_app:
            rows.append(Notification(user=user, title=title, body=body, url=url, severity=severity))
        if prefs.email and user.email:
            emails.append(user.email)
    Notification.objects.bulk_create(rows)
    for address in emails:
        try:
            send_mail(f"[IOC] {title}", f"{body}\n\n{absolute_url(url)}", settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # a mail server down must not lose the in-app notification
            log.exception("email to %s failed", address)


def notify(users, title: str, body: str = "", url: str = "", severity: int = 1) -> None:
    """Notify users through the task queue once the current transaction commits."""
    from ioc.core.tasks import deliver_notifications

    user_ids = [u.pk for u in users]
    if user_ids:
        args = (user_ids, str(title), str(body), url, severity)
        transaction.on_commit(lambda: deliver_notifications(*args))


def mark_all_read(user) -> int:
    """Every unread notification of the user marked read now."""
    from django.utils import timezone

    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def save_preferences(form) -> NotificationPreference:
    """The user's notification settings from their (validated) form."""
    return form.save()


def ensure_preferences(user) -> NotificationPreference:
    prefs, _ = NotificationPreference.objects.get_or_create(user=user)
    return prefs


__all__ = ["notify", "users_with_roles", "ensure_preferences", "Role", "Profile"]
