"""The media pages as their users use them: the IOC sees every keyword set's stories, a department its own sets,
a ward nothing; an officer adds a link seen on Zalo; every article says why it was found."""

import pytest

from ioc.core.models import AuditLog, Department
from ioc.media.choices import ArticleVia
from ioc.media.models import Article, KeywordSet
from ioc.media.services import ingest_article, save_keyword_set
from tests.media.site import article_html
from tests.media.test_dedup import OTHER, TEXT


@pytest.fixture
def watched(users):
    urban = Department.objects.get(code="quan-ly-do-thi")
    save_keyword_set(None, KeywordSet(name="Thiên tai", terms="sạt lở", department=urban))
    save_keyword_set(None, KeywordSet(name="Nông nghiệp", terms="hoa màu"))
    from django.utils import timezone

    for url, title, text in [
        ("https://baolaichau.vn/a.html", "Mưa lớn gây sạt lở ở Đoàn Kết", TEXT),
        ("https://dantri.com.vn/b.htm", "Mưa lớn gây sạt lở ở Đoàn Kết - Dân trí", TEXT),
        ("https://laichau.gov.vn/c.html", "Dông lốc tốc mái nhà dân ở San Thàng", OTHER),
    ]:
        ingest_article(url=url, title=title, text=text, published_at=timezone.now(), via=ArticleVia.FEED)


def test_the_ioc_sees_every_set_and_each_story_once_with_its_copies(users, client_for, watched):
    page = client_for(users["operator"]).get("/dashboard/media/").content.decode()
    assert "Báo chí, mạng xã hội" in page and "Thiên tai" in page and "Nông nghiệp" in page
    stories = page.split('id="stories"')[1]
    assert stories.count("Mưa lớn gây sạt lở ở Đoàn Kết") == 1  # the copy is not a second story
    assert "baolaichau.vn" in stories and "Dông lốc" in stories


def test_a_department_sees_only_its_own_sets(users, client_for, watched):
    officer = client_for(users["department_officer"])
    page = officer.get("/dashboard/media/").content.decode()
    assert "Thiên tai" in page and "Nông nghiệp" not in page and "Dông lốc" not in page
    other = Article.objects.get(url="https://laichau.gov.vn/c.html")
    assert officer.get(f"/dashboard/media/articles/{other.pk}/").status_code == 404
    assert client_for(users["ward_officer"]).get("/dashboard/media/").status_code == 403


def test_an_article_says_why_it_was_found_and_its_reading_is_logged(users, client_for, watched):
    first = Article.objects.get(url="https://baolaichau.vn/a.html")
    page = client_for(users["department_officer"]).get(f"/dashboard/media/articles/{first.pk}/").content.decode()
    assert "Vì sao bài này được tìm thấy" in page and page.count("Thiên tai</strong>: sạt lở") == 1  # copy matched too
    assert "dantri.com.vn" in page  # its copy
    assert AuditLog.objects.filter(action="media.article.read", object_id=str(first.pk)).exists()


def test_an_officer_adds_a_link_once(site, users, client_for, db):
    site.page("/bai/zalo.html", article_html("Người dân phản ánh đèn đường hỏng", [TEXT]))
    officer = client_for(users["operator"])
    response = officer.post("/dashboard/media/submit/", {"url": f"{site.base}/bai/zalo.html"}, follow=True)
    page = response.content.decode()
    assert "Đã thu thập bài viết: Người dân phản ánh đèn đường hỏng" in page
    article = Article.objects.get(via=ArticleVia.SUBMITTED)
    assert article.submitted_by == users["operator"]
    again = officer.post("/dashboard/media/submit/", {"url": f"{site.base}/bai/zalo.html"}, follow=True)
    assert "Bài viết đã có" in again.content.decode() and Article.objects.count() == 1
    bad = officer.post("/dashboard/media/submit/", {"url": "javascript:alert(1)"}, follow=True).content.decode()
    assert "http:// hoặc https://" in bad and Article.objects.count() == 1
    missing = officer.post("/dashboard/media/submit/", {"url": f"{site.base}/khong-co.html"}, follow=True)
    assert "Không thu thập được trang: HTTP 404" in missing.content.decode()


def test_the_weekly_report_covers_the_readers_own_sets(users, client_for, watched):
    import io

    from openpyxl import load_workbook

    officer = client_for(users["department_officer"])
    response = officer.get("/dashboard/media/report/week.xlsx")
    assert response.status_code == 200 and "bao-cao-bao-chi-week" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sets = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sets == ["Thiên tai"]  # not the agriculture set of no department
    top = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert top[0][1] == "Mưa lớn gây sạt lở ở Đoàn Kết" and top[0][3] == 1  # one copy
    pdf = client_for(users["leader"]).get("/dashboard/media/report/month.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert AuditLog.objects.filter(action="export", object_type="media.report").count() == 2
    assert officer.get("/dashboard/media/report/year.pdf").status_code == 404


def test_the_wall_shows_the_days_media_in_words(users, watched):
    from ioc.media.selectors import wall_board

    lines = wall_board(users["wall"])
    assert lines[0].startswith("Articles about the city in 24 h: 3")
    assert any("Mưa lớn gây sạt lở ở Đoàn Kết (1 copies)" in line for line in lines)
