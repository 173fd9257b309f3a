"""The leaders' briefing: the period's figures from every domain, as a page and a PDF, sent at 07:00."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ioc.core.models import Alert, Notification
from ioc.core.services.alerts import record_alert
from ioc.dashboard import briefing
from tests.conftest import POINT_DOAN_KET


def test_periods_are_the_last_full_day_week_and_month():
    wednesday = date(2026, 11, 25)
    assert briefing.period_bounds("day", wednesday) == (date(2026, 11, 24), date(2026, 11, 24))
    assert briefing.period_bounds("week", wednesday) == (date(2026, 11, 16), date(2026, 11, 22))
    assert briefing.period_bounds("month", wednesday) == (date(2026, 10, 1), date(2026, 10, 31))


def yesterdays_alerts():
    yesterday = timezone.now() - timedelta(days=1)
    for i, severity in enumerate(("critical", "major", "warning")):
        record_alert(
            kind="core.manual",
            source=f"b{i}",
            title=f"Sự cố hôm qua {i}",
            severity=severity,
            lat=POINT_DOAN_KET[0],
            lon=POINT_DOAN_KET[1],
            at=yesterday,
        )
    record_alert(
        kind="hotline.fire", source="today", title="Cháy hôm nay", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1]
    )


def test_the_daily_briefing_page_counts_yesterday_by_domain(users, client_for):
    yesterdays_alerts()
    page = client_for(users["leader"]).get("/dashboard/briefing/?period=day").content.decode()
    assert "Báo cáo tóm tắt ngày" in page and "Sự cố hôm qua 0" in page and "Cháy hôm nay" not in page
    assert 'data-domain="feedback"' in page and "Phản ánh tiếp nhận" in page  # a domain's own lines
    assert 'data-domain="directions"' in page and "Chỉ đạo đã giao" in page
    assert "<rect" in page  # the chart, drawn on the server


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils renders the PDF to check it")
def test_the_briefing_pdf_renders_in_vietnamese(users, client_for, tmp_path):
    yesterdays_alerts()
    response = client_for(users["leader"]).get("/dashboard/briefing/?period=day&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Báo cáo tóm tắt ngày" in text and "Phản ánh tiếp nhận" in text and "Sự cố hôm qua 0" in text
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 10_000  # a drawn first page (title, chart, sections), not a blank one


@pytest.mark.django_db(transaction=True)
def test_leaders_are_told_their_briefing_is_ready(users):
    yesterdays_alerts()
    assert briefing.send_daily() == 1
    note = Notification.objects.get(user=users["leader"])
    assert note.title.startswith("Daily briefing") and note.url == "/dashboard/briefing/?period=day"
    assert "Alerts: 3" in note.body
    assert Alert.objects.count() == 4
