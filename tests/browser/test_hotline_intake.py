"""On a phone (390×844), the operator takes a 1022 call on one screen: the caller's earlier reports appear, the
place goes on the map, and the call becomes a citizen report whose tracking code the operator reads to the caller."""

import pytest
from playwright.sync_api import expect

from ioc.feedback.models import Report
from ioc.feedback.services import submit_report
from tests.conftest import PASSWORD, POINT_DOAN_KET
from tests.feedback.conftest import make_photo

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_records_a_call_that_becomes_a_report(
    browser, live_server, users, categories, login, tiles_offline
):
    earlier = submit_report(
        category=categories["duong-hu-hong"],
        description="Ổ gà trước cổng trường",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
        photos=[make_photo()],
        reporter_phone="0912345678",
        taken_by_staff=True,
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})  # an operator's phone, as the issue asks
    login(page, "operator1", PASSWORD)
    page.goto(live_server.url + "/dashboard/hotline/")
    page.click("#take-call")
    # htmx wires the phone field's lookup once the page has loaded: typing before that would send nothing.
    page.wait_for_url("**/dashboard/hotline/call/")
    page.wait_for_load_state("load")
    with page.expect_response(lambda r: "/dashboard/hotline/caller/" in r.url and "0912345678" in r.url):
        page.fill("#id_caller_phone", "0912345678")
    expect(page.locator("#caller-history")).to_contain_text(earlier.tracking_code, timeout=15000)
    page.fill("#id_caller_name", "Bà Lò Thị Hoa")
    page.select_option("#id_topic", "infrastructure")
    page.fill("#id_summary", "Cả dãy đèn đường Trần Phú tắt từ tối qua")
    point = page.evaluate(
        """([lat, lon]) => { const p = window.iocPickMap.latLngToContainerPoint([lat, lon]);
             const box = document.getElementById('pick-map').getBoundingClientRect();
             return [box.left + p.x, box.top + p.y]; }""",
        list(POINT_DOAN_KET),
    )
    page.mouse.click(*point)
    page.check("input[name=outcome][value=report]")
    page.select_option("#id_category", label=categories["den-duong"].name)
    page.click("#call-form button[type=submit]")
    report = Report.objects.exclude(pk=earlier.pk).get()
    expect(page.locator(".messages")).to_contain_text(f"Đã tạo phản ánh {report.tracking_code}")
    assert report.source == "hotline" and report.unit.name == "Phường Đoàn Kết"
    expect(page.locator("#calls")).to_contain_text("Cả dãy đèn đường Trần Phú tắt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # the form fits the phone
