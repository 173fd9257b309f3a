"""Platforms read through their own APIs, never scraped:
- YouTube Data API v3 (`search.list` for a query, newest first): each call costs quota units from the project's daily
  budget (10,000 by default, reset at midnight Pacific time, 15:00 in Vietnam); a search costs 100. The day's use
  is kept in the database and shown on the sources page; a call that would overspend waits for the next day.
- Facebook pages through the Graph API with the city's own approved page token (`/{page}/posts`): only what the
  city is allowed to read.
Keys come from the environment (`IOC_YOUTUBE_API_KEY`, `IOC_FACEBOOK_TOKEN`); the API roots are settings so the
tests can serve them locally."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.media.extract import Entry
from ioc.media.fetcher import FetchError, fetch_api
from ioc.media.models import ApiQuota

PACIFIC = ZoneInfo("America/Los_Angeles")  # YouTube's quota day
SEARCH_COST = 100


def quota_day() -> str:
    return timezone.now().astimezone(PACIFIC).date().isoformat()


def youtube_budget() -> int:
    return int(getattr(settings, "IOC_YOUTUBE_DAILY_QUOTA", 10_000))


def youtube_used() -> int:
    row = ApiQuota.objects.filter(service="youtube", day=quota_day()).first()
    return row.used if row else 0


@transaction.atomic
def _spend(cost: int) -> bool:
    row, _ = ApiQuota.objects.select_for_update().get_or_create(service="youtube", day=quota_day())
    if row.used + cost > youtube_budget():
        return False
    ApiQuota.objects.filter(pk=row.pk).update(used=F("used") + cost)
    return True


def youtube_search(query: str, since: datetime | None = None) -> list[tuple[Entry, str, str]]:
    """The newest videos for a query: (entry, description, channel) each."""
    key = getattr(settings, "IOC_YOUTUBE_API_KEY", "")
    if not key:
        raise FetchError(_("no YouTube API key (IOC_YOUTUBE_API_KEY)"))
    if not _spend(SEARCH_COST):
        raise FetchError(_("YouTube quota for today is spent; it resets at 15:00"))
    params = {
        "part": "snippet",
        "type": "video",
        "order": "date",
        "maxResults": 50,
        "q": query,
        "relevanceLanguage": "vi",
        "regionCode": "VN",
        "key": key,
    }
    if since:
        params["publishedAfter"] = (
            (since - timedelta(hours=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    data = fetch_api(f"{settings.IOC_YOUTUBE_API_URL}/search?{urlencode(params)}")
    found = []
    for item in data.get("items", [])[:50]:
        video = (item.get("id") or {}).get("videoId")
        snippet = item.get("snippet") or {}
        if not video or not snippet.get("title"):
            continue
        published = _time(snippet.get("publishedAt"))
        entry = Entry(f"https://www.youtube.com/watch?v={video}", snippet["title"], published)
        found.append((entry, snippet.get("description", ""), snippet.get("channelTitle", "")))
    return found


def facebook_posts(page: str) -> list[tuple[Entry, str, str]]:
    """The page's newest posts through the Graph API with the city's token: (entry, message, author) each."""
    token = getattr(settings, "IOC_FACEBOOK_TOKEN", "")
    if not token:
        raise FetchError(_("no Facebook page token (IOC_FACEBOOK_TOKEN)"))
    params = {"fields": "message,created_time,permalink_url,from", "limit": 50, "access_token": token}
    data = fetch_api(f"{settings.IOC_FACEBOOK_API_URL}/{page}/posts?{urlencode(params)}")
    if "error" in data:
        raise FetchError(str((data["error"] or {}).get("message", "Graph API error"))[:200])
    found = []
    for post in data.get("data", [])[:50]:
        message, link = post.get("message") or "", post.get("permalink_url")
        if not message or not link:
            continue
        entry = Entry(link, message.split("\n")[0][:200], _time(post.get("created_time")))
        found.append((entry, message, ((post.get("from") or {}).get("name")) or ""))
    return found


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))
    except ValueError:
        return None
