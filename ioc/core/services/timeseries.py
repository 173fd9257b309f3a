"""Time-series helpers the domains share: fixed bins (1, 15, 60 minutes ...) and counting events into them.

A domain keeps its own bin table (its keys differ: a camera line and class, a lamp) with a `minutes`, a `start`
and a `count` column; this module aligns moments to bins and adds to them, creating a bin the first time.
Bins align in UTC; Vietnam's offset is a whole number of hours, so they are local quarter-hours too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F


def bin_start(moment: datetime, minutes: int) -> datetime:
    """The start of the `minutes`-long bin holding `moment` (minutes divides an hour)."""
    moment = moment.replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % minutes)


@transaction.atomic
def add_to_bins(model, events: Iterable[tuple[datetime, dict]], *, sizes: tuple[int, ...]) -> int:
    """Count events (moment, the bin's key fields) into bins of each size; returns how many events."""
    totals: Counter = Counter()
    seen = 0
    for moment, key in events:
        seen += 1
        frozen = tuple(sorted(key.items()))
        for minutes in sizes:
            totals[(frozen, minutes, bin_start(moment, minutes))] += 1
    for (frozen, minutes, start), n in totals.items():
        key = {**dict(frozen), "minutes": minutes, "start": start}
        if not model.objects.filter(**key).update(count=F("count") + n):
            model.objects.create(**key, count=n)
    return seen
