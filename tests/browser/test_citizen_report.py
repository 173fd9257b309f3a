"""On a phone: a citizen reports with a photo and a map pin; an officer resolves it with a photo; the citizen
sees it resolved and rates it."""

import pytest
from django.utils import translation

from ioc.feedback.models import Report, Status
from tests.browser.test_operator import live_server_shot
from tests.conftest import PASSWORD
from tests.feedback.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def vi(choice):
    with translation.override("vi"):
        return str(choice.label)


def photo_file(tmp_path, name, color):
    path = tmp_path / name
    path.write_bytes(jpeg_bytes(size=(800, 600), color=color))
    return str(path)


def test_citizen_reports_officer_resolves_citizen_rates(
    browser, live_server, users, categories, tiles_offline, login, tmp_path
):
    citizen = browser.new_context(**PHONE).new_page()
    citizen.goto(live_server.url + "/phan-anh/")
    citizen.click("#start-report")
    citizen.wait_for_selector("body[data-map-ready='1']")
    citizen.select_option("#id_category", label="Cây xanh gãy, đổ")
    citizen.fill("#id_description", "Cây xà cừ gãy cành lớn chắn nửa đường")
    box = citizen.locator("#pick-map").bounding_box()
    citizen.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the pin, inside the city
    citizen.wait_for_selector("body[data-pinned='1']")
    citizen.fill("#id_address", "Đường Trần Phú")
    citizen.set_input_files("#id_photos", photo_file(tmp_path, "cay.jpg", (40, 160, 60)))
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    citizen.screenshot(path=str(live_server_shot("citizen-form")), full_page=True)
    citizen.click("#send")
    citizen.wait_for_selector("#tracking-code")
    code = citizen.inner_text("#tracking-code")
    report = Report.objects.get(tracking_code=code)
    assert report.photos.count() == 1 and report.unit is not None and report.department.code == "quan-ly-do-thi"

    operator = browser.new_page(viewport={"width": 1280, "height": 900})
    login(operator, "operator1", PASSWORD)
    operator.goto(f"{live_server.url}/dashboard/feedback/{report.pk}/")
    operator.click("#do-assign")
    operator.wait_for_load_state("networkidle")
    assert operator.inner_text("#report-status") == vi(Status.ASSIGNED)

    officer = browser.new_context(**PHONE).new_page()
    login(officer, "qldt1", PASSWORD)
    officer.goto(f"{live_server.url}/dashboard/feedback/")
    officer.click(f"#inbox a[href='/dashboard/feedback/{report.pk}/'] >> nth=0")
    officer.click("#do-start")
    officer.wait_for_load_state("networkidle")
    officer.fill("#action-form textarea[name=text]", "Đã cắt tỉa và dọn cành cây, thông đường")
    officer.set_input_files("#action-form input[name=photos]", photo_file(tmp_path, "xong.jpg", (90, 90, 90)))
    officer.click("#do-resolve")
    officer.wait_for_load_state("networkidle")
    assert officer.inner_text("#report-status") == vi(Status.RESOLVED)

    citizen.goto(f"{live_server.url}/phan-anh/theo-doi/{code}/")
    assert citizen.inner_text("#report-status") == vi(Status.RESOLVED)
    assert "Đã cắt tỉa" in citizen.inner_text("#public-reply")
    assert citizen.locator(".photos img").count() == 2  # the citizen's and the resolution photo
    citizen.check("#rate-form input[value='1']")
    citizen.click("#rate-form button[type=submit]")
    citizen.wait_for_selector("#my-rating")
    citizen.screenshot(path=str(live_server_shot("citizen-rated")), full_page=True)
    assert Report.objects.get(pk=report.pk).rating is True
