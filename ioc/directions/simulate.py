"""The demo's directions: now and then the leader directs a unit on an open incident; the units acknowledge, report
and finish; the leader accepts (or now and then sends back). So the leader's figures and timelines have life.

The modeled pace: one step every five minutes on average, a new direction about one step in three — a few a day
per ward in a real city, faster here so a visitor sees the whole cycle within the hour.
"""

from __future__ import annotations

import logging
import random
from threading import Event

from django.contrib.auth import get_user_model
from django.db import close_old_connections

from ioc.core.models import Incident, Role
from ioc.core.services.alerts import ServiceError
from ioc.directions import services
from ioc.directions.models import Direction

log = logging.getLogger(__name__)
MEAN_SECONDS_BETWEEN_STEPS = 300.0
REPORTS = (
    "Đã cử tổ công tác đến hiện trường, đang khắc phục.",
    "Đã xử lý xong, hiện trường an toàn, có ảnh kèm theo.",
    "Đã phối hợp với phường, hoàn thành theo chỉ đạo.",
)


def _first(role, **profile):
    filters = {f"profile__{k}": v for k, v in profile.items()}
    return get_user_model().objects.filter(is_active=True, profile__role=role, **filters).order_by("pk").first()


def _officer_for(target):
    if target.department_id:
        return _first(Role.DEPARTMENT_OFFICER, department=target.department)
    return _first(Role.WARD_OFFICER, unit=target.ward)


def _new_direction(rng, leader) -> str | None:
    incident = (
        Incident.objects.filter(status=Incident.Status.ASSIGNED, department__isnull=False)
        .exclude(
            pk__in=[
                int(k) for k in Direction.objects.filter(subject_kind="incident").values_list("subject_id", flat=True)
            ]
        )
        .order_by("-severity", "created_at")
        .first()
    )
    if incident is None:
        return None
    lead = [incident.department] + ([incident.unit] if incident.unit and incident.unit.level == "ward" else [])
    direction = services.issue(
        leader,
        title=incident.title,
        instruction="Khẩn trương xử lý dứt điểm, báo cáo kết quả kèm hình ảnh hiện trường.",
        lead=lead[:1],
        support=lead[1:],
        hours=rng.choice((4, 8, 24, 48)),
        priority=rng.choice((1, 1, 2)),
        subject=f"incident:{incident.pk}",
    )
    return f"issued direction {direction.pk}"


def _advance(rng, leader) -> str | None:
    direction = Direction.objects.filter(status__in=services.OPEN).order_by("issued_at").first()
    if direction is None:
        return None
    if direction.status == Direction.Status.REPORTED:
        if rng.random() < 0.85:
            services.accept(leader, direction, "Đồng ý kết quả.")
            return f"accepted direction {direction.pk}"
        services.send_back(leader, direction, "Đề nghị bổ sung hình ảnh sau xử lý.", working_days=1)
        return f"sent back direction {direction.pk}"
    target = direction.targets.filter(role="lead").first()
    officer = target and _officer_for(target)
    if officer is None:
        return None
    if not target.acknowledged_at:
        services.acknowledge(officer, direction)
        return f"acknowledged direction {direction.pk}"
    done = rng.random() < 0.7
    services.report(officer, direction, rng.choice(REPORTS), done=done)
    return f"{'finished' if done else 'progress on'} direction {direction.pk}"


def step(rng: random.Random) -> str | None:
    leader = _first(Role.LEADER)
    if leader is None:
        return None
    return (_new_direction(rng, leader) if rng.random() < 0.35 else None) or _advance(rng, leader)


def run(stop: Event, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_STEPS) -> None:
    rng = random.Random(seed)
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            done = step(rng)
            if done:
                log.info("directions: %s", done)
        except ServiceError as exc:
            log.info("directions: %s", exc)
        finally:
            close_old_connections()
