"""Online media monitoring, measured (issue #18):
- tone macro-F1 and harmful-post recall/precision on the labelled Vietnamese set the classifier never saw
  (tests/media/data/labelled_eval.csv; trained on ioc/media/data/labelled_train.csv);
- duplicate detection precision and recall, as pairs of articles of the same story, on the demo simulator's
  stories (their truth is known: each first article and its copies on other sites and groups);
- throughput: articles per second through dedup, keyword matching and tone, into a fresh SQLite database.
Targets: duplicates P and R ≥ 0.95; tone macro-F1 ≥ 0.75; harmful recall ≥ 0.90 at precision ≥ 0.60; ≥ 20
articles/s on 2 cores.

    PYTHONPATH=. python benchmarks/media.py [--stories 1500]
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.update(
        IOC_DATA_DIR=tempfile.mkdtemp(prefix="ioc-benchmedia-"),
        DJANGO_SETTINGS_MODULE="ioc.settings",
        IOC_LOG_CONSOLE="0",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def tone_figures() -> None:
    from ioc.media import tone

    rows = list(csv.DictReader((ROOT / "tests/media/data/labelled_eval.csv").open(encoding="utf-8")))
    verdicts = [tone.classify("", r["text"]) for r in rows]
    scores = []
    for label in ("positive", "neutral", "negative"):
        tp = sum(1 for r, v in zip(rows, verdicts, strict=True) if r["tone"] == label and v.tone == label)
        fp = sum(1 for r, v in zip(rows, verdicts, strict=True) if r["tone"] != label and v.tone == label)
        fn = sum(1 for r, v in zip(rows, verdicts, strict=True) if r["tone"] == label and v.tone != label)
        p, r_ = tp / (tp + fp) if tp + fp else 0, tp / (tp + fn) if tp + fn else 0
        scores.append(2 * p * r_ / (p + r_) if p + r_ else 0)
        print(f"  tone {label:<9} F1 {scores[-1]:.2f}")
    harmful = [r["harm"] != "none" for r in rows]
    flagged = [v.harmful for v in verdicts]
    caught = sum(1 for h, f in zip(harmful, flagged, strict=True) if h and f)
    typed = sum(1 for r, v in zip(rows, verdicts, strict=True) if r["harm"] != "none" and r["harm"] == v.harm)
    print(f"tone macro-F1 {sum(scores) / 3:.3f} on {len(rows)} labelled texts")
    print(
        f"harmful: recall {caught / sum(harmful):.2f}, precision {caught / max(sum(flagged), 1):.2f} "
        f"({sum(harmful)} harmful of {len(rows)}); kind right for {typed}/{sum(harmful)}"
    )


def dedup_and_throughput(stories: int) -> None:
    from django.utils import timezone

    from ioc.media.choices import ArticleVia
    from ioc.media.defaults import ensure_defaults
    from ioc.media.models import Article
    from ioc.media.services import _matchers, ingest_article
    from ioc.media.simulate import story

    ensure_defaults()
    rng = random.Random(18)
    now = timezone.now()
    items = []
    for number in range(stories):
        at = now - timedelta(days=60) + timedelta(seconds=rng.random() * 60 * 86400)
        items += [(number, item) for item in story(rng, at, number) if item["published_at"] <= now]
    items.sort(key=lambda pair: pair[1]["published_at"])
    matchers = _matchers()
    started = time.perf_counter()
    truth = {}
    for number, item in items:
        result = ingest_article(via=ArticleVia.SIMULATED, matchers=matchers, **item)
        truth[result.article.pk] = number
    elapsed = time.perf_counter() - started
    print(
        f"throughput: {len(items) / elapsed:.1f} articles/s ({len(items)} articles of {stories} stories, "
        "dedup + keyword sets + tone, SQLite, one process)"
    )
    found = {a.pk: a.duplicate_of_id or a.pk for a in Article.objects.only("pk", "duplicate_of")}
    by_story, by_found = defaultdict(set), defaultdict(set)
    for pk, number in truth.items():
        by_story[number].add(pk)
        by_found[found[pk]].add(pk)
    true_pairs = {frozenset(p) for group in by_story.values() for p in combinations(sorted(group), 2)}
    found_pairs = {frozenset(p) for group in by_found.values() for p in combinations(sorted(group), 2)}
    right = len(true_pairs & found_pairs)
    print(
        f"duplicates: precision {right / max(len(found_pairs), 1):.3f}, recall {right / max(len(true_pairs), 1):.3f} "
        f"({len(true_pairs)} same-story pairs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=1500)
    args = parser.parse_args()
    setup()
    tone_figures()
    dedup_and_throughput(args.stories)


if __name__ == "__main__":
    main()
