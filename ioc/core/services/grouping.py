"""How alerts are judged as they arrive: which ones are the same alert (grouping), how urgent each is (priority from
severity, kind and place) and by when someone must acknowledge it (the clock of its priority)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from ioc.core.registry import registry
from ioc.core.services.geo import distance_m


def group_key(kind: str, source: str, lat, lon) -> str:
    """What makes two alerts of one kind the same alert: the source, or for kinds grouped by place the spot
    (coordinates rounded to 0.001°, about 100 m)."""
    alert_kind = registry.alert_kind(kind)
    if alert_kind and alert_kind.group_by == "place" and lat is not None:
        return f"place:{lat:.3f},{lon:.3f}"
    return source


def priority_of(kind: str, severity: int, lat, lon) -> int:
    """1 (answer first) to 4: severity, raised a step by the kind's boost and by a sensitive place nearby."""
    from ioc.core.models import City

    score = severity
    alert_kind = registry.alert_kind(kind)
    score += alert_kind.boost if alert_kind else 0
    if lat is not None:
        city = City.objects.only("sensitive_places").first()
        radius = settings.IOC["SENSITIVE_RADIUS_M"]
        places = (city.sensitive_places if city else None) or []
        if any(distance_m(lat, lon, p["lat"], p["lon"]) <= p.get("radius_m", radius) for p in places):
            score += 1
    return max(1, 5 - min(score, 4))


def respond_by(priority: int, start: datetime) -> datetime:
    return start + timedelta(minutes=settings.IOC["RESPOND_MINUTES"][priority])
