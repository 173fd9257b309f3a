"""Telling reporters what happened to their report: email where given, and SMS/Zalo through pluggable notifiers.

A notifier is any class with `send(report, message)`; the list in settings `IOC["FEEDBACK_NOTIFIERS"]` is used.
The built-in SMS and Zalo notifiers only log (no gateway contract here); a city plugs in its provider's.
Delivery runs after the transaction commits and a failing channel never blocks the others.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class EmailNotifier:
    def send(self, report, message: str) -> bool:
        if not report.reporter_email:
            return False
        send_mail(
            f"[Phản ánh {report.tracking_code}] {report.category.name}",
            f"{message}\n\nTheo dõi: /phan-anh/theo-doi/{report.tracking_code}/",
            settings.DEFAULT_FROM_EMAIL,
            [report.reporter_email],
        )
        return True


class LoggingSmsNotifier:
    """Stands in for an SMS gateway: logs the message it would send."""

    def send(self, report, message: str) -> bool:
        if not report.reporter_phone:
            return False
        log.info("SMS to %s…: %s", report.reporter_phone[:4], message)
        return True


class LoggingZaloNotifier:
    """Stands in for a Zalo OA: logs the message it would send."""

    def send(self, report, message: str) -> bool:
        if not report.reporter_phone:
            return False
        log.info("Zalo to %s…: %s", report.reporter_phone[:4], message)
        return True


def configured() -> list:
    paths = settings.IOC.get("FEEDBACK_NOTIFIERS") or [
        "ioc.feedback.notifiers.EmailNotifier",
        "ioc.feedback.notifiers.LoggingSmsNotifier",
    ]
    return [import_string(path)() for path in paths]


def _deliver(report_id: int, message: str) -> None:
    from ioc.feedback.models import Report

    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None:
        return
    for notifier in configured():
        try:
            notifier.send(report, message)
        except Exception:
            log.exception("%s failed for report %s", type(notifier).__name__, report_id)


def tell_reporter(report, message: str) -> None:
    """Queue a message to the reporter for after the commit."""
    if report.reporter_email or report.reporter_phone:
        transaction.on_commit(lambda: _deliver(report.pk, message))
