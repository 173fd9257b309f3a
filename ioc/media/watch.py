"""What makes the IOC look at the media: a keyword set suddenly talked about far more than usual (against its own
hourly baseline), and a set whose share of negative articles jumps. Judged every quarter-hour; each alert resolves
itself when its condition ends."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.services.alerts import raise_alert, resolve_condition
from ioc.media.models import KeywordSet, Mention

BASELINE_DAYS = 14
SPIKE_SIGMAS = 3.0
SPIKE_MIN = 5  # articles in the hour, whatever the baseline: a quiet set's two articles are not a spike
NEGATIVE_JUMP = 0.2  # the last day's negative share above the baseline's by this much
NEGATIVE_MIN = 8  # articles in the last day, for a share to mean something


def spike_threshold(hourly: list[int]) -> float:
    """The hourly count above which a set is spiking: mean + 3 standard deviations of its baseline hours."""
    mean = statistics.fmean(hourly) if hourly else 0.0
    spread = statistics.pstdev(hourly) if len(hourly) > 1 else 0.0
    return max(SPIKE_MIN, mean + SPIKE_SIGMAS * spread)


def _hourly(keyword_set: KeywordSet, start, end) -> list[int]:
    counts = dict(
        Mention.objects.filter(keyword_set=keyword_set, published_at__gte=start, published_at__lt=end)
        .annotate(hour=TruncHour("published_at"))
        .values_list("hour")
        .annotate(n=Count("id"))
    )
    hours = int((end - start).total_seconds() // 3600)
    first = start.replace(minute=0, second=0, microsecond=0)
    return [counts.get(first + timedelta(hours=k), 0) for k in range(hours)]


def check_sets() -> int:
    """The periodic job: raise or resolve the spike and negative-share alerts of every enabled set."""
    now = timezone.now()
    raised = 0
    for keyword_set in KeywordSet.objects.filter(enabled=True):
        raised += _check_spike(keyword_set, now) + _check_negative(keyword_set, now)
    return raised


def _check_spike(keyword_set: KeywordSet, now) -> int:
    source = f"media:set:{keyword_set.pk}"
    last_hour = Mention.objects.filter(keyword_set=keyword_set, published_at__gt=now - timedelta(hours=1)).count()
    threshold = spike_threshold(_hourly(keyword_set, now - timedelta(days=BASELINE_DAYS), now - timedelta(hours=1)))
    if last_hour >= threshold:
        raise_alert(
            kind="media.spike",
            source=source,
            title=_("Media spike: %(set)s — %(n)s articles in the last hour")
            % {"set": keyword_set.name, "n": last_hour},
            message=_("Usually at most %(t)s an hour (last %(d)s days).")
            % {"t": round(threshold, 1), "d": BASELINE_DAYS},
            data={"keyword_set": keyword_set.pk, "count": last_hour, "threshold": round(threshold, 2)},
        )
        return 1
    resolve_condition(kind="media.spike", source=source, reason=_("Back to its usual volume"))
    return 0


def _check_negative(keyword_set: KeywordSet, now) -> int:
    source = f"media:negative:{keyword_set.pk}"
    recent = Mention.objects.filter(keyword_set=keyword_set, published_at__gt=now - timedelta(days=1))
    before = Mention.objects.filter(
        keyword_set=keyword_set,
        published_at__gt=now - timedelta(days=BASELINE_DAYS),
        published_at__lte=now - timedelta(days=1),
    )
    total = recent.count()
    share = recent.filter(article__tone="negative").count() / total if total else 0.0
    baseline_total = before.count()
    baseline = before.filter(article__tone="negative").count() / baseline_total if baseline_total else 0.0
    if total >= NEGATIVE_MIN and share >= baseline + NEGATIVE_JUMP:
        raise_alert(
            kind="media.negative_share",
            source=source,
            title=_("Negative coverage up: %(set)s — %(share)s %% negative in 24 h")
            % {"set": keyword_set.name, "share": round(100 * share)},
            message=_("Usually %(base)s %% over the last %(d)s days.")
            % {"base": round(100 * baseline), "d": BASELINE_DAYS},
            data={"keyword_set": keyword_set.pk, "share": round(share, 3), "baseline": round(baseline, 3)},
        )
        return 1
    resolve_condition(kind="media.negative_share", source=source, reason=_("The negative share is back to usual"))
    return 0
