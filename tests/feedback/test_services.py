"""Reports: routing on arrival, working-day deadlines, the state machine, deadlines and alerts, abuse."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ioc.core.models import Alert, Department
from ioc.core.services.alerts import ServiceError
from ioc.core.services.calendar import add_working_days, local_date, roll_forward
from ioc.feedback import services
from ioc.feedback.models import BannedSender, Photo, Report
from tests.conftest import POINT_TAN_PHONG
from tests.feedback.conftest import make_photo


def test_routing_on_arrival(submit, units, users):
    report = submit()
    assert report.department.code == "quan-ly-do-thi" and not report.police
    assert report.unit == units["Đoàn Kết"] and report.status == "submitted"
    assert report.tracking_code.startswith("PA-") and len(report.tracking_code) == 11
    security = submit("an-ninh", POINT_TAN_PHONG, description="Đánh nhau")
    assert security.department.code == "cong-an" and security.police and security.unit == units["Tân Phong"]
    # An urgent category reaches the IOC feed at once, in the right ward.
    alert = Alert.objects.get(kind="feedback.urgent")
    assert alert.unit == units["Tân Phong"] and alert.data["report_id"] == security.pk


def test_deadlines_are_working_days_per_category(submit):
    report = submit()  # street lights: 3 working days, counted from the next working day, due at 17:00
    received = roll_forward(local_date(report.submitted_at))
    assert local_date(report.due_at) == add_working_days(received, 3)
    assert timezone.localtime(report.due_at).hour == 17
    landslide = submit("sat-lo", attributes={"chan_duong": "co"})
    assert landslide.due_at < report.due_at  # urgent: 1 working day
    other = submit("khac")
    assert (other.due_at - report.due_at).days >= 12  # default: 15 working days


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"description": "  "}, "Describe the problem"),
        ({"description": "x" * 4001}, "longer than 4000"),
        ({"point": (21.03, 105.85)}, "outside the city"),
        ({"attributes": {}}, "Please answer: Tình trạng đèn"),
        ({"attributes": {"tinh_trang": "chay-no"}}, "not one of the choices"),
        ({"attributes": {"tinh_trang": "tat", "so_den": "nhiều"}}, "a number is expected"),
        ({"attributes": {"tinh_trang": "tat", "mau_sac": "do"}}, "Unknown question"),
        ({"photos": [make_photo()] * 6}, "At most 5 photos"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_left(submit, kwargs, message, settings):
    with pytest.raises(ServiceError, match=message):
        submit(**kwargs)
    assert not Report.objects.exists()


def test_all_six_datatypes(submit):
    r = submit("sat-lo", attributes={"chan_duong": "khong", "thoi_diem": "2026-11-24T21:30:00+07:00"})
    assert r.attributes == {"chan_duong": "khong", "thoi_diem": "2026-11-24T21:30:00+07:00"}
    r = submit("lan-chiem", attributes={"loai": ["ban-hang", "xe"]})
    assert r.attributes == {"loai": ["ban-hang", "xe"]}
    r = submit("duong-hu-hong", attributes={"kich_thuoc": "1m x 2m", "nguy_hiem": "co"})
    assert r.attributes["kich_thuoc"] == "1m x 2m"
    r = submit("an-ninh", attributes={"chi_tiet": "Khoảng 5 người"})
    assert r.attributes == {"chi_tiet": "Khoảng 5 người"}
    r = submit(attributes={"tinh_trang": "tat", "so_den": "4"})
    assert r.attributes["so_den"] == 4.0


def test_a_failed_upload_leaves_no_report_and_no_file(submit, settings):
    bad = make_photo()
    bad.file.write(b"")  # keep it a valid upload object
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_a_photo = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    with pytest.raises(ServiceError, match="not a valid photo"):
        submit(photos=[make_photo(), not_a_photo])
    assert not Report.objects.exists() and not Photo.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_database_failure_after_saving_files_removes_them(submit, settings, monkeypatch):
    from ioc.feedback import services as svc

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(svc, "_event", boom)
    with pytest.raises(RuntimeError):
        submit()
    media = Path(settings.MEDIA_ROOT)
    assert not Report.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_banned_senders_are_refused(submit, users):
    BannedSender.objects.create(value="0912345678", reason="spam")
    with pytest.raises(PermissionDenied):
        submit(reporter_phone="0912345678")
    BannedSender.objects.update(until=timezone.now() - timedelta(days=1))
    assert submit(reporter_phone="0912345678").pk


def test_the_happy_path_through_the_state_machine(submit, users, django_capture_on_commit_callbacks, settings):
    settings.IOC = {**settings.IOC, "BASE_URL": "https://ioc.laichau.example"}
    op, officer = users["operator"], users["department_officer"]
    report = submit(reporter_email="dan@example.vn")
    assert [m.to for m in mail.outbox] == [["dan@example.vn"]]
    # The link works from the reporter's mailbox: absolute, on the configured address.
    assert f"https://ioc.laichau.example/phan-anh/theo-doi/{report.tracking_code}/" in mail.outbox[0].body
    mail.outbox.clear()
    for action in ("triage", "assign", "start"):
        report = services.transition(report, op if action != "start" else officer, action)
    with pytest.raises(ServiceError, match="photo of the result is required"):
        services.transition(report, officer, "resolve", text="Đã thay bóng đèn")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.transition(report, officer, "resolve", text="Đã thay bóng đèn", photos=[make_photo()])
    assert report.status == "resolved" and report.resolved_at and report.public_reply == "Đã thay bóng đèn"
    report = services.transition(report, op, "publish")
    assert report.status == "published"
    services.rate(report, True)
    report.refresh_from_db()
    assert report.rating is True
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["submitted", "triage", "assign", "start", "resolve", "publish", "rated"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dan@example.vn"]
    assert report.tracking_code in mail.outbox[0].body


def test_wrong_state_wrong_role_and_missing_reason_are_refused(submit, users):
    op, officer, citizen = users["operator"], users["department_officer"], users["citizen"]
    report = submit()
    with pytest.raises(ServiceError, match="cannot be"):
        services.transition(report, officer, "resolve", text="x", photos=[make_photo()])
    with pytest.raises(PermissionDenied):
        services.transition(report, officer, "assign")  # only operators triage and assign
    with pytest.raises(PermissionDenied):
        services.transition(report, citizen, "reject", text="x")
    with pytest.raises(ServiceError, match="Give a reason"):
        services.transition(report, op, "reject")
    services.transition(report, op, "reject", text="Không đúng thực tế")
    assert Report.objects.get().status == "rejected"


def test_officers_of_another_unit_cannot_act(submit, users):
    report = submit("rac-thai", POINT_TAN_PHONG)  # Tân Phong, environment department
    services.transition(report, users["operator"], "assign")
    with pytest.raises(PermissionDenied):
        services.transition(report, users["ward_officer"], "start")  # Đoàn Kết's officer
    with pytest.raises(PermissionDenied):
        services.transition(report, users["department_officer"], "start")  # urban management


def test_return_reroute_duplicate_not_responsible(submit, users):
    op, officer = users["operator"], users["department_officer"]
    first = submit()
    second = submit()
    services.transition(second, op, "duplicate", duplicate_of=first)
    assert Report.objects.get(pk=second.pk).duplicate_of == first
    services.transition(first, op, "assign")
    services.transition(first, officer, "return", text="Không thuộc địa bàn")
    first.refresh_from_db()
    assert first.status == "returned"
    env = Department.objects.get(code="tai-nguyen-moi-truong")
    services.transition(first, op, "reroute", text="Chuyển TN&MT", department=env)
    first.refresh_from_db()
    assert first.status == "assigned" and first.department == env
    third = submit()
    services.transition(third, op, "assign")
    services.transition(third, officer, "not_responsible", text="Thuộc điện lực")
    assert Report.objects.get(pk=third.pk).status == "not_responsible"


def test_extension_once_with_a_later_deadline(submit, users):
    op, officer = users["operator"], users["department_officer"]
    report = submit()
    services.transition(report, op, "assign")
    services.transition(report, officer, "start")
    before = Report.objects.get(pk=report.pk).due_at
    report = services.transition(report, officer, "extend", text="Chờ vật tư", working_days=5)
    assert report.status == "extended" and report.due_at > before and report.extended
    services.transition(report, officer, "resolve", text="Xong", photos=[make_photo()])
    report.refresh_from_db()
    with pytest.raises(ServiceError):
        services.transition(report, officer, "extend", text="again", working_days=2)


def test_reopen_within_seven_days_only(submit, users):
    op, officer = users["operator"], users["department_officer"]
    report = submit()
    services.transition(report, op, "assign")
    services.transition(report, officer, "resolve", text="Xong", photos=[make_photo()])
    services.transition(report, None, "reopen", text="Đèn vẫn tắt")
    report.refresh_from_db()
    assert report.status == "reopened" and report.reopen_count == 1
    services.transition(report, officer, "start")
    services.transition(report, officer, "resolve", text="Đã thay lại", photos=[make_photo()])
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    with pytest.raises(ServiceError, match="within 7 days"):
        services.transition(Report.objects.get(pk=report.pk), None, "reopen", text="lại hỏng")


@pytest.mark.django_db(transaction=True)
def test_deadlines_remind_then_raise_an_overdue_alert_once(categories, users):
    from ioc.feedback.services import check_deadlines, submit_report
    from tests.conftest import POINT_DOAN_KET

    report = submit_report(
        category=categories["cay-xanh"],
        description="Cây đổ",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
        photos=[make_photo()],
    )
    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() + timedelta(hours=2))
    assert check_deadlines()["reminders"] == 1
    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert check_deadlines() == {"reminders": 0, "overdue": 1}
    alert = Alert.objects.get(kind="feedback.overdue")
    assert alert.department.code == "quan-ly-do-thi" and "Cây đổ" in alert.title
    assert check_deadlines()["overdue"] == 0  # once


def test_moderation_and_bans(submit, users):
    op = users["operator"]
    report = submit(reporter_phone="0987000111")
    services.moderate(report, op, description="Đèn đường bị hỏng")
    photo = report.photos.first()
    services.moderate(report, op, hide_photo=photo)
    photo.refresh_from_db()
    assert photo.hidden and Report.objects.get().description == "Đèn đường bị hỏng"
    services.ban_sender(report, op, "Gửi nội dung xúc phạm")
    with pytest.raises(PermissionDenied):
        submit(reporter_phone="0987000111")
    with pytest.raises(PermissionDenied):
        services.ban_sender(report, users["department_officer"], "no")
