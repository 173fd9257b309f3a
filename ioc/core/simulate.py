"""The demo's duty officer: works the feed as a person at the wall would, so the incident board, the leader view and
the wall show the city's work and not only a growing pile of alerts.

The modeled pace: an action every two minutes on average — the most urgent waiting alert taken and assigned to the
department the city routes that field to; now and then an incident closed by its department, a low-priority alert
dismissed as noise. A real operator does more; the demo leaves the rest of the feed to whoever tries it.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from threading import Event

from django.contrib.auth import get_user_model
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from ioc.core.models import Alert, Incident, Role, Severity
from ioc.core.selectors import routed_department
from ioc.core.services import alerts, triage

log = logging.getLogger(__name__)
MEAN_SECONDS_BETWEEN_ACTIONS = 120.0
RESOLUTIONS = (
    "Đội hiện trường đã xử lý xong, khôi phục bình thường.",
    "Đã kiểm tra tại chỗ, khắc phục sự cố và báo cáo lãnh đạo.",
    "Phòng chuyên môn đã xử lý, cập nhật kết quả cho người dân.",
)


def _operator():
    return get_user_model().objects.filter(is_active=True, profile__role=Role.OPERATOR).order_by("pk").first()


def act(rng: random.Random) -> str | None:
    """One thing a duty officer does; returns what, for the log."""
    operator = _operator()
    if operator is None:
        return None
    now = timezone.now()
    roll = rng.random()
    if roll < 0.2:
        incident = Incident.objects.filter(status=Incident.Status.ASSIGNED, created_at__lt=now - timedelta(minutes=10))
        incident = incident.order_by("created_at").first()
        if incident:
            alerts.close_incident(incident, operator, rng.choice(RESOLUTIONS))
            return f"closed incident {incident.pk}"
    waiting = Alert.objects.filter(
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now), status=Alert.Status.NEW, parent__isnull=True
    )
    if roll < 0.3:
        noise = waiting.filter(severity=Severity.INFO, first_seen_at__lt=now - timedelta(minutes=30)).first()
        if noise:
            triage.dismiss(operator, [noise.pk], "Đã kiểm tra, không cần xử lý")
            return f"dismissed alert {noise.pk}"
    alert = waiting.order_by("priority", "respond_by").first()
    if alert is None:
        return None
    domain, _, topic = alert.kind.partition(".")
    department = alert.department or (
        routed_department("hotline", topic) if domain == "hotline" else routed_department("alerts", domain)
    )
    if department is None:
        triage.acknowledge(operator, [alert.pk])
        return f"acknowledged alert {alert.pk}"
    triage.assign(operator, [alert.pk], department=department, note="Đề nghị xử lý và báo cáo kết quả")
    return f"assigned alert {alert.pk} to {department.code}"


def run(stop: Event, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_ACTIONS) -> None:
    rng = random.Random(seed)
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            done = act(rng)
            if done:
                log.info("duty officer: %s", done)
        except alerts.ServiceError as exc:  # someone else acted on it first
            log.info("duty officer: %s", exc)
        finally:
            close_old_connections()
