"""Stories: the paper's report, the TV station's follow-up and a resident's post about the same event are grouped,
measured on events written for the project (tests/media/data/stories_eval.csv: 31 articles, 13 events)."""

import csv
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from ioc.media.models import Article, Story
from ioc.media.services import ingest_article

EVENTS = Path(__file__).parent / "data" / "stories_eval.csv"


def test_articles_about_one_event_form_one_story(db):
    rows = list(csv.DictReader(EVENTS.open(encoding="utf-8")))
    now = timezone.now()
    truth = {}
    for k, row in enumerate(rows):
        article = ingest_article(
            url=f"https://{row['site']}/su-kien/{k}",
            title=row["title"],
            text=row["text"],
            published_at=now - timedelta(hours=len(rows) - k),
            via="import",
        ).article
        truth[article.pk] = row["story"]
    found = dict(Article.objects.values_list("pk", "story_id"))
    precision = recall = 0.0
    for pk in truth:
        same_truth = {o for o in truth if truth[o] == truth[pk]}
        same_found = {o for o in truth if found[o] == found[pk]}
        precision += len(same_truth & same_found) / len(same_found)
        recall += len(same_truth & same_found) / len(same_truth)
    precision, recall = precision / len(truth), recall / len(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.8  # B-cubed F1
    landslide = Story.objects.get(articles__title="Sạt lở nghiêm trọng trên Quốc lộ 4D đoạn qua San Thàng")
    # the paper's report, the TV station's follow-up and the national paper's (a resident's short post may stay apart)
    assert landslide.size >= 3 and landslide.first_at < landslide.last_at


def test_a_copy_follows_its_original_into_its_story(db):
    text = (
        "Chiều 24/11 một ki ốt bán quần áo tại chợ trung tâm thành phố Lai Châu bốc cháy, "
        "lực lượng chữa cháy đã dập tắt."
    )
    first = ingest_article(
        url="https://baolaichau.vn/chay-cho.html",
        title="Cháy ki ốt tại chợ trung tâm",
        text=text,
        published_at=timezone.now() - timedelta(hours=2),
        via="feed",
    ).article
    copy = ingest_article(
        url="https://dantri.com.vn/chay-cho.htm",
        title="Cháy ki ốt tại chợ trung tâm - Dân trí",
        text=text,
        published_at=timezone.now(),
        via="feed",
    ).article
    copy.refresh_from_db()
    first.refresh_from_db()
    assert copy.duplicate_of == first and copy.story == first.story and first.story.size == 2
