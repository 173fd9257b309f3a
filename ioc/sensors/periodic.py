"""Periodic subscriptions (timeInterval, clause 5.8.1): the entities a subscription selects, sent every interval
whether or not they changed. The worker's minute job sends those due; an interval shorter than a minute is kept
by notifications scheduled within the minute."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ioc.sensors.models import Entity, Subscription
from ioc.sensors.ngsild_query import matches as q_matches
from ioc.sensors.notifications import deliver
from ioc.sensors.subscriptions import _compiled, _snapshot_matches, status

MAX_ENTITIES = 1000


def _interval(subscription: Subscription) -> int | None:
    return (subscription.extras or {}).get("timeInterval")


def selected(subscription: Subscription) -> list[int]:
    """The entities (pks, at most MAX_ENTITIES) a periodic subscription sends."""
    entries = subscription.entities
    types = {t for e in entries for t in (sum(e["types"], []) if "types" in e else [e["type"]])}
    candidates = Entity.objects.filter(type__in=types) if types else Entity.objects.all()
    groups, near = _compiled(subscription)
    return [
        e.pk
        for e in candidates.order_by("pk")[:MAX_ENTITIES]
        if _snapshot_matches(subscription, {"type": e.type, "extra_types": e.extra_types, "entity_id": e.entity_id})
        and (not groups or q_matches(e, groups))
        and (near is None or near(e))
    ]


def _due(subscription: Subscription, now) -> bool:
    interval = _interval(subscription)
    if not interval or status(subscription, now) != "active":
        return False
    # A second's slack: a notification scheduled `interval` after the last one must not find itself early.
    last = subscription.last_notification
    return last is None or last <= now - timedelta(seconds=interval) + timedelta(seconds=1)


def deliver_periodic(subscription_pk: int, now=None) -> str:
    """Send one periodic notification if it is due: 'sent', 'failed', 'not due' or 'nothing selected'."""
    now = now or timezone.now()
    subscription = Subscription.objects.filter(pk=subscription_pk).first()
    if subscription is None or not _due(subscription, now):
        return "not due"
    hits = selected(subscription)
    if not hits:
        return "nothing selected"
    return deliver(subscription.pk, hits)


def schedule_periodic(subscription: Subscription) -> list[int]:
    """Queue a subscription's notifications for the coming minute: now, then every interval (under a minute);
    returns the delays in seconds."""
    from ioc.sensors.tasks import send_periodic_notification

    interval = _interval(subscription) or 60
    delays = list(range(0, 60, interval)) if interval < 60 else [0]
    for delay in delays:
        send_periodic_notification.schedule(args=(subscription.pk,), delay=delay)
    return delays


def send_periodic(now=None) -> int:
    """The minute job: every periodic subscription whose interval has passed is queued (under a minute, through
    the minute). Returns how many were."""
    from ioc.sensors.tasks import send_periodic_notification

    now = now or timezone.now()
    count = 0
    # Read fresh (the change path's cache keeps subscriptions, not when they were last sent).
    for subscription in Subscription.objects.filter(is_active=True).order_by("pk"):
        interval = _interval(subscription)
        if not interval or not _due(subscription, now):
            continue
        if interval < 60:
            schedule_periodic(subscription)
        else:
            send_periodic_notification(subscription.pk)
        count += 1
    return count
