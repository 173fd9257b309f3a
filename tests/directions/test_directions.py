"""Directions: a leader instructs units, they acknowledge and report with a photo, the leader accepts or sends
back; past its deadline a direction shows in the IOC feed until it is accepted."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ioc.core.models import Alert, AuditLog, Department, Notification
from ioc.core.services import alerts
from ioc.core.services.alerts import ServiceError, record_alert
from ioc.directions import selectors, services
from ioc.directions.models import Direction, Event
from tests.conftest import POINT_DOAN_KET

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def incident(users):
    alert = record_alert(
        kind="core.manual", source="x", title="Sạt lở taluy", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1]
    )
    return alerts.acknowledge_alert(alert, users["operator"])


def give(users, units, **more):
    fields = {
        "title": "Phong tỏa đoạn đường sạt lở",
        "instruction": "Cử lực lượng phong tỏa, di dời 3 hộ dân, báo cáo trước 17 giờ",
        "lead": [units["Đoàn Kết"]],
        "support": [Department.objects.get(code="quan-ly-do-thi")],
        "hours": 6,
        "priority": Direction.Priority.URGENT,
    }
    return services.issue(users["leader"], **{**fields, **more})


def test_a_leader_directs_the_units_act_and_the_leader_accepts(
    users, units, incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        direction = give(users, units, subject=f"incident:{incident.pk}")
    assert direction.subject_label == "Sạt lở taluy" and direction.unit == units["Đoàn Kết"]
    assert [str(t) for t in direction.targets.order_by("role")] == ["Phường Đoàn Kết", "Phòng Quản lý đô thị"]
    # Both units are told; the ward leads, the department supports.
    assert Notification.objects.filter(user=users["ward_officer"], title__contains="Phong tỏa").exists()
    assert Notification.objects.filter(user=users["department_officer"], title__contains="Phong tỏa").exists()

    services.acknowledge(users["ward_officer"], direction)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.IN_PROGRESS
    photo = SimpleUploadedFile("hien-truong.png", PNG, "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        services.report(users["ward_officer"], direction, "Đã phong tỏa, di dời xong 3 hộ", upload=photo, done=True)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.REPORTED  # the supporting unit need not report done
    assert Notification.objects.filter(user=users["leader"], title__startswith="Reported done").exists()
    with pytest.raises(ServiceError):
        services.report(users["ward_officer"], direction, "   ")
    services.accept(users["leader"], direction, "Tốt")
    direction.refresh_from_db()
    assert direction.status == Direction.Status.ACCEPTED and direction.closed_at
    actions = list(direction.events.values_list("action", flat=True))
    assert actions == ["issued", "acknowledged", "done", "accepted"]
    assert direction.events.get(action="done").attachment
    assert AuditLog.objects.filter(action="direction.accept", user=users["leader"]).exists()
    assert selectors.for_subject("incident", incident.pk) == [direction]


def test_who_may_do_what(users, units):
    with pytest.raises(PermissionDenied):
        give({**users, "leader": users["ward_officer"]}, units)
    direction = give(users, units)
    with pytest.raises(PermissionDenied):  # not a unit of this direction
        services.acknowledge(users["operator"], direction)
    other = Department.objects.get(code="cong-an")
    police = give(users, units, lead=[other], support=[])
    with pytest.raises(PermissionDenied):
        services.report(users["department_officer"], police, "xong", done=True)
    assert police not in selectors.visible_directions(users["department_officer"])
    assert direction in selectors.visible_directions(users["department_officer"])  # it supports
    with pytest.raises(PermissionDenied):
        services.accept(users["ward_officer"], direction)
    with pytest.raises(ServiceError, match="not reported"):
        services.accept(users["leader"], direction)
    with pytest.raises(ServiceError):
        give(users, units, lead=[])


def test_sent_back_with_a_new_deadline(users, units):
    direction = give(users, units)
    services.report(users["ward_officer"], direction, "Đã xong", done=True)
    services.send_back(users["leader"], direction, "Chưa di dời hộ số 3", working_days=1)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.IN_PROGRESS
    assert not direction.targets.filter(done_at__isnull=False).exists()
    assert direction.events.filter(action=Event.Action.RETURNED, text="Chưa di dời hộ số 3").exists()


@pytest.mark.django_db(transaction=True)
def test_an_overdue_direction_shows_in_the_feed_until_accepted(users, units):
    direction = give(users, units)
    Direction.objects.filter(pk=direction.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0  # once
    alert = Alert.objects.get(kind="directions.overdue")
    assert "Phong tỏa đoạn đường sạt lở" in alert.title and alert.status == Alert.Status.NEW
    assert selectors.count_overdue(users["leader"]) == 1
    services.report(users["ward_officer"], direction, "Đã xong", done=True)
    services.accept(users["leader"], direction)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.resolved_by_condition
    assert selectors.on_time_pct(users["leader"]) == 0.0  # accepted, but after its deadline


def test_the_demo_directions_go_round_their_cycle(users, units, incident):
    import random

    from ioc.directions.simulate import step

    department = Department.objects.get(code="quan-ly-do-thi")
    alerts.assign_incident(incident, users["operator"], department=department)

    class Roll(random.Random):
        def random(self):
            return 0.1  # always: a new direction when there is an incident for it, accept when reported

    rng = Roll(1)
    assert step(rng).startswith("issued direction")
    direction = Direction.objects.get()
    assert direction.targets.get(role="lead").department == department
    assert step(rng).startswith("acknowledged")
    assert step(rng).startswith("finished")
    assert step(rng).startswith("accepted")
    direction.refresh_from_db()
    assert direction.status == Direction.Status.ACCEPTED


def test_the_leader_reads_directions_by_unit(users, units, client_for):
    late = give(users, units)
    services.report(users["ward_officer"], late, "Xong", done=True)
    late = services.accept(users["leader"], late)
    Direction.objects.filter(pk=late.pk).update(due_at=late.closed_at - timedelta(hours=1))
    overdue = give(users, units, lead=[Department.objects.get(code="quan-ly-do-thi")], support=[])
    Direction.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=1))
    rows = {r["unit"]: r for r in selectors.by_unit(users["leader"])}
    assert rows["Phường Đoàn Kết"] == {"unit": "Phường Đoàn Kết", "given": 1, "on_time": 0, "late": 1, "overdue": 0}
    assert rows["Phòng Quản lý đô thị"]["overdue"] == 1
    page = client_for(users["leader"]).get("/dashboard/leader/").content.decode()
    assert "Chỉ đạo theo đơn vị (90 ngày)" in page
    assert client_for(users["ward_officer"]).get("/dashboard/leader/").content.decode().count("directions-by-unit") == 0
