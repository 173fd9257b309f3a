"""Everything that reads in the media domain, and who sees what: officers of a department see the keyword sets given
to their department (and the articles those sets found); the city-wide roles see every set."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ioc.core.choices import Role
from ioc.core.permissions import CITY_WIDE, role_of
from ioc.media.choices import Tone
from ioc.media.models import Article, KeywordSet, Mention, Source


def visible_sets(user):
    sets = KeywordSet.objects.filter(enabled=True)
    role = role_of(user)
    if role in CITY_WIDE:
        return sets
    profile = getattr(user, "profile", None)
    if role == Role.DEPARTMENT_OFFICER and profile and profile.department_id:
        return sets.filter(department_id=profile.department_id)
    return sets.none()


def stories(user, *, keyword_set: KeywordSet | None = None, days: int = 7, limit: int = 50):
    """The stories (first articles, copies counted as reach) that the user's sets found, newest first."""
    since = timezone.now() - timedelta(days=days)
    sets = [keyword_set] if keyword_set else list(visible_sets(user))
    mentioned = Mention.objects.filter(keyword_set__in=sets, published_at__gte=since)
    originals = Article.objects.filter(
        Q(pk__in=mentioned.filter(article__duplicate_of__isnull=True).values("article"))
        | Q(pk__in=mentioned.filter(article__duplicate_of__isnull=False).values("article__duplicate_of"))
    )
    return (
        originals.annotate(reach=Count("copies", distinct=True))
        .prefetch_related("mentions__keyword_set")
        .order_by("-published_at")[:limit]
    )


def set_figures(sets, start, end=None) -> dict[int, dict]:
    """Per keyword set, in one query: articles (copies included: reach), stories (first articles), articles by tone
    and harmful first articles published in [start, end)."""
    mentions = Mention.objects.filter(keyword_set__in=sets, published_at__gte=start)
    if end is not None:
        mentions = mentions.filter(published_at__lt=end)
    first = Q(article__duplicate_of__isnull=True)
    return {
        row.pop("keyword_set"): row
        for row in mentions.values("keyword_set").annotate(
            articles=Count("id"),
            stories=Count("id", filter=first),
            harmful=Count("id", filter=first & ~Q(article__harm="none")),
            **{tone: Count("id", filter=Q(article__tone=tone)) for tone in Tone.values},
        )
    }


def set_volumes(user, *, days: int = 7) -> list[dict]:
    """Per visible set: articles, stories, tone shares (whole percents) and harmful posts in the last `days`."""
    sets = list(visible_sets(user))
    figures = set_figures(sets, timezone.now() - timedelta(days=days))
    rows = []
    for keyword_set in sets:
        row = figures.get(keyword_set.pk, {})
        total = row.get("articles", 0)
        rows.append(
            {
                "set": keyword_set,
                "articles": total,
                "stories": row.get("stories", 0),
                **{t: round(100 * row.get(t, 0) / total) if total else 0 for t in Tone.values},
                "harmful": row.get("harmful", 0),
            }
        )
    return rows


def sources():
    return Source.objects.order_by("name")


def count_mentioned_24h(user=None, unit=None) -> int:
    """Articles (copies included) that the user's keyword sets found in the last 24 hours (the unit plays no part:
    articles have no place)."""
    since = timezone.now() - timedelta(hours=24)
    sets = visible_sets(user) if user is not None else KeywordSet.objects.filter(enabled=True)
    return Mention.objects.filter(keyword_set__in=sets, published_at__gte=since).values("article").distinct().count()


def mentions_of(user, article: Article) -> list[dict]:
    """The visible sets that found this article or one of its copies, each once, with the terms that matched."""
    found: dict[int, dict] = {}
    for mention in (
        Mention.objects.filter(
            Q(article=article) | Q(article__duplicate_of=article), keyword_set__in=visible_sets(user)
        )
        .select_related("keyword_set")
        .order_by("keyword_set__name")
    ):
        row = found.setdefault(mention.keyword_set_id, {"keyword_set": mention.keyword_set, "terms": []})
        row["terms"] += [t for t in mention.terms if t not in row["terms"]]
    return list(found.values())


def can_read(user, article: Article) -> bool:
    """City-wide roles read every article; a department's officers those their sets found."""
    if role_of(user) in CITY_WIDE:
        return True
    original = article.duplicate_of or article
    return bool(mentions_of(user, original))


def wall_board(user) -> list[str]:
    """The media board on the big screen: the last day's volume and tone, harmful posts, the story spreading most."""
    from django.utils.translation import gettext as _

    since = timezone.now() - timedelta(hours=24)
    mentioned = Mention.objects.filter(keyword_set__in=visible_sets(user), published_at__gte=since).values("article")
    articles = Article.objects.filter(pk__in=mentioned)
    total = articles.count()
    if not total:
        return [_("No article about the city in the last 24 hours.")]
    negative = articles.filter(tone=Tone.NEGATIVE).count()
    lines = [
        _("Articles about the city in 24 h: %(n)s, %(neg)s %% negative")
        % {"n": total, "neg": round(100 * negative / total)},
        _("Harmful posts in 24 h: %(n)s")
        % {"n": articles.filter(duplicate_of__isnull=True).exclude(harm="none").count()},
    ]
    top = (
        articles.filter(duplicate_of__isnull=True)
        .annotate(reach=Count("copies"))
        .filter(reach__gt=0)
        .order_by("-reach", "-published_at")
        .first()
    )
    if top:
        lines.append(_("Spreading most: %(title)s (%(n)s copies)") % {"title": top.title[:80], "n": top.reach})
    return lines
