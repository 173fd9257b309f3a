"""From bytes to articles: feed and sitemap listings (feedparser; sitemaps incl. Google News), and an article page's
title, main text (no menus or footers) and date (trafilatura and htmldate, never later than today)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import feedparser
import trafilatura
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from ioc.core.services.calendar import TZ

MAX_ENTRIES = 500


class ExtractError(ValueError):
    pass


@dataclass
class Entry:
    url: str
    title: str = ""
    published_at: datetime | None = None


@dataclass
class Found:
    title: str
    text: str
    published_at: datetime | None


def listing(body: bytes, sitemap: bool = False) -> list[Entry]:
    """The links of a feed or a sitemap, newest first where dates say so."""
    if sitemap or b"<urlset" in body[:2000] or b"<sitemapindex" in body[:2000]:
        return _sitemap(body)
    feed = feedparser.parse(body)
    entries = []
    for item in feed.entries[:MAX_ENTRIES]:
        link = item.get("link")
        if not link:
            continue
        parsed = item.get("published_parsed") or item.get("updated_parsed")
        when = datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
        entries.append(Entry(link, item.get("title", ""), when))
    if feed.bozo and not entries:  # broken XML with nothing usable in it (a well-formed empty feed is fine)
        raise ExtractError(_("not a feed that can be read"))
    return entries


def _sitemap(body: bytes) -> list[Entry]:
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        raise ExtractError(_("not a sitemap that can be read")) from None
    entries = []
    for url in root.iter("{*}url"):
        loc = url.findtext("{*}loc")
        if not loc:
            continue
        title = url.findtext(".//{*}news/{*}title") or ""
        date = url.findtext(".//{*}news/{*}publication_date") or url.findtext("{*}lastmod")
        entries.append(Entry(loc.strip(), title.strip(), _parse_date(date)))
        if len(entries) >= MAX_ENTRIES:
            break
    return entries


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=TZ)


def article(html: str, url: str) -> Found | None:
    """The page's article, or None when it holds none."""
    today = timezone.localdate().isoformat()
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"max_date": today, "original_date": True, "extensive_search": True},
    )
    if document is None or not (document.text or "").strip():
        return None
    published = None
    if document.date:
        try:
            published = datetime.fromisoformat(document.date).replace(hour=12, tzinfo=TZ)
        except ValueError:
            published = None
    return Found((document.title or "").strip(), document.text.strip(), published)


def sane_date(from_listing: datetime | None, from_page: datetime | None, now: datetime) -> datetime:
    """The publication time: the feed's (it has the hour) unless it is missing or absurd, then the page's, else now.
    Absurd: in the future, or more than a year before the page says."""
    for candidate in (from_listing, from_page):
        if candidate is None or candidate > now + timedelta(hours=1):
            continue
        if from_page and candidate < from_page - timedelta(days=365):
            continue
        return candidate
    return now
