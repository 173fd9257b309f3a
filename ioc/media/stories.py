"""Stories: articles about the same event grouped online, beyond copies of one text — the paper's report, the TV
station's follow-up and a resident's post about the same landslide are one story with its first source and its growth.

Each article is read as TF-IDF weighted syllables and syllable pairs (Vietnamese words are mostly one or two
syllables; pairs keep "Quốc lộ", "San Thàng", "Trần Hưng Đạo") of its title and opening, without the words every
article about the city carries. A new article joins the story whose recent articles are, on average, most like
it (cosine), if within STORY_WINDOW (and STORY_SPAN of its start) and above JOIN_AT; else it starts a story.
Document frequencies come from the last month's articles, kept per process for an hour."""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from datetime import timedelta

from django.db.models import F

from ioc.core.text import fold

STORY_WINDOW = timedelta(days=3)  # a new article joins a story that grew this recently...
STORY_SPAN = timedelta(days=7)  # ... and began at most this long ago (same-topic news does not chain for weeks)
JOIN_AT = 0.2
OPENING_WORDS = 80
STOPWORDS = set(
    """va cua la co cac nhung mot cho voi tai trong da duoc den tu khi nay tren ve de theo se dang ra vao nhieu
    nguoi dan thanh pho lai chau tinh ngay sau truoc cung nhu bi hon con tai nam thang gio sang chieu toi dem
    cho biet""".split()
)
_df_cache: dict = {"at": 0.0, "df": Counter(), "n": 0}


def terms(title: str, text: str) -> Counter:
    words = re.findall(r"\w+", fold(f"{title} {' '.join(text.split()[:OPENING_WORDS])}"))
    kept = [w for w in words if w not in STOPWORDS and not w.isdigit()]
    counts = Counter(kept)
    counts.update(
        f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a not in STOPWORDS or b not in STOPWORDS
    )
    return counts


def document_frequencies() -> tuple[Counter, int]:
    """How many of the last month's articles (a sample of 5,000 at most) hold each term."""
    if time.monotonic() - _df_cache["at"] < 3600 and _df_cache["n"] >= 50:
        return _df_cache["df"], _df_cache["n"]
    from django.utils import timezone

    from ioc.media.models import Article

    df, n = Counter(), 0
    since = timezone.now() - timedelta(days=30)
    for title, text in Article.objects.filter(published_at__gte=since, duplicate_of__isnull=True).values_list(
        "title", "text"
    )[:5000]:
        df.update(set(terms(title, text)))
        n += 1
    _df_cache.update(at=time.monotonic(), df=df, n=n)
    return df, n


def forget() -> None:
    _df_cache.update(at=0.0, df=Counter(), n=0)


def vector(counts: Counter, df: Counter, n: int) -> dict[str, float]:
    weights = {t: (1 + math.log(c)) * math.log((n + 1) / (df.get(t, 0) + 1) + 1) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def assign(article) -> None:
    """Put an original article in the story it belongs to, or start one (copies follow their original's story)."""
    from ioc.media.models import Article, Story

    if article.duplicate_of_id:
        original = Article.objects.only("story_id").get(pk=article.duplicate_of_id)
        if original.story_id:
            Article.objects.filter(pk=article.pk).update(story_id=original.story_id)
            Story.objects.filter(pk=original.story_id).update(size=F("size") + 1)
        return
    df, n = document_frequencies()
    mine = vector(terms(article.title, article.text), df, n)
    window = (article.published_at - STORY_WINDOW, article.published_at + STORY_WINDOW)
    candidates = Story.objects.filter(
        last_at__gte=window[0], first_at__lte=window[1], first_at__gte=article.published_at - STORY_SPAN
    ).order_by("-last_at")[:200]
    stories = {story.pk: story for story in candidates}
    recent: dict[int, list[tuple[str, str]]] = {}
    # One query for the candidates' articles, newest first; five of each story are compared.
    for story_id, title, text in (
        Article.objects.filter(story_id__in=stories, duplicate_of__isnull=True)
        .order_by("-published_at")
        .values_list("story_id", "title", "text")
    ):
        if len(recent.setdefault(story_id, [])) < 5:
            recent[story_id].append((title, text))
    best, score = None, 0.0
    for story_id, texts in recent.items():
        # The mean over the story's recent articles, not the best one: a story must not chain from one look-alike
        # to the next into every article on its topic.
        similarity = sum(cosine(mine, vector(terms(title, text), df, n)) for title, text in texts) / len(texts)
        if similarity > score:
            best, score = stories[story_id], similarity
    if best is None or score < JOIN_AT:
        best = Story.objects.create(
            title=article.title[:500], first_at=article.published_at, last_at=article.published_at
        )
    else:
        Story.objects.filter(pk=best.pk).update(size=F("size") + 1, last_at=max(best.last_at, article.published_at))
    Article.objects.filter(pk=article.pk).update(story=best)
    article.story = best
