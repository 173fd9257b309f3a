"""The citizens' and officers' pages as people use them (server side; the browser test clicks through)."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from ioc.core.models import AuditLog
from ioc.feedback import services
from ioc.feedback.models import Report
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG
from tests.feedback.conftest import make_photo


def form_data(categories, **kw):
    return {
        "category": categories["den-duong"].pk,
        "description": "Đèn tắt cả dãy",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
        "address": "Đường Trần Phú",
        "attr_den-duong_tinh_trang": "tat",
        "photos": [make_photo()],
        "phone": "0912345678",
        **kw,
    }


def test_a_citizen_reports_and_lands_on_the_tracking_page(categories):
    response = Client().post("/phan-anh/gui/", form_data(categories), follow=True)
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == f"/phan-anh/theo-doi/{report.tracking_code}/"
    page = response.content.decode()
    assert report.tracking_code in page and "Đèn tắt cả dãy" in page
    assert report.photos.count() == 1 and report.attributes == {"tinh_trang": "tat"}


def test_the_form_explains_what_is_wrong(categories):
    response = Client().post("/phan-anh/gui/", form_data(categories, lat="", lon="", photos=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "errorlist" in page and not Report.objects.exists()
    outside = Client().post("/phan-anh/gui/", form_data(categories, lat=21.03, lon=105.85))
    assert outside.status_code == 400 and not Report.objects.exists()


def test_the_honeypot_stores_nothing(categories):
    response = Client().post("/phan-anh/gui/", form_data(categories, website="http://spam.example"))
    assert response.status_code == 302 and not Report.objects.exists()


def test_submissions_are_rate_limited_per_address_and_per_contact(categories, settings):
    cache.clear()
    settings.IOC = {**settings.IOC, "RATE_REPORT": "2/h"}
    codes = [
        Client(REMOTE_ADDR="203.0.113.5").post("/phan-anh/gui/", form_data(categories)).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    cache.clear()
    # The same phone from different addresses is limited too.
    codes = [
        Client(REMOTE_ADDR=f"203.0.113.{i}").post("/phan-anh/gui/", form_data(categories)).status_code
        for i in range(10, 13)
    ]
    assert codes == [302, 302, 429]
    cache.clear()


def test_nearby_open_reports_are_suggested(submit, categories):
    existing = submit()
    far = (
        Client()
        .get(
            "/phan-anh/gan-day.json",
            {"category": categories["den-duong"].pk, "lat": POINT_TAN_PHONG[0], "lon": POINT_TAN_PHONG[1]},
        )
        .json()
    )
    assert far["reports"] == []
    near = (
        Client()
        .get(
            "/phan-anh/gan-day.json",
            {"category": categories["den-duong"].pk, "lat": POINT_DOAN_KET[0] + 0.0002, "lon": POINT_DOAN_KET[1]},
        )
        .json()
    )
    assert [r["id"] for r in near["reports"]] == [existing.pk] and near["reports"][0]["distance_m"] == 22
    other_category = (
        Client()
        .get(
            "/phan-anh/gan-day.json",
            {"category": categories["rac-thai"].pk, "lat": POINT_DOAN_KET[0], "lon": POINT_DOAN_KET[1]},
        )
        .json()
    )
    assert other_category["reports"] == []
    assert Client().get("/phan-anh/gan-day.json", {"category": "x"}).status_code == 400


def test_public_pages_never_show_the_reporter(submit):
    report = submit(reporter_name="Lò Văn Minh", reporter_phone="0912345678", reporter_email="minh@example.vn")
    for path in (
        "/phan-anh/",
        f"/phan-anh/{report.pk}/",
        f"/phan-anh/theo-doi/{report.tracking_code}/",
        "/phan-anh/ban-do.geojson",
    ):
        page = Client().get(path).content.decode()
        assert "Lò Văn Minh" not in page and "0912345678" not in page and "minh@example.vn" not in page, path
    assert "Cả dãy đèn tắt" in Client().get(f"/phan-anh/{report.pk}/").content.decode()


def test_rejected_reports_are_not_public(submit, users):
    report = submit()
    services.transition(report, users["operator"], "reject", text="Spam")
    assert Client().get(f"/phan-anh/{report.pk}/").status_code == 404


def test_the_reporter_rates_and_reopens_by_tracking_code(submit, users):
    report = submit()
    services.transition(report, users["operator"], "assign")
    services.transition(report, users["operator"], "resolve", text="Đã thay bóng", photos=[make_photo()])
    page = Client().get(f"/phan-anh/theo-doi/{report.tracking_code}/").content.decode()
    assert "Đã thay bóng" in page and 'id="rate-form"' in page
    Client().post(
        f"/phan-anh/theo-doi/{report.tracking_code}/", {"rate": "1", "satisfied": "0", "comment": "Chưa sáng"}
    )
    assert Report.objects.get().rating is False
    Client().post(f"/phan-anh/theo-doi/{report.tracking_code}/", {"reopen": "1", "reason": "Đèn vẫn tắt"})
    assert Report.objects.get().status == "reopened"
    assert Client().get("/phan-anh/theo-doi/PA-NOPE0000/").status_code == 404


def test_the_app_is_installable(db):
    manifest = Client().get("/phan-anh/manifest.webmanifest").json()
    assert manifest["start_url"] == "/phan-anh/" and manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    worker = Client().get("/phan-anh/sw.js")
    assert worker["Content-Type"] == "application/javascript" and b"/phan-anh/gui/" in worker.content
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_officers_inbox_is_their_own(submit, users, client_for):
    mine = submit()  # Đoàn Kết, urban management
    theirs = submit("rac-thai", POINT_TAN_PHONG)  # Tân Phong, environment
    ward = client_for(users["ward_officer"]).get("/dashboard/feedback/").content.decode()
    assert f"/dashboard/feedback/{mine.pk}/" in ward and f"/dashboard/feedback/{theirs.pk}/" not in ward
    dept = client_for(users["department_officer"])
    assert dept.get(f"/dashboard/feedback/{theirs.pk}/").status_code == 404
    page = dept.get(f"/dashboard/feedback/{mine.pk}/").content.decode()
    assert 'id="do-start"' not in page  # not assigned yet: nothing for the officer to start


def test_officer_works_a_report_through_the_pages(submit, users, client_for):
    report = submit(reporter_phone="0912345678")
    operator = client_for(users["operator"])
    page = operator.get(f"/dashboard/feedback/{report.pk}/").content.decode()
    assert "0912345678" in page  # the reporter is visible to those who handle it ...
    assert AuditLog.objects.filter(action="personal_data.read", object_id=str(report.pk)).exists()  # ... and logged
    # The category's question and the chosen answer's label, not the form's keys (tinh_trang: tat).
    assert "<th>Tình trạng đèn</th><td>Tắt hẳn</td>" in page and "tinh_trang" not in page
    operator.post(f"/dashboard/feedback/{report.pk}/assign/", {"text": ""})
    officer = client_for(users["department_officer"])
    officer.post(f"/dashboard/feedback/{report.pk}/start/", {})
    officer.post(f"/dashboard/feedback/{report.pk}/note/", {"text": "Chờ xe thang"})
    refused = officer.post(f"/dashboard/feedback/{report.pk}/resolve/", {"text": "Xong"}, follow=True)
    assert "photo of the result" in refused.content.decode() or "ảnh kết quả" in refused.content.decode()
    officer.post(f"/dashboard/feedback/{report.pk}/resolve/", {"text": "Đã thay bóng", "photos": [make_photo()]})
    report.refresh_from_db()
    assert report.status == "resolved" and report.photos.filter(kind="resolution").count() == 1
    assert report.events.get(action="note").public is False


def test_statistics_and_exports(submit, users, client_for):
    report = submit()
    services.transition(report, users["operator"], "assign")
    services.transition(report, users["operator"], "resolve", text="Xong", photos=[make_photo()])
    services.rate(report, True)
    submit("rac-thai", POINT_TAN_PHONG)
    client = client_for(users["leader"])
    page = client.get("/dashboard/feedback/stats/?by=category").content.decode()
    assert "Đèn chiếu sáng công cộng hỏng" in page and "100,0" in page  # Vietnamese decimal comma
    csv_text = client.get("/dashboard/feedback/stats/?by=unit&format=csv").content.decode("utf-8")
    assert csv_text.startswith("\ufeff") and "Phường Đoàn Kết" in csv_text and "Phường Tân Phong" in csv_text
    xlsx = client.get("/dashboard/feedback/stats/?by=department&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] in ("Received", "Tiếp nhận") and {r[0] for r in rows[1:]} == {
        "Phòng Quản lý đô thị",
        "Phòng Tài nguyên và Môi trường",
    }
    assert AuditLog.objects.filter(action="export", object_type="feedback.report").count() == 2
    api = client.get("/api/feedback/stats?by=month").json()
    assert api[0]["received"] == 2 and api[0]["satisfaction_pct"] == 100.0


@pytest.mark.parametrize("path", ["/dashboard/feedback/", "/dashboard/feedback/stats/"])
def test_citizens_cannot_open_the_workspace(users, client_for, path):
    assert client_for(users["citizen"]).get(path).status_code == 403


def test_officers_search_without_diacritics(submit, users, client_for):
    lamp = submit(description="Đèn đường tắt ở ngõ 5", address="Đường Trần Phú")
    other = submit("rac-thai", description="Rác tồn đọng")
    client = client_for(users["operator"])
    for query in ("den duong", "ĐÈN ĐƯỜNG", "tran phu", lamp.tracking_code.lower()):
        page = client.get("/dashboard/feedback/", {"q": query}).content.decode()
        assert f"/dashboard/feedback/{lamp.pk}/" in page and f"/dashboard/feedback/{other.pk}/" not in page, query


def test_html_in_a_report_is_shown_as_text_never_run(submit, users, client_for):
    from django.test import Client

    report = submit(description='<script>alert("x")</script><img src=x onerror=alert(1)>')
    for page in (
        Client().get(f"/phan-anh/{report.pk}/"),
        client_for(users["operator"]).get(f"/dashboard/feedback/{report.pk}/"),
    ):
        html = page.content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
        assert "<img src=x onerror" not in html
    xml = Client().get(f"/open311/v2/requests/{report.pk}.xml").content
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml
