"""YouTube and Facebook through their own APIs (served here by the local site in their answer formats): videos and
page posts come in as articles, YouTube's daily quota is counted and never overspent, errors back the source off."""

import json

from ioc.media.choices import SourceKind
from ioc.media.models import Article, Source
from ioc.media.services import collect_source
from tests.media.test_dedup import OTHER, TEXT

VIDEOS = {
    "items": [
        {
            "id": {"kind": "youtube#video", "videoId": "abc123"},
            "snippet": {
                "publishedAt": "2026-11-20T03:00:00Z",
                "title": "Sạt lở ở Lai Châu sau mưa lớn",
                "description": TEXT,
                "channelTitle": "Kênh Tin Tây Bắc",
            },
        },
        {"id": {"kind": "youtube#channel", "channelId": "c1"}, "snippet": {"title": "Một kênh"}},
    ]
}
POSTS = {
    "data": [
        {
            "message": f"Thông báo của thành phố\n{OTHER}",
            "created_time": "2026-11-21T02:00:00+0000",
            "permalink_url": "https://www.facebook.com/laichau/posts/1",
            "from": {"name": "UBND thành phố Lai Châu"},
        }
    ]
}


def test_youtube_videos_come_in_and_the_quota_is_kept(site, settings, db, users, client_for):
    settings.IOC_YOUTUBE_API_URL = f"{site.base}/youtube/v3"
    settings.IOC_YOUTUBE_API_KEY = "test-key"
    settings.IOC_YOUTUBE_DAILY_QUOTA = 250
    site.routes["/youtube/v3/search"] = (200, {"Content-Type": "application/json"}, json.dumps(VIDEOS).encode())
    # The local server sees the query string in the path: serve any search.
    site.match_prefix = "/youtube/v3/search"
    source = Source.objects.create(
        name="YouTube: Lai Châu", kind=SourceKind.YOUTUBE, url="https://www.youtube.com/", query="Lai Châu"
    )
    assert collect_source(source) == 1
    video = Article.objects.get()
    assert video.url == "https://www.youtube.com/watch?v=abc123" and "40 khối" in video.text and video.author_hash
    source.refresh_from_db()
    collect_source(source)  # 200 of 250 units used
    source.refresh_from_db()
    assert collect_source(source) == 0
    source.refresh_from_db()
    assert source.failures == 1 and "quota" in source.last_status
    assert sum(1 for _, path, _ in site.requests if path.startswith("/youtube/v3/search")) == 2
    page = client_for(users["operator"]).get("/dashboard/media/sources/").content.decode()
    assert "200" in page.split('id="youtube-quota"')[1][:200]


def test_a_facebook_page_through_the_citys_token(site, settings, db):
    settings.IOC_FACEBOOK_API_URL = f"{site.base}/graph"
    settings.IOC_FACEBOOK_TOKEN = "page-token"
    site.match_prefix = "/graph/laichau/posts"
    site.routes["/graph/laichau/posts"] = (200, {"Content-Type": "application/json"}, json.dumps(POSTS).encode())
    source = Source.objects.create(
        name="Trang UBND", kind=SourceKind.FACEBOOK, url="https://www.facebook.com/laichau", query="laichau"
    )
    assert collect_source(source) == 1
    post = Article.objects.get()
    assert post.title == "Thông báo của thành phố" and "tốc mái" in post.text
    assert "access_token=page-token" in [p for _, p, _ in site.requests if p.startswith("/graph")][0]


def test_without_a_key_the_source_says_so(site, settings, db):
    settings.IOC_YOUTUBE_API_KEY = ""
    source = Source.objects.create(name="YT", kind=SourceKind.YOUTUBE, url="https://www.youtube.com/x", query="x")
    assert collect_source(source) == 0
    source.refresh_from_db()
    assert "IOC_YOUTUBE_API_KEY" in source.last_status and source.failures == 1
