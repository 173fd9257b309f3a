"""Triage: grouping, roll-up, priority and its clock, and the bulk actions an officer takes from the feed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ioc.core.models import Alert, AuditLog, City, Department, Incident, Notification, NotificationPreference
from ioc.core.services import alerts as svc
from ioc.core.services import digest, triage
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG


def alert(**kw):
    fields = {
        "kind": "core.manual",
        "source": "test:1",
        "title": "Cây đổ chắn đường",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
    }
    return svc.record_alert(**{**fields, **kw})


def test_related_alerts_roll_up_under_the_first(units):
    first = alert(source="lamp:1", title="Đèn 1 tắt", rollup="circuit:C1")
    second = alert(source="lamp:2", title="Đèn 2 tắt", rollup="circuit:C1")
    other = alert(source="lamp:9", title="Đèn 9 tắt", rollup="circuit:C2")
    second.refresh_from_db()
    assert second.parent == first and first.parent is None and other.parent is None
    assert list(first.children.all()) == [second]


def test_kinds_grouped_by_place_fold_reports_of_one_spot(units, monkeypatch):
    from ioc.core.registry import AlertKind, registry

    kind = registry.alert_kind("core.manual")
    monkeypatch.setattr(registry, "alert_kind", lambda key: AlertKind(**{**kind.__dict__, "group_by": "place"}))
    a = alert(source="citizen:1")
    b = alert(source="citizen:2", lat=POINT_DOAN_KET[0] + 0.0001)  # ten metres away: the same spot
    c = alert(source="citizen:3", lat=POINT_TAN_PHONG[0], lon=POINT_TAN_PHONG[1])
    assert a.pk == b.pk and a.pk != c.pk
    a.refresh_from_db()
    assert a.count == 2


def test_priority_follows_severity_and_rises_near_a_sensitive_place(units, settings):
    assert alert(source="a", severity="critical").priority == 1
    assert alert(source="b", severity="major").priority == 2
    normal = alert(source="c", severity="warning")
    assert normal.priority == 3
    assert normal.respond_by == normal.first_seen_at + timedelta(minutes=settings.IOC["RESPOND_MINUTES"][3])
    City.objects.update(
        sensitive_places=[
            {"name": "Trường THCS Đoàn Kết", "kind": "school", "lat": POINT_DOAN_KET[0], "lon": POINT_DOAN_KET[1]}
        ]
    )
    assert alert(source="d", severity="warning").priority == 2
    far = alert(source="e", severity="warning", lat=POINT_TAN_PHONG[0], lon=POINT_TAN_PHONG[1])
    assert far.priority == 3


def test_bulk_acknowledge_takes_children_along_and_is_audited(users):
    op = users["operator"]
    parent = alert(source="lamp:1", rollup="circuit:C1")
    child = alert(source="lamp:2", rollup="circuit:C1")
    others = [alert(source=f"s:{i}") for i in range(3)]
    outcome = triage.acknowledge(op, [parent.pk, *[a.pk for a in others]])
    assert outcome.done == 5
    assert set(Alert.objects.values_list("status", flat=True)) == {Alert.Status.ACKNOWLEDGED}
    assert not Incident.objects.exists()  # acknowledging many does not open an incident for each
    assert AuditLog.objects.filter(action="alert.acknowledge", object_id=str(child.pk)).exists()


def test_closed_alerts_are_skipped_and_named(users):
    done = alert(source="x")
    triage.dismiss(users["operator"], [done.pk], "cảm biến đang bảo trì")
    fresh = alert(source="y")
    outcome = triage.acknowledge(users["operator"], [done.pk, fresh.pk])
    assert outcome.done == 1 and outcome.skipped == [done.title]


def test_snooze_hides_until_then_and_restarts_the_clock(users, settings):
    a = alert(source="x")
    with pytest.raises(svc.ServiceError, match="why"):
        triage.snooze(users["operator"], [a.pk], 30, "  ")
    with pytest.raises(svc.ServiceError):
        triage.snooze(users["operator"], [a.pk], 7, "đợi đội sửa chữa")
    triage.snooze(users["operator"], [a.pk], 30, "đợi đội sửa chữa")
    a.refresh_from_db()
    assert a.snooze_reason == "đợi đội sửa chữa"
    assert a.respond_by == a.snoozed_until + timedelta(minutes=settings.IOC["RESPOND_MINUTES"][a.priority])
    # Past its first clock but snoozed: no escalation.
    Alert.objects.filter(pk=a.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    assert svc.escalate_overdue()["alerts"] == 0
    Alert.objects.filter(pk=a.pk).update(snoozed_until=timezone.now() - timedelta(seconds=1))
    assert svc.escalate_overdue()["alerts"] == 1


def test_dismiss_closes_as_noise_with_who_and_why(users):
    a = alert(source="x")
    with pytest.raises(svc.ServiceError):
        triage.dismiss(users["operator"], [a.pk], "")
    triage.dismiss(users["operator"], [a.pk], "camera bị che, báo nhầm")
    a.refresh_from_db()
    assert (a.status, a.dismissed, a.closed_by, a.resolution) == (
        Alert.Status.CLOSED,
        True,
        users["operator"],
        "camera bị che, báo nhầm",
    )
    assert AuditLog.objects.get(action="alert.dismiss").detail["reason"] == "camera bị che, báo nhầm"


def test_merge_puts_alerts_in_one_incident_opened_from_the_most_urgent(users):
    low = alert(source="a", severity="warning", title="Nước dâng")
    high = alert(source="b", severity="critical", title="Sạt lở taluy")
    outcome = triage.merge(users["operator"], [low.pk, high.pk])
    incident = outcome.incident
    assert incident.title == "Sạt lở taluy" and incident.severity == 4
    assert set(incident.alerts.values_list("pk", flat=True)) == {low.pk, high.pk}
    assert "Nước dâng" in " ".join(incident.events.values_list("text", flat=True))
    # A later alert merges into the same open incident.
    third = alert(source="c")
    triage.merge(users["operator"], [third.pk], incident=incident)
    assert incident.alerts.count() == 3


def test_assign_to_a_department_or_a_named_officer(users, django_capture_on_commit_callbacks):
    op = users["operator"]
    dept = Department.objects.get(code="quan-ly-do-thi")
    a, b = alert(source="a"), alert(source="b")
    triage.assign(op, [a.pk, b.pk], department=dept, note="Cử tổ cây xanh")
    assert Incident.objects.filter(department=dept, status=Incident.Status.ASSIGNED).count() == 2
    c = alert(source="c")
    with django_capture_on_commit_callbacks(execute=True):
        triage.assign(op, [c.pk], officer=users["ward_officer"])
    c.refresh_from_db()
    assert c.incident.assignee == users["ward_officer"]
    assert Notification.objects.filter(user=users["ward_officer"]).exists()
    far = alert(source="d", lat=POINT_TAN_PHONG[0], lon=POINT_TAN_PHONG[1])
    with pytest.raises(svc.ServiceError, match="another ward"):
        triage.assign(op, [far.pk], officer=users["ward_officer"])
    far.refresh_from_db()
    assert far.incident_id is None and far.status == Alert.Status.NEW  # nothing half-written


def test_only_operators_triage(users):
    a = alert()
    for role in ("leader", "department_officer", "ward_officer"):
        with pytest.raises(PermissionDenied):
            triage.acknowledge(users[role], [a.pk])


@pytest.mark.django_db(transaction=True)
def test_operators_get_urgent_alerts_at_once_and_the_rest_as_one_digest(users):
    op = users["operator"]
    NotificationPreference.objects.create(user=op, digest_minutes=15)
    alert(source="fire", severity="critical", title="Cháy chợ trung tâm")
    for i in range(7):
        alert(source=f"lamp:{i}", severity="warning", title=f"Đèn {i} tắt")
    assert list(Notification.objects.filter(user=op).values_list("title", flat=True)) == ["Cháy chợ trung tâm"]
    assert digest.send_digests(timezone.now() + timedelta(seconds=1)) == 1
    note = Notification.objects.filter(user=op).latest("created_at")
    assert note.title.startswith("7 new alerts")
    assert "and 2 more" in note.body and "Cháy chợ" not in note.body
    # The next digest is not due yet, and would hold nothing new.
    assert digest.send_digests(timezone.now() + timedelta(minutes=1)) == 0


@pytest.mark.django_db(transaction=True)
def test_notification_rules_by_field_unit_and_quiet_hours(users, units):
    op = users["operator"]
    prefs = NotificationPreference.objects.create(user=op, digest_minutes=0, domains=["lighting"])
    alert(source="a", severity="critical")  # a core alert: not a field this operator follows
    assert not Notification.objects.exists()
    prefs.domains = []
    prefs.save()
    prefs.units.set([units["Tân Phong"]])
    alert(source="b", severity="major")  # in Đoàn Kết
    assert not Notification.objects.exists()
    prefs.units.clear()
    hour = timezone.localtime().hour
    prefs.quiet_from, prefs.quiet_to = hour, (hour + 1) % 24
    prefs.save()
    alert(source="c", severity="major")  # quiet hours: waits
    assert not Notification.objects.exists()
    alert(source="d", severity="critical", title="Sạt lở")  # priority 1 comes even in quiet hours
    assert list(Notification.objects.values_list("title", flat=True)) == ["Sạt lở"]


@pytest.mark.django_db(transaction=True)
def test_many_alerts_past_their_clock_make_one_notification_and_children_ride_with_their_parent(users):
    parent = alert(source="lamp:1", rollup="circuit:C1")
    alert(source="lamp:2", rollup="circuit:C1")
    for i in range(6):
        alert(source=f"s:{i}", title=f"Cảnh báo {i}")
    Alert.objects.update(respond_by=timezone.now() - timedelta(minutes=1))
    assert svc.escalate_overdue()["alerts"] == 7  # the child is not escalated on its own
    assert Alert.objects.get(source="lamp:2").escalation_level == 0 and Alert.objects.get(pk=parent.pk).escalation_level
    notes = Notification.objects.filter(user=users["leader"])
    assert notes.count() == 1 and notes.get().title == "7 alerts not acknowledged in time"
    assert "and 2 more" in notes.get().body
