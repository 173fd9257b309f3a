"""Online media monitoring, measured (issue #18):
- tone macro-F1 and harmful-post recall/precision on the labelled Vietnamese set the classifier never saw
  (tests/media/data/labelled_eval.csv; trained on ioc/media/data/labelled_train.csv);
- story grouping B-cubed F1 on the labelled events of tests/media/data/stories_eval.csv;
- duplicate detection precision and recall, as pairs of articles of the same story, on the demo simulator's
  stories (their truth is known: each first article and its copies on other sites and groups);
- throughput: articles per second through dedup, keyword matching and tone, into a fresh SQLite database;
- a month's report (PDF, XLSX) over 100,000 articles.
Targets: duplicates P and R ≥ 0.95; stories B-cubed F1 ≥ 0.80; tone macro-F1 ≥ 0.75; harmful recall ≥ 0.90 at
precision ≥ 0.60; ≥ 20 articles/s on 2 cores; the monthly report over 100,000 items in ≤ 5 s.

    PYTHONPATH=. python benchmarks/media.py [--stories 1500] [--report-items 100000]
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


def story_figures() -> None:
    """B-cubed precision, recall and F1 of the story grouping on tests/media/data/stories_eval.csv (31 articles
    about 13 events from different sites, written for the project)."""
    from django.utils import timezone

    from ioc.media.models import Article
    from ioc.media.services import ingest_article

    rows = list(csv.DictReader((ROOT / "tests/media/data/stories_eval.csv").open(encoding="utf-8")))
    now = timezone.now()
    truth = {}
    for k, row in enumerate(rows):
        article = ingest_article(
            url=f"https://{row['site']}/eval/{k}",
            title=row["title"],
            text=row["text"],
            published_at=now - timedelta(hours=len(rows) - k),
            via="import",
        ).article
        truth[article.pk] = row["story"]
    found = dict(Article.objects.filter(pk__in=truth).values_list("pk", "story_id"))
    precision = recall = 0.0
    for pk in truth:
        same_truth = {o for o in truth if truth[o] == truth[pk]}
        same_found = {o for o in truth if found[o] == found[pk]}
        precision += len(same_truth & same_found) / len(same_found)
        recall += len(same_truth & same_found) / len(same_truth)
    precision, recall = precision / len(truth), recall / len(truth)
    f1 = 2 * precision * recall / (precision + recall)
    print(
        f"stories (B-cubed, {len(rows)} articles, {len(set(truth.values()))} events): "
        f"precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
    )


def dedup_and_throughput(stories: int) -> None:
    from django.utils import timezone

    from ioc.media.choices import ArticleVia
    from ioc.media.defaults import ensure_defaults
    from ioc.media.models import Article
    from ioc.media.services import _matchers, ingest_article
    from ioc.media.simulate import RUMOURS, story

    ensure_defaults()
    rng = random.Random(18)
    now = timezone.now()
    items = []
    for number in range(stories):
        at = now - timedelta(days=60) + timedelta(seconds=rng.random() * 60 * 86400)
        for item in story(rng, at, number):
            # The simulator's rumours repeat one text at random times: which story a repost belongs to is not
            # known, so they are left out of this measurement.
            if item["published_at"] <= now and all(item["title"] != title for title, _ in RUMOURS):
                items.append((number, item))
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


def report_speed(items: int) -> None:
    """A month's report over `items` articles (copies and mentions included), as PDF and as XLSX."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ioc.media.models import Article, KeywordSet, Mention
    from ioc.media.reports import report_pdf, report_xlsx

    rng = random.Random(5)
    now = timezone.now()
    sets = list(KeywordSet.objects.all())
    sites = [f"site{k}.vn" for k in range(40)]
    made = 0
    while made < items:
        batch = []
        for k in range(min(5000, items - made)):
            number = made + k
            batch.append(
                Article(
                    via="import",
                    url=f"https://{sites[number % 40]}/r{number}",
                    canonical_url=f"https://{sites[number % 40]}/r{number}",
                    site=sites[number % 40],
                    title=f"Bài số {number}",
                    title_key=f"bai so {number}",
                    published_at=now - timedelta(seconds=rng.random() * 30 * 86400),
                    tone=rng.choice(["positive", "neutral", "neutral", "negative"]),
                    harm="scam" if rng.random() < 0.01 else "none",
                )
            )
        Article.objects.bulk_create(batch, batch_size=1000)
        made += len(batch)
    firsts = list(Article.objects.filter(via="import").values_list("pk", "published_at")[: items // 3])
    copies = Article.objects.filter(via="import").order_by("-pk").values_list("pk", flat=True)[: items // 3]
    for (original, _), copy in zip(firsts, copies, strict=False):
        Article.objects.filter(pk=copy).update(duplicate_of=original)
    mentions = [
        Mention(article_id=pk, keyword_set=rng.choice(sets), terms=["Lai Châu"], published_at=at)
        for pk, at in Article.objects.filter(via="import").values_list("pk", "published_at")
    ]
    Mention.objects.bulk_create(mentions, batch_size=2000, ignore_conflicts=True)
    admin = get_user_model().objects.create_superuser("bench", "bench@example.vn", "x")
    for name, make in (("PDF", report_pdf), ("XLSX", report_xlsx)):
        started = time.perf_counter()
        body = make(admin, "month")
        seconds = time.perf_counter() - started
        print(f"monthly report over {items:,} articles: {name} in {seconds:.2f} s ({len(body):,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=1500)
    parser.add_argument("--report-items", type=int, default=100_000)
    args = parser.parse_args()
    setup()
    tone_figures()
    story_figures()
    dedup_and_throughput(args.stories)
    report_speed(args.report_items)


if __name__ == "__main__":
    main()
