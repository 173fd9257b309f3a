"""Alerts and incidents: raising after commit, folding, the operator's actions, escalation, notifications."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ioc.core.models import Alert, AuditLog, Department, Incident, IncidentEvent, Notification, NotificationPreference
from ioc.core.services import alerts as svc
from tests.conftest import POINT_DOAN_KET

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def alert(**kw):
    fields = {
        "kind": "core.manual",
        "source": "test:1",
        "title": "Cây đổ chắn đường",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
    }
    return svc.record_alert(**{**fields, **kw})


def test_alert_gets_its_unit_from_its_location(units):
    a = alert()
    assert a.unit == units["Đoàn Kết"]
    assert a.severity == 2 and a.status == "new"


def test_repeats_inside_the_window_fold_into_one_alert(units):
    first = alert()
    again = alert(severity="critical", message="vẫn chưa dọn")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.count == 2 and again.severity == 4 and again.message == "vẫn chưa dọn"
    other_source = alert(source="test:2")
    assert other_source.pk != first.pk
    later = alert(at=timezone.now() + timedelta(hours=2))
    assert later.pk != first.pk  # outside the 30-minute window: a new alert
    assert Alert.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_raise_alert_waits_for_the_callers_commit(units):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            svc.raise_alert(kind="core.manual", source="s", title="rolled back")
            raise RuntimeError("the domain's write failed")
    assert not Alert.objects.exists()  # nothing announced for a rolled-back change
    with transaction.atomic():
        svc.raise_alert(kind="core.manual", source="s", title="committed")
        assert not Alert.objects.exists()
    assert Alert.objects.get().title == "committed"


def test_bad_alerts_are_refused_before_anything_is_written(units):
    with pytest.raises(svc.ServiceError, match="Unknown alert kind"):
        svc.raise_alert(kind="nope.kind", source="s", title="t")
    with pytest.raises(svc.ServiceError, match="outside Vietnam"):
        alert(lat=48.85, lon=2.35)
    with pytest.raises(svc.ServiceError, match="both latitude and longitude"):
        alert(lon=None)
    with pytest.raises(svc.ServiceError, match="Unknown severity"):
        alert(severity="apocalyptic")
    assert not Alert.objects.exists()


def test_operator_lifecycle_with_timeline(users):
    op = users["operator"]
    a = alert()
    incident = svc.acknowledge_alert(a, op)
    a.refresh_from_db()
    assert a.status == "acknowledged" and a.incident == incident
    dept = Department.objects.get(code="quan-ly-do-thi")
    svc.assign_incident(incident, op, department=dept, working_days=2, note="Cắt cây, thông đường")
    incident.refresh_from_db()
    assert incident.status == "assigned" and incident.department == dept
    assert incident.due_at.astimezone(timezone.get_current_timezone()).hour == 17
    svc.add_note(incident, op, "Đội cây xanh đã đến hiện trường")
    svc.set_sop_step(incident, op, 0, True)
    svc.attach_file(incident, op, SimpleUploadedFile("hien-truong.png", PNG, content_type="image/png"))
    svc.close_incident(incident, op, "Đã cắt và dọn cây")
    incident.refresh_from_db()
    a.refresh_from_db()
    assert incident.status == "closed" and a.status == "closed"
    actions = list(incident.events.values_list("action", flat=True))
    assert actions == ["created", "acknowledged", "assigned", "note", "sop", "attachment", "closed"]
    assert incident.sop_done == [0]
    assert AuditLog.objects.filter(action="incident.close", object_id=str(incident.pk), user=op).exists()
    # A repeat after acknowledgement lands on the incident's timeline while it is open; after closing it is new.
    assert alert().pk != a.pk


def test_a_repeat_shows_on_the_open_incidents_timeline(users):
    a = alert()
    incident = svc.acknowledge_alert(a, users["operator"])
    alert(message="lần 2")
    assert incident.events.filter(action=IncidentEvent.Action.ALERT_REPEATED).count() == 1


def test_rules_refuse_wrong_actions(users):
    op = users["operator"]
    incident = svc.acknowledge_alert(alert(), op)
    with pytest.raises(svc.ServiceError, match="resolved"):
        svc.close_incident(incident, op, "   ")
    with pytest.raises(svc.ServiceError, match="future"):
        svc.assign_incident(incident, op, department=Department.objects.first(), due_at=timezone.now())
    svc.close_incident(incident, op, "xong")
    with pytest.raises(svc.ServiceError, match="closed"):
        svc.assign_incident(incident, op, department=Department.objects.first())
    with pytest.raises(svc.ServiceError, match="already closed"):
        svc.close_incident(incident, op, "again")


def test_officers_work_only_on_their_own_incidents(users):
    op, officer, ward = users["operator"], users["department_officer"], users["ward_officer"]
    incident = svc.acknowledge_alert(alert(), op)
    with pytest.raises(PermissionDenied):
        svc.acknowledge_alert(alert(source="x"), officer)  # only operators acknowledge
    with pytest.raises(PermissionDenied):
        svc.add_note(incident, officer, "not mine yet")
    svc.assign_incident(incident, op, department=officer.profile.department)
    svc.add_note(incident, officer, "Đã nhận")  # now it is the department's
    svc.add_note(incident, ward, "Phường hỗ trợ")  # it is in Đoàn Kết
    other_ward = svc.acknowledge_alert(alert(source="tp", lat=22.392, lon=103.472), op)
    with pytest.raises(PermissionDenied):
        svc.close_incident(other_ward, ward, "not my ward")
    with pytest.raises(PermissionDenied):
        svc.escalate_incident(incident, officer, "officers don't escalate")


def test_attachments_are_served_only_to_those_who_see_the_incident_and_each_read_is_audited(users, client_for):
    incident = svc.acknowledge_alert(alert(), users["operator"])
    event = svc.attach_file(incident, users["operator"], SimpleUploadedFile("bien-ban.png", PNG, "image/png"))
    url = f"/dashboard/incidents/{incident.pk}/files/{event.pk}/"
    assert url in client_for(users["operator"]).get(f"/dashboard/incidents/{incident.pk}/").content.decode()
    response = client_for(users["ward_officer"]).get(url)  # the incident is in the officer's ward
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert AuditLog.objects.filter(action="incident.attachment.read", user=users["ward_officer"]).count() == 1
    outsider = client_for(users["department_officer"])  # not their department's incident
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/media/{event.attachment.name}").status_code == 404
    assert "bien-ban" not in event.attachment.name  # the stored name is not the uploaded one


def test_attachments_are_checked_by_content_and_size(users, settings):
    incident = svc.acknowledge_alert(alert(), users["operator"])
    with pytest.raises(svc.ServiceError, match="Only JPEG, PNG, PDF"):
        svc.attach_file(incident, users["operator"], SimpleUploadedFile("photo.png", b"MZ\x90\x00evil", "image/png"))
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(svc.ServiceError, match="larger than"):
        svc.attach_file(incident, users["operator"], SimpleUploadedFile("big.png", PNG, "image/png"))
    assert not incident.events.filter(action="attachment").exists()


@pytest.mark.django_db(transaction=True)
def test_new_alerts_notify_operators_in_app_and_by_email(users, settings):
    settings.IOC = {**settings.IOC, "BASE_URL": "https://ioc.laichau.example"}
    op = users["operator"]
    # digest_minutes=0: this operator wants each alert at once rather than a digest.
    NotificationPreference.objects.create(user=op, email=True, in_app=True, min_severity=2, digest_minutes=0)
    raised = alert(severity="major", title="Sạt lở taluy")
    alert(severity="info", source="quiet", title="Thông tin")
    notes = Notification.objects.filter(user=op)
    assert list(notes.values_list("title", "url")) == [("Sạt lở taluy", f"/dashboard/alerts/{raised.pk}/")]
    assert [m.subject for m in mail.outbox] == ["[IOC] Sạt lở taluy"]
    assert f"https://ioc.laichau.example/dashboard/alerts/{raised.pk}/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_unacknowledged_alerts_and_overdue_incidents_escalate_once(users, settings):
    # A warning is priority 3: its clock runs 10 minutes here.
    settings.IOC = {**settings.IOC, "RESPOND_MINUTES": {**settings.IOC["RESPOND_MINUTES"], 3: 10}}
    old = alert(at=timezone.now() - timedelta(minutes=15))
    fresh = alert(source="fresh")
    incident = svc.acknowledge_alert(alert(source="late"), users["operator"])
    svc.assign_incident(incident, users["operator"], department=Department.objects.first(), working_days=0)
    Incident.objects.filter(pk=incident.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert svc.escalate_overdue() == {"alerts": 1, "incidents": 1}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.escalation_level == 1 and fresh.escalation_level == 0
    assert (
        Notification.objects.filter(user=users["leader"], title__contains="Overdue").exists()
        or Notification.objects.filter(user=users["leader"], title__contains="Quá hạn").exists()
    )
    assert svc.escalate_overdue() == {"alerts": 0, "incidents": 0}  # once each


def test_city_sop_overrides_the_domains(users):
    from ioc.core.models import OperatingProcedure

    assert len(svc.sop_for("core.manual")) == 3
    OperatingProcedure.objects.create(kind="core.manual", steps="Gọi chủ tịch phường\n\nBáo cáo lãnh đạo\n")
    assert svc.sop_for("core.manual") == ["Gọi chủ tịch phường", "Báo cáo lãnh đạo"]


@pytest.mark.django_db(transaction=True)
def test_imported_history_does_not_notify(users):
    alert(at=timezone.now() - timedelta(days=3), severity="critical")
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_notifications_are_delivered_by_the_task_queue_not_the_caller(users):
    """As in production: raising an alert only queues its notifications; the worker delivers them."""
    from huey.contrib.djhuey import HUEY

    NotificationPreference.objects.create(
        user=users["operator"], email=True, in_app=True, min_severity=2, digest_minutes=0
    )
    HUEY.immediate = False
    try:
        HUEY.flush()
        alert(severity="major", title="Cháy rừng phòng hộ")
        assert not Notification.objects.exists() and not mail.outbox  # nothing sent by the caller
        assert HUEY.pending_count() == 1
        while task := HUEY.dequeue():
            HUEY.execute(task)
    finally:
        HUEY.immediate = True
    assert Notification.objects.filter(user=users["operator"], title="Cháy rừng phòng hộ").exists()
    assert [m.subject for m in mail.outbox] == ["[IOC] Cháy rừng phòng hộ"]
