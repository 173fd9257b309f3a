"""Telling reporters what happened to their report: email where given, and SMS/Zalo through pluggable notifiers.

A notifier is any class with `send(report, message)`; the list in settings `IOC["FEEDBACK_NOTIFIERS"]` is used.
The built-in SMS and Zalo notifiers only log (no gateway contract here); a city plugs in its provider's.
Delivery is queued on the task queue after the transaction commits (never in the request), messages carry the
absolute tracking link built on IOC_BASE_URL, and a failing channel never blocks the others.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ioc.core.services.notify import absolute_url
from ioc.feedback.models import Report

log = logging.getLogger(__name__)


class EmailNotifier:
    key = "email"

    def send(self, report, message: str) -> bool:
        if not report.reporter_email:
            return False
        send_mail(
            _("[Report %(code)s] %(category)s") % {"code": report.tracking_code, "category": report.category.name},
            _("%(message)s\n\nFollow it: %(link)s") % {"message": message, "link": tracking_link(report)},
            settings.DEFAULT_FROM_EMAIL,
            [report.reporter_email],
        )
        return True


class LoggingSmsNotifier:
    """Stands in for an SMS gateway: logs the message it would send (sign-in codes included, so the demo's citizen
    can read theirs in the console — a real gateway adapter sends them instead)."""

    channel = "SMS"
    key = "sms"

    def send(self, report, message: str) -> bool:
        if not report.reporter_phone:
            return False
        log.info("%s to %s…: %s %s", self.channel, report.reporter_phone[:4], message, tracking_link(report))
        return True

    def send_to_phone(self, phone: str, message: str) -> bool:
        log.info("%s to %s: %s", self.channel, phone, message)
        return True


class LoggingZaloNotifier(LoggingSmsNotifier):
    """Stands in for a Zalo OA: logs the message it would send."""

    channel = "Zalo"
    key = "zalo"


def configured() -> list:
    paths = settings.IOC.get("FEEDBACK_NOTIFIERS") or [
        "ioc.feedback.notifiers.EmailNotifier",
        "ioc.feedback.notifiers.LoggingSmsNotifier",
    ]
    return [import_string(path)() for path in paths]


def deliver_code(contact: str, message: str) -> None:
    """Run by the task queue: a sign-in code to an email, or to a phone through every notifier that reaches phones
    (`send_to_phone`)."""
    if "@" in contact:
        send_mail(_("Your sign-in code"), message, settings.DEFAULT_FROM_EMAIL, [contact])
        return
    for notifier in configured():
        if hasattr(notifier, "send_to_phone"):
            try:
                notifier.send_to_phone(contact, message)
            except Exception:
                log.exception("%s failed to send a sign-in code", type(notifier).__name__)


def tracking_link(report) -> str:
    return absolute_url(reverse("feedback:track", args=[report.tracking_code]))


def deliver(report_id: int, message: str) -> None:
    """Run by the task queue: the message through every configured notifier."""
    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None:
        return
    wanted = set(report.notify_channels or [])
    for notifier in configured():
        if wanted and getattr(notifier, "key", None) not in wanted:
            continue  # the reporter chose other channels
        try:
            notifier.send(report, message)
        except Exception:
            log.exception("%s failed for report %s", type(notifier).__name__, report_id)


def tell_reporter(report, message: str) -> None:
    """Queue a message to the reporter on the task queue, once the transaction commits."""
    from ioc.feedback.tasks import tell_reporter_later

    if report.reporter_email or report.reporter_phone:
        report_id, text = report.pk, str(message)
        transaction.on_commit(lambda: tell_reporter_later(report_id, text))
