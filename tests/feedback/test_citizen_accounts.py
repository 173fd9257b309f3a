"""Citizen accounts: a one-time code to a phone or email, "my reports", claiming a report by its tracking code."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ioc.core.models import AuditLog
from ioc.core.services.alerts import ServiceError
from ioc.feedback import citizens
from ioc.feedback.models import SignInCode


def code_in(message: str) -> str:
    return re.search(r"\b(\d{6})\b", message).group(1)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("0912 345 678", "0912345678"), ("+84912345678", "0912345678"), (" An@Example.VN ", "an@example.vn")],
)
def test_contacts_are_normalized(raw, normalized):
    assert citizens.normalized_contact(raw) == normalized


@pytest.mark.parametrize("raw", ["12345", "0212345678", "an@", ""])
def test_a_contact_that_is_neither_a_mobile_nor_an_email_is_refused(raw):
    with pytest.raises(ServiceError):
        citizens.normalized_contact(raw)


def test_sign_in_with_an_email_code_and_see_my_reports(units, submit, client, django_capture_on_commit_callbacks):
    mine = submit(reporter_email="an@example.vn", description="Đèn tắt trước nhà văn hóa")
    submit(reporter_email="other@example.vn", description="Của người khác")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/phan-anh/dang-nhap/", {"contact": "An@example.vn"})
    assert response.status_code == 302
    sent = mail.outbox[-1]
    assert sent.to == ["an@example.vn"] and "Mã đăng nhập của bạn" in sent.body
    assert client.post("/phan-anh/dang-nhap/ma/", {"code": "000000"}).status_code == 400
    response = client.post("/phan-anh/dang-nhap/ma/", {"code": code_in(sent.body)})
    assert response.status_code == 302 and response["Location"] == "/phan-anh/cua-toi/"
    page = client.get("/phan-anh/cua-toi/").content.decode()
    assert mine.tracking_code in page and "Của người khác" not in page
    assert client.get("/").status_code == 302 and client.get("/")["Location"] == "/phan-anh/cua-toi/"
    assert AuditLog.objects.filter(action="citizen.sign_in").exists()
    # "Report again" fills in what was reported and the contact.
    form = client.get(f"/phan-anh/gui/?again={mine.tracking_code}").content.decode()
    assert "Đèn tắt trước nhà văn hóa" in form and "an@example.vn" in form


def test_codes_expire_are_single_use_and_allow_five_tries(units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizens.send_code("0912345678")
    code = SignInCode.objects.get()
    assert len(code.code_hash) == 64 and not SignInCode.objects.filter(code_hash__regex=r"^\d{6}$").exists()
    for _ in range(5):
        with pytest.raises(ServiceError, match="not right"):
            citizens.verify_code("0912345678", "999999")
    with pytest.raises(ServiceError, match="Too many wrong"):
        citizens.verify_code("0912345678", "123456")
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ServiceError, match="expired"):
        citizens.verify_code("0912345678", "123456")
    for _ in range(4):
        citizens.send_code("0912345678")
    with pytest.raises(ServiceError, match="Too many codes"):
        citizens.send_code("0912345678")


def test_a_citizen_claims_a_report_by_its_code_but_not_someone_elses(units, submit):
    user = citizens.citizen_for("0912345678")
    anonymous = submit(description="Gửi khi chưa đăng nhập")
    theirs = submit(reporter_phone="0987654321", description="Của người khác")
    assert citizens.claim(user, anonymous.tracking_code.lower()).pk == anonymous.pk
    assert anonymous.pk in {r.pk for r in citizens.my_reports(user)}
    with pytest.raises(ServiceError, match="another phone or email"):
        citizens.claim(user, theirs.tracking_code)
    with pytest.raises(ServiceError):
        citizens.claim(user, "PA-NOPE")
    assert citizens.citizen_for("0912345678") == user  # the same phone, the same account


def test_what_the_city_did_counts_resolved_reports_and_shows_before_and_after_only_with_consent(
    units, submit, users, client
):
    from ioc.feedback.models import Photo
    from ioc.feedback.services import transition
    from tests.feedback.conftest import make_photo

    agreed = submit(description="Đèn tắt, đồng ý công khai ảnh", showcase_ok=True)
    private = submit(description="Đèn tắt, không đồng ý")
    for report in (agreed, private):
        transition(report, users["operator"], "assign", department=report.department)
        transition(report, users["department_officer"], "resolve", text="Đã thay bóng đèn", photos=[make_photo()])
    page = client.get("/phan-anh/ket-qua/").content.decode()
    assert "2 phản ánh đã được giải quyết trong 12 tháng qua." in page
    assert "Phường Đoàn Kết" in page and "Trước và sau khi xử lý" in page
    shown = {p.pk for p in Photo.objects.all() if f"/phan-anh/anh/{p.pk}.jpg" in page}
    assert shown == {p.pk for p in agreed.photos.all()}  # the reporter who did not agree is not in the showcase


def test_updates_go_only_by_the_channels_the_reporter_chose(units, submit, caplog, settings):
    import logging

    from ioc.feedback import notifiers

    settings.IOC = {
        **settings.IOC,
        "FEEDBACK_NOTIFIERS": ["ioc.feedback.notifiers.EmailNotifier", "ioc.feedback.notifiers.LoggingSmsNotifier"],
    }
    sms_only = submit(reporter_email="a@example.vn", reporter_phone="0912345678", notify_channels=["sms"])
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="ioc.feedback.notifiers"):
        notifiers.deliver(sms_only.pk, "Phản ánh đang được xử lý")
    assert mail.outbox == [] and "SMS to 0912…" in caplog.text
    both = submit(reporter_email="b@example.vn", reporter_phone="0987654321")  # no choice: every channel
    mail.outbox.clear()
    notifiers.deliver(both.pk, "Phản ánh đang được xử lý")
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]
