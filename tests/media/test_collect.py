"""Collecting from a local site as from the province's paper: feeds and sitemaps, article text without menus or
footers, robots.txt, one request per host at a time, conditional GET, one fetch per URL, legacy encodings, and
sources that fail backing off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ioc.media.choices import SourceKind
from ioc.media.models import Article, KeywordSet, Mention, Source
from ioc.media.services import collect_source, save_keyword_set
from tests.media.site import article_html, to_cp1258

LANDSLIDE = [
    "Mưa lớn kéo dài từ đêm 19/11 đã gây sạt lở đất đá tại nhiều điểm thuộc phường Đoàn Kết, thành phố Lai Châu.",
    "Khoảng 40 khối đất đá tràn xuống mặt đường, giao thông qua khu vực bị ách tắc nhiều giờ liền.",
    "Lực lượng chức năng đã huy động máy xúc khắc phục, cắm biển cảnh báo và phân luồng cho người dân.",
]
TOURISM = [
    "Nhờ thời tiết thuận lợi, thành phố Lai Châu đón lượng lớn du khách đến tham quan trong dịp cuối tuần.",
    "Các điểm du lịch cộng đồng tại xã San Thàng thu hút nhiều du khách nhờ cảnh quan và văn hóa đặc sắc.",
]


def rss(base, items):
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><pubDate>{date}</pubDate></item>"
        for title, path, date in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo</title>{entries}</channel></rss>'
    )


@pytest.fixture
def paper(site, db):
    site.page("/robots.txt", "User-agent: *\nDisallow: /noi-bo/\n", "text/plain")
    site.page("/tin/sat-lo.html", article_html("Mưa lớn gây sạt lở tại phường Đoàn Kết", LANDSLIDE))
    site.page("/tin/du-lich.html", article_html("Lai Châu đón khách du lịch cuối tuần", TOURISM))
    site.page("/noi-bo/bi-mat.html", article_html("Không được thu thập", TOURISM))
    site.page("/tin/tap-tin.pdf", b"%PDF-1.4", "application/pdf")
    site.page(
        "/rss.xml",
        rss(
            site.base,
            [
                ("Mưa lớn gây sạt lở", "/tin/sat-lo.html", "Thu, 19 Nov 2026 23:30:00 +0700"),
                ("Du lịch", "/tin/du-lich.html", "Fri, 20 Nov 2026 09:15:00 +0700"),
                ("Nội bộ", "/noi-bo/bi-mat.html", "Fri, 20 Nov 2026 10:00:00 +0700"),
                ("Tệp", "/tin/tap-tin.pdf", "Fri, 20 Nov 2026 10:00:00 +0700"),
            ],
        ),
        "application/rss+xml",
        ETag='"v1"',
    )
    return Source.objects.create(name="Báo Lai Châu (thử)", kind=SourceKind.FEED, url=f"{site.base}/rss.xml")


def test_a_feed_is_collected_politely_into_clean_articles(site, paper):
    save_keyword_set(None, KeywordSet(name="Thiên tai", terms="sạt lở\nlũ quét", query='"Lai Châu"'))
    assert collect_source(paper) == 2
    landslide = Article.objects.get(title="Mưa lớn gây sạt lở tại phường Đoàn Kết")
    assert (
        "40 khối đất đá" in landslide.text and "Bản quyền" not in landslide.text and "Trang chủ" not in landslide.text
    )
    # The feed's time (with the hour) is the publication time.
    assert timezone.localtime(landslide.published_at).strftime("%d/%m/%Y %H:%M") == "19/11/2026 23:30"
    assert Mention.objects.get(article=landslide).terms == ["Lai Châu", "sạt lở"]
    # robots.txt forbids /noi-bo/; a PDF is not a page.
    assert site.hits("/noi-bo/bi-mat.html") == 0
    assert not Article.objects.filter(url__endswith=".pdf").exists()
    # One request per host at a time: never two closer than the delay (0.2 s here).
    # (Measured where the server receives them: a busy machine may delay one send a little, never the pace.)
    times = sorted(t for t, _, _ in site.requests)
    assert times[-1] - times[0] >= 0.2 * (len(times) - 1) - 0.02
    assert all(b - a >= 0.1 for a, b in zip(times, times[1:], strict=False))
    assert all("LaiChauIOC" in headers.get("User-Agent", "") for _, _, headers in site.requests)
    paper.refresh_from_db()
    assert paper.failures == 0 and paper.articles_found == 2 and paper.etag == '"v1"'


def test_a_second_run_asks_if_the_feed_changed_and_fetches_no_page_twice(site, paper):
    collect_source(paper)
    paper.refresh_from_db()
    assert collect_source(paper) == 0
    assert site.requests[-1][2].get("If-None-Match") == '"v1"'  # answered 304 Not Modified
    # The feed changes (a new ETag) but lists the same articles: none is fetched again.
    status, headers, body = site.routes["/rss.xml"]
    site.routes["/rss.xml"] = (status, {**headers, "ETag": '"v2"'}, body)
    paper.refresh_from_db()
    collect_source(paper)
    assert site.hits("/tin/sat-lo.html") == 1 and Article.objects.count() == 2


def test_a_page_in_windows_1258_is_read_in_vietnamese(site, paper):
    html = to_cp1258(article_html("Lai Châu khai trương chợ đêm", TOURISM, charset="windows-1258"))
    site.page("/tin/cho-dem.html", html, "text/html")
    site.page("/rss.xml", rss(site.base, [("Chợ đêm", "/tin/cho-dem.html", "Fri, 20 Nov 2026 10:00:00 +0700")]))
    collect_source(paper)
    article = Article.objects.get()
    assert article.title == "Lai Châu khai trương chợ đêm" and "Các điểm du lịch cộng đồng" in article.text


def test_a_source_that_fails_backs_off_and_says_why(site, paper, users, client_for):
    site.page("/rss.xml", "lỗi máy chủ", "text/plain", status=500)
    collect_source(paper)
    paper.refresh_from_db()
    first_wait = paper.next_fetch_at - timezone.now()
    collect_source(paper)
    paper.refresh_from_db()
    assert paper.failures == 2 and paper.last_status == "HTTP 500"
    assert paper.next_fetch_at - timezone.now() > first_wait + timedelta(minutes=20)  # 30 min, then 60
    page = client_for(users["operator"]).get("/dashboard/media/sources/").content.decode()
    assert "HTTP 500" in page and "2 lần lỗi liên tiếp" in page


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("không phải XML", "text/plain"), ("<rss><channel><item><title>x</title>", "application/rss+xml")],
)
def test_a_feed_that_cannot_be_read_is_reported_not_stored(site, paper, body, content_type):
    site.page("/rss.xml", body, content_type)
    assert collect_source(paper) == 0
    paper.refresh_from_db()
    assert paper.failures == 1 and paper.last_status and Article.objects.count() == 0


def test_redirect_loops_and_huge_pages_are_refused(site, paper, settings):
    site.routes["/tin/vong.html"] = (302, {"Location": "/tin/vong.html", "Content-Type": "text/html"}, b"")
    site.routes["/tin/lon.html"] = (200, {"Content-Type": "text/html", "Content-Length": str(50 * 1024 * 1024)}, b"")
    site.page(
        "/rss.xml",
        rss(
            site.base,
            [
                ("Vòng", "/tin/vong.html", "Fri, 20 Nov 2026 10:00:00 +0700"),
                ("Lớn", "/tin/lon.html", "Fri, 20 Nov 2026 10:00:00 +0700"),
                ("Du lịch", "/tin/du-lich.html", "Fri, 20 Nov 2026 09:15:00 +0700"),
            ],
        ),
    )
    assert collect_source(paper) == 1  # the good article still comes in
    assert Article.objects.get().title == "Lai Châu đón khách du lịch cuối tuần"


def test_a_google_news_sitemap_is_read(site, db):
    site.page("/tin/sat-lo.html", article_html("Mưa lớn gây sạt lở tại phường Đoàn Kết", LANDSLIDE))
    site.page(
        "/sitemap-news.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        f"<loc>{site.base}/tin/sat-lo.html</loc><news:news><news:publication_date>2026-11-19T23:30:00+07:00"
        "</news:publication_date><news:title>Mưa lớn gây sạt lở</news:title></news:news></url></urlset>",
        "application/xml",
    )
    source = Source.objects.create(name="Sơ đồ", kind=SourceKind.SITEMAP, url=f"{site.base}/sitemap-news.xml")
    assert collect_source(source) == 1
    article = Article.objects.get()
    assert timezone.localtime(article.published_at).strftime("%d/%m/%Y %H:%M") == "19/11/2026 23:30"
