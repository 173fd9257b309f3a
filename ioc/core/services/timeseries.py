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
def add_to_bins(model, events: Iterable[tuple], *, sizes: tuple[int, ...]) -> int:
    """Count events (moment, the bin's key fields[, {other counter column: amount}]) into bins of each size;
    returns how many events."""
    totals: dict = {}
    seen = 0
    for moment, key, *extra in events:
        seen += 1
        frozen = tuple(sorted(key.items()))
        for minutes in sizes:
            amounts = totals.setdefault((frozen, minutes, bin_start(moment, minutes)), Counter())
            amounts["count"] += 1
            amounts.update(extra[0] if extra else {})
    for (frozen, minutes, start), amounts in totals.items():
        key = {**dict(frozen), "minutes": minutes, "start": start}
        if not model.objects.filter(**key).update(**{field: F(field) + n for field, n in amounts.items()}):
            model.objects.create(**key, **amounts)
    return seen
