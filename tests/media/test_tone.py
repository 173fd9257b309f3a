"""Tone and harm as an officer relies on them: measured on a labelled Vietnamese set the classifier never saw
(tests/media/data/labelled_eval.csv), harmful posts about the city raised in the IOC feed with their SOP, and an
officer's label teaching the classifier."""

import csv
from pathlib import Path

from django.utils import timezone

from ioc.core.models import Alert
from ioc.media import tone
from ioc.media.choices import ArticleVia
from ioc.media.models import Article, KeywordSet
from ioc.media.services import ingest_article, label_article, save_keyword_set

EVAL = Path(__file__).parent / "data" / "labelled_eval.csv"


def macro_f1(gold, predicted, labels):
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision, recall = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def test_tone_and_harm_on_a_labelled_set_the_classifier_never_saw(db):
    rows = list(csv.DictReader(EVAL.open(encoding="utf-8")))
    verdicts = [tone.classify("", row["text"]) for row in rows]
    assert macro_f1([r["tone"] for r in rows], [v.tone for v in verdicts], ["positive", "neutral", "negative"]) >= 0.75
    harmful = [r["harm"] != "none" for r in rows]
    flagged = [v.harmful for v in verdicts]
    caught = sum(1 for h, f in zip(harmful, flagged, strict=True) if h and f)
    assert caught / sum(harmful) >= 0.9 and caught / sum(flagged) >= 0.6


def test_a_harmful_post_about_the_city_reaches_the_feed_with_its_sop(db, django_capture_on_commit_callbacks):
    save_keyword_set(None, KeywordSet(name="Thành phố", terms="thành phố Lai Châu"))
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_article(
            url="https://facebook.com/groups/x/posts/9",
            title="Khẩn cấp: đập thủy điện đã vỡ",
            text="Đập thủy điện đầu nguồn đã vỡ, toàn bộ thành phố Lai Châu sẽ bị ngập trong đêm nay, sơ tán ngay!",
            published_at=timezone.now(),
            via=ArticleVia.SIMULATED,
        )
    assert result.article.harm == "false_information" and result.article.tone == "negative"
    alert = Alert.objects.get(kind="media.harmful")
    assert "Khẩn cấp: đập thủy điện đã vỡ" in alert.title and "Thành phố" in alert.message
    # A harmful post about nothing the city watches does not flood the feed.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_article(
            url="https://example.vn/lua-dao",
            title="Trúng thưởng xe máy",
            text="Bạn đã trúng thưởng xe máy, hãy chuyển phí nhận giải vào số tài khoản sau để nhận quà ngay.",
            published_at=timezone.now(),
            via=ArticleVia.SIMULATED,
        )
    assert Alert.objects.filter(kind="media.harmful").count() == 1


def test_an_officers_label_overrides_and_teaches_the_classifier(users, django_capture_on_commit_callbacks):
    text = "Chợ phiên vùng cao tấp nập người mua kẻ bán dịp cuối tuần, hàng thổ cẩm bán rất chạy."
    article = ingest_article(
        url="https://laichau.gov.vn/cho-phien.html",
        title="Chợ phiên tấp nập",
        text=text,
        published_at=timezone.now(),
        via=ArticleVia.FEED,
    ).article
    with django_capture_on_commit_callbacks(execute=True):
        label_article(users["operator"], article, tone_value="positive", harm="none")
    article.refresh_from_db()
    assert article.tone == "positive" and article.labelled
    assert any("Chợ phiên tấp nập" in text for text, _, _ in tone.classify("", text).nearest)
    assert tone.classify("Chợ phiên tấp nập", text).tone == "positive"
    assert Article.objects.get(pk=article.pk).labels.get().user == users["operator"]
