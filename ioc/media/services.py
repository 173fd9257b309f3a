"""Everything that writes in the media domain: articles in (deduplicated, matched), sources collected with backoff,
links submitted by officers, keyword sets saved and applied to what was already collected."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ioc.core.services.alerts import raise_alert
from ioc.core.services.audit import record
from ioc.core.text import nfc
from ioc.media import dedup, extract, importer, stories, tone
from ioc.media.choices import ArticleVia, SourceKind
from ioc.media.fetcher import FetchError, fetch
from ioc.media.keywords import Matcher, QueryError, Text
from ioc.media.models import Article, ArticleBand, ArticleLabel, KeywordSet, Mention, Source

log = logging.getLogger(__name__)
TITLE_WINDOW = timedelta(days=7)  # the same title or nearly the same text this close is the same story
MAX_BACKOFF = timedelta(hours=24)
MAX_TEXT = 200_000  # characters kept of an article's text
ENTRIES_PER_RUN = 50  # new links followed per feed per run (the rest wait for the next run)


class MediaError(ValueError):
    """A request that cannot be done; the message is for the officer."""


@dataclass
class Ingested:
    article: Article
    created: bool  # False: the URL was already collected (nothing written)


def _matchers() -> list[tuple[KeywordSet, Matcher]]:
    compiled = []
    for keyword_set in KeywordSet.objects.filter(enabled=True):
        try:
            compiled.append(
                (
                    keyword_set,
                    Matcher.build(keyword_set.terms, keyword_set.exclude, keyword_set.query, keyword_set.ignore_case),
                )
            )
        except QueryError:
            log.warning("keyword set %s cannot be read; skipped", keyword_set.pk)
    return compiled


def _find_copy(title_key: str, signature, published_at: datetime) -> tuple[Article | None, str]:
    near = Article.objects.filter(
        duplicate_of__isnull=True,
        published_at__gte=published_at - TITLE_WINDOW,
        published_at__lte=published_at + TITLE_WINDOW,
    )
    if title_key and len(title_key.split()) >= 4:
        for same_title in near.filter(title_key=title_key).order_by("published_at")[:20]:
            # A recurring headline ("… phòng chống sốt xuất huyết") over a different text is another story.
            if signature is None or same_title.signature is None:
                return same_title, "title"
            if dedup.similarity(same_title.signature, signature) >= dedup.SAME_TITLE_JACCARD:
                return same_title, "title"
    if signature is not None:
        hashes = dedup.band_hashes(signature)
        candidates = (
            ArticleBand.objects.filter(
                article__duplicate_of__isnull=True,
                article__published_at__gte=published_at - TITLE_WINDOW,
                article__published_at__lte=published_at + TITLE_WINDOW,
                value__in=hashes,
            )
            .values_list("article_id", "band", "value")
            .order_by("article_id")[:500]
        )
        ids = {article for article, band, value in candidates if hashes[band] == value}
        best, score = None, 0.0
        for candidate in Article.objects.filter(pk__in=ids).only("pk", "signature", "published_at"):
            similarity = dedup.similarity(candidate.signature, signature)
            if similarity >= dedup.NEAR_JACCARD and similarity > score:
                best, score = candidate, similarity
        if best:
            return best, "text"
    return None, ""


def ingest_article(
    *,
    url: str,
    title: str,
    text: str,
    published_at: datetime,
    via: str,
    source: Source | None = None,
    user=None,
    matchers: list | None = None,
    author: str = "",
) -> Ingested:
    """Store one article once: a URL already collected returns the stored one; a copy of an earlier story (same
    title, or nearly the same text) is stored pointing to it; then the keyword sets are matched."""
    canonical = dedup.canonical_url(url)
    existing = Article.objects.filter(canonical_url=canonical).first()
    if existing:
        return Ingested(existing, False)
    title, text = nfc(title).strip()[:500], nfc(text).strip()[:MAX_TEXT]
    if not title:
        raise MediaError(_("The article has no title."))
    now = timezone.now()
    if published_at > now + timedelta(hours=1):
        published_at = now  # a date in the future is a wrong date (a page's event date, a typo)
    title_key = dedup.title_key(title)
    signature = dedup.signature(f"{title}\n{text}")
    original, level = _find_copy(title_key, signature, published_at)
    verdict = tone.classify(title, text)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                source=source,
                via=via,
                url=url[:2000],
                canonical_url=canonical[:2000],
                site=(urlsplit(canonical).hostname or "")[:255],
                title=title,
                title_key=title_key[:500],
                text=text,
                published_at=published_at,
                signature=signature.tobytes() if signature is not None else None,
                duplicate_of=original,
                duplicate_level=level,
                submitted_by=user if getattr(user, "is_authenticated", False) else None,
                author_hash=importer.author_hash(author) if author else "",
                tone=verdict.tone,
                tone_score=verdict.tone_score,
                harm=verdict.harm,
                harm_score=verdict.harm_score,
            )
            if signature is not None and original is None:
                ArticleBand.objects.bulk_create(
                    ArticleBand(article=article, band=k, value=v) for k, v in enumerate(dedup.band_hashes(signature))
                )
            stories.assign(article)
            mentions = _match(article, matchers if matchers is not None else _matchers())
            if verdict.harmful and original is None and mentions:
                _alert_harmful(article, [m.keyword_set.name for m in mentions])
    except IntegrityError:  # collected by another worker in the meantime
        return Ingested(Article.objects.get(canonical_url=canonical[:2000]), False)
    return Ingested(article, True)


def _match(article: Article, matchers) -> list[Mention]:
    text = Text.of(f"{article.title}\n{article.text}")
    mentions = []
    for keyword_set, matcher in matchers:
        terms = matcher.match(text)
        if terms:
            mentions.append(
                Mention(article=article, keyword_set=keyword_set, terms=terms, published_at=article.published_at)
            )
    return Mention.objects.bulk_create(mentions, ignore_conflicts=True)


def _alert_harmful(article: Article, sets: list[str]) -> None:
    """A harmful post about what the city watches goes to the IOC feed with its SOP (verify, answer, request
    removal within 24 h, report)."""
    from ioc.media.choices import HarmType

    raise_alert(
        kind="media.harmful",
        source=f"media:article:{article.pk}",
        title=_("Harmful post: %(kind)s — %(title)s")
        % {"kind": HarmType(article.harm).label, "title": article.title[:120]},
        message=_("Found by: %(sets)s · %(site)s") % {"sets": ", ".join(sorted(sets)), "site": article.site},
        data={"article": article.pk, "url": article.url, "harm": article.harm},
    )


@transaction.atomic
def label_article(user, article: Article, *, tone_value: str, harm: str) -> ArticleLabel:
    """An officer's tone and harm for an article (and its copies): stored, audited, and the classifier learns it."""
    from ioc.media.choices import HarmType, Tone

    if tone_value not in Tone.values or harm not in HarmType.values:
        raise MediaError(_("Choose a tone and a kind of harm from the lists."))
    label = ArticleLabel.objects.create(article=article, tone=tone_value, harm=harm, user=user)
    before = {"tone": article.tone, "harm": article.harm}
    Article.objects.filter(pk=article.pk).update(tone=tone_value, harm=harm, labelled=True)
    Article.objects.filter(duplicate_of=article, labelled=False).update(tone=tone_value, harm=harm)
    record(user, "media.article.label", article, before=before, after={"tone": tone_value, "harm": harm})
    transaction.on_commit(tone.forget)
    return label


@transaction.atomic
def save_keyword_set(user, keyword_set: KeywordSet, *, rematch_days: int = 30) -> int:
    """Save a set (its query already checked by the form) and match it against the last `rematch_days` of
    articles, so a new set shows what was said before it existed. Returns how many articles it matched."""
    matcher = Matcher.build(keyword_set.terms, keyword_set.exclude, keyword_set.query, keyword_set.ignore_case)
    created = keyword_set.pk is None
    keyword_set.save()
    Mention.objects.filter(keyword_set=keyword_set).delete()
    since = timezone.now() - timedelta(days=rematch_days)
    found = []
    for article in Article.objects.filter(published_at__gte=since).only("pk", "title", "text", "published_at"):
        terms = matcher.match(Text.of(f"{article.title}\n{article.text}"))
        if terms:
            found.append(
                Mention(article=article, keyword_set=keyword_set, terms=terms, published_at=article.published_at)
            )
    Mention.objects.bulk_create(found, batch_size=500)
    record(user, "media.keyword_set." + ("create" if created else "update"), keyword_set, matched=len(found))
    return len(found)


def record_read(user, article: Article, *, request=None) -> None:
    """Who read which article (it may carry what a person posted)."""
    record(user, "media.article.read", article, request=request)


def submit_link(user, url: str) -> Ingested:
    """An officer's link (a Zalo or closed-group post seen elsewhere, a page no feed carries): fetched once."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise MediaError(_("Enter a web address starting with http:// or https://."))
    existing = Article.objects.filter(canonical_url=dedup.canonical_url(url)).first()
    if existing:
        return Ingested(existing, False)
    try:
        page = fetch(url, kind="page")
    except FetchError as error:
        raise MediaError(_("The page could not be collected: %(reason)s.") % {"reason": error}) from None
    found = extract.article(page.text(), page.url)
    if not found:
        raise MediaError(_("No article text was found on that page."))
    result = ingest_article(
        url=url,
        title=found.title,
        text=found.text,
        published_at=found.published_at or timezone.now(),
        via=ArticleVia.SUBMITTED,
        user=user,
    )
    record(user, "media.link.submit", result.article, url=url)
    return result


def collect_source(source: Source) -> int:
    """Collect one feed or sitemap: new links are fetched (once each, whatever the sources) and stored. Errors back
    the source off (doubling, at most a day) and show on its page. Returns how many new articles were stored."""
    now = timezone.now()
    if source.kind in (SourceKind.YOUTUBE, SourceKind.FACEBOOK):
        return _collect_platform(source)
    try:
        listing = fetch(source.url, kind="feed", etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        _failed(source, str(error))
        return 0
    if listing.not_modified:
        _succeeded(source, 0, listing, _("unchanged since the last collection"))
        return 0
    try:
        entries = extract.listing(listing.body, source.kind == SourceKind.SITEMAP)
    except extract.ExtractError as error:
        _failed(source, str(error))
        return 0
    matchers = _matchers()
    stored = 0
    followed = 0
    for entry in entries:
        if Article.objects.filter(canonical_url=dedup.canonical_url(entry.url)).exists():
            continue
        if followed >= ENTRIES_PER_RUN:
            break
        followed += 1
        try:
            page = fetch(entry.url, kind="page")
        except FetchError as error:
            log.info("media: %s: %s", entry.url, error)
            continue
        found = extract.article(page.text(), page.url)
        if not found:
            continue
        published = extract.sane_date(entry.published_at, found.published_at, now)
        try:
            result = ingest_article(
                url=entry.url,
                title=found.title or entry.title,
                text=found.text,
                published_at=published,
                via=ArticleVia.SITEMAP if source.kind == SourceKind.SITEMAP else ArticleVia.FEED,
                source=source,
                matchers=matchers,
            )
        except MediaError:
            continue
        stored += result.created
    _succeeded(source, stored, listing)
    return stored


def _collect_platform(source: Source) -> int:
    """YouTube or Facebook through their APIs: the item's own text (description, message) is the article's."""
    from ioc.media import platforms

    try:
        if source.kind == SourceKind.YOUTUBE:
            items = platforms.youtube_search(source.query or source.name, source.last_fetched_at)
        else:
            items = platforms.facebook_posts(source.query)
    except FetchError as error:
        _failed(source, str(error))
        return 0
    matchers = _matchers()
    stored = 0
    for entry, text, author in items:
        try:
            result = ingest_article(
                url=entry.url,
                title=entry.title,
                text=text,
                published_at=entry.published_at or timezone.now(),
                via=ArticleVia.PLATFORM,
                source=source,
                matchers=matchers,
                author=author,
            )
        except MediaError:
            continue
        stored += result.created
    _succeeded(source, stored)
    return stored


def _succeeded(source: Source, stored: int, listing=None, status: str = "") -> None:
    now = timezone.now()
    status = status or ngettext("%(n)s new article", "%(n)s new articles", stored) % {"n": stored}
    Source.objects.filter(pk=source.pk).update(
        last_fetched_at=now,
        next_fetch_at=now + timedelta(minutes=source.every_minutes),
        last_status=status[:300],
        failures=0,
        etag=(listing.etag or "")[:300] if listing else "",
        last_modified=(listing.last_modified or "")[:100] if listing else "",
        articles_found=source.articles_found + stored,
    )


def _failed(source: Source, reason: str) -> None:
    now = timezone.now()
    failures = source.failures + 1
    backoff = min(timedelta(minutes=source.every_minutes) * 2 ** (failures - 1), MAX_BACKOFF)
    Source.objects.filter(pk=source.pk).update(
        last_fetched_at=now, next_fetch_at=now + backoff, last_status=reason[:300], failures=failures
    )


def collect_due() -> int:
    """The periodic job: every enabled source whose time has come."""
    now = timezone.now()
    due = Source.objects.filter(enabled=True).exclude(kind=SourceKind.MANUAL)
    due = due.filter(next_fetch_at__isnull=True) | due.filter(next_fetch_at__lte=now)
    return sum(collect_source(source) for source in due.order_by("next_fetch_at"))


def export_report(user, period: str, fmt: str, *, request=None) -> tuple[bytes, str]:
    """The media report for a day, week or month as PDF or XLSX (body, content type); audited."""
    from ioc.media import reports

    record(user, "export", object_type="media.report", request=request, format=fmt, period=period)
    if fmt == "pdf":
        return reports.report_pdf(user, period), "application/pdf"
    return reports.report_xlsx(user, period), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
