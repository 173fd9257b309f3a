"""The media watch: a keyword set suddenly talked about far more than usual, or far more negatively, raises an
alert in the IOC feed; both resolve themselves when the talk returns to normal."""

from datetime import timedelta

from django.utils import timezone

from ioc.core.models import Alert
from ioc.media.models import Article, KeywordSet, Mention
from ioc.media.services import save_keyword_set
from ioc.media.watch import check_sets, spike_threshold


def articles(keyword_set, times, tone="neutral", prefix="a"):
    made = Article.objects.bulk_create(
        Article(
            via="feed",
            url=f"https://baolaichau.vn/{prefix}{k}.html",
            canonical_url=f"https://baolaichau.vn/{prefix}{k}.html",
            site="baolaichau.vn",
            title=f"Bài {prefix}{k}",
            title_key=f"bai {prefix}{k}",
            published_at=at,
            tone=tone,
        )
        for k, at in enumerate(times)
    )
    Mention.objects.bulk_create(
        Mention(article=a, keyword_set=keyword_set, terms=["Lai Châu"], published_at=a.published_at) for a in made
    )


def test_the_threshold_is_the_sets_own_usual_volume():
    assert spike_threshold([0] * 300) == 5  # a quiet set: five articles an hour are already a lot
    assert spike_threshold([10, 14] * 100) == 18  # mean 12 + 3 × 2


def test_a_spike_and_a_negative_jump_are_raised_then_resolve(db, django_capture_on_commit_callbacks):
    save_keyword_set(None, KeywordSet(name="Thành phố", terms="Lai Châu"))
    watched = KeywordSet.objects.get()
    now = timezone.now()
    # Two weeks of about one article every three hours, one in five negative.
    baseline = [now - timedelta(hours=3 * k + 2) for k in range(110)]
    articles(watched, baseline[::5], tone="negative", prefix="n")
    articles(watched, [t for k, t in enumerate(baseline) if k % 5], prefix="b")
    with django_capture_on_commit_callbacks(execute=True):
        check_sets()
    assert not Alert.objects.filter(kind__startswith="media.").exists()
    # Twelve negative articles in the last hour.
    articles(watched, [now - timedelta(minutes=4 * k + 1) for k in range(12)], tone="negative", prefix="s")
    with django_capture_on_commit_callbacks(execute=True):
        check_sets()
    spike = Alert.objects.get(kind="media.spike")
    assert "Thành phố" in spike.title and "12" in spike.title
    negative = Alert.objects.get(kind="media.negative_share")
    assert negative.data["share"] > negative.data["baseline"] + 0.2
    # A day later the burst is old news: both resolve.
    Mention.objects.filter(article__url__contains="/s").update(published_at=now - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        check_sets()
    assert not Alert.objects.filter(kind__startswith="media.").exclude(status=Alert.Status.CLOSED).exists()
