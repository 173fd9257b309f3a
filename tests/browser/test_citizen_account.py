"""On a phone (390×844): a citizen signs in with a one-time code, sees their report and the update the ward gave it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from ioc.feedback.services import submit_report, transition
from tests.conftest import POINT_DOAN_KET
from tests.feedback.conftest import make_photo

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_citizen_signs_in_with_a_code_and_follows_their_report(browser, live_server, users, categories):
    report = submit_report(
        category=categories["den-duong"],
        description="Cột đèn trước trường mầm non bị tắt",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
        attributes={"tinh_trang": "tat"},
        photos=[make_photo()],
        reporter_email="me@example.vn",
    )
    transition(report, users["operator"], "assign", department=report.department)
    transition(report, users["department_officer"], "start", text="Đội điện đã nhận việc")

    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(live_server.url + "/phan-anh/")
    page.click("text=Đăng nhập")
    page.fill("#contact", "me@example.vn")
    sent_before = len(mail.outbox)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#code-form")
    assert len(mail.outbox) == sent_before + 1
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("#code", code)
    page.click("#code-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Phản ánh của tôi")
    item = page.locator("#my-reports-list li", has_text="Cột đèn trước trường mầm non")
    expect(item).to_contain_text(report.tracking_code)
    expect(item.locator(".badge")).to_have_text("Đang xử lý")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    item.locator("a.title").click()
    expect(page.locator("body")).to_contain_text("Đội điện đã nhận việc")
