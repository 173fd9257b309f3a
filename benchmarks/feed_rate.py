"""How many new actionable items the operator's feed gets per minute in a running demo (issue #13: about one).

Reads the demo's own database: new top-level alerts (rolled-up children and folded repeats are not new items) first
seen in the last N minutes, by kind. Run it against a demo that has been up for longer than N minutes:

    IOC_DATA_DIR=<the demo's data dir> python benchmarks/feed_rate.py --minutes 15
"""

import argparse
import os
from collections import Counter
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
    import django

    django.setup()
    from django.utils import timezone

    from ioc.core.models import Alert

    since = timezone.now() - timedelta(minutes=args.minutes)
    new = Alert.objects.filter(first_seen_at__gte=since)
    top = new.filter(parent__isnull=True)
    repeats = sum(a.count - 1 for a in Alert.objects.filter(last_seen_at__gte=since, first_seen_at__gte=since))
    print(f"last {args.minutes} minutes: {top.count()} new items in the feed ({top.count() / args.minutes:.2f}/min)")
    print(f"  plus {new.count() - top.count()} rolled up under a parent, {repeats} repeats folded into a count")
    for kind, n in Counter(top.values_list("kind", flat=True)).most_common():
        print(f"  {kind:28s} {n}")


if __name__ == "__main__":
    main()
