"""The feed's tabs and the triage endpoint, as the feed's script and a page without script use them."""

import pytest

from ioc.core.models import Alert, Department
from ioc.core.services import triage
from ioc.core.services.alerts import record_alert
from tests.conftest import POINT_DOAN_KET


def an_alert(source, **kw):
    return record_alert(
        kind="core.manual",
        source=source,
        title=f"Cảnh báo {source}",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
        **kw,
    )


def test_tabs_show_what_to_handle_acknowledged_snoozed_and_ended(users, client_for):
    op = users["operator"]
    new, taken, later, gone = (an_alert(s) for s in ("moi", "da-nhan", "hoan", "bo-qua"))
    child = an_alert("con", rollup="r1")
    an_alert("con-2", rollup="r1")
    triage.acknowledge(op, [taken.pk])
    triage.snooze(op, [later.pk], 60, "chờ đội sửa")
    triage.dismiss(op, [gone.pk], "báo nhầm")
    client = client_for(op)

    def ids(tab):
        page = client.get("/dashboard/feed/", {"tab": tab}).content.decode()
        return {a.pk for a in Alert.objects.all() if f'data-alert-id="{a.pk}"' in page}, page

    handle, page = ids("new")
    assert handle == {new.pk, child.pk}  # the roll-up child hangs under its parent
    assert "+1 liên quan" in page and "Cần xử lý" in page
    assert ids("acknowledged")[0] == {taken.pk}
    snoozed, page = ids("snoozed")
    assert snoozed == {later.pk} and "chờ đội sửa" in page
    ended, page = ids("ended")
    assert ended == {gone.pk} and "báo nhầm" in page


def test_triage_answers_json_with_the_outcome_or_a_readable_error(users, client_for):
    client = client_for(users["operator"])
    alerts = [an_alert(f"s{i}") for i in range(5)]
    json = {"HTTP_ACCEPT": "application/json"}
    response = client.post(
        "/dashboard/alerts/triage/", {"action": "acknowledge", "alerts": [a.pk for a in alerts]}, **json
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Đã tiếp nhận 5 cảnh báo."
    assert Alert.objects.filter(status=Alert.Status.ACKNOWLEDGED).count() == 5
    response = client.post(
        "/dashboard/alerts/triage/", {"action": "snooze", "alerts": [alerts[0].pk], "minutes": 30}, **json
    )
    assert response.status_code == 400 and "lý do" in response.json()["message"]
    response = client.post("/dashboard/alerts/triage/", {"action": "acknowledge", "alerts": [999999]}, **json)
    assert response.status_code == 400
    dept = Department.objects.get(code="quan-ly-do-thi")
    response = client.post(
        "/dashboard/alerts/triage/", {"action": "assign", "alerts": [alerts[1].pk], "department": dept.pk}
    )
    assert response.status_code == 302  # without script: back to the map with a message
    alerts[1].refresh_from_db()
    assert alerts[1].incident.department == dept


@pytest.mark.parametrize("role", ["leader", "department_officer", "ward_officer"])
def test_only_operators_may_triage(users, client_for, role):
    a = an_alert("x")
    response = client_for(users[role]).post("/dashboard/alerts/triage/", {"action": "acknowledge", "alerts": [a.pk]})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == Alert.Status.NEW


def test_an_operator_sets_their_notification_rules_on_the_page(users, client_for, units):
    from ioc.core.models import NotificationPreference

    client = client_for(users["operator"])
    page = client.get("/accounts/notifications/").content.decode()
    assert "Chỉ các lĩnh vực" in page and "Phường Đoàn Kết" in page and "gửi tổng hợp mỗi 15 phút" in page
    client.post(
        "/accounts/notifications/",
        {
            "save_preferences": "1",
            "in_app": "on",
            "min_severity": 2,
            "digest_minutes": 60,
            "domains": ["lighting", "sensors"],
            "units": [units["Tân Phong"].pk],
            "quiet_from": 22,
            "quiet_to": 6,
        },
    )
    prefs = NotificationPreference.objects.get(user=users["operator"])
    assert (prefs.digest_minutes, prefs.domains, prefs.quiet_from, prefs.quiet_to) == (
        60,
        ["lighting", "sensors"],
        22,
        6,
    )
    assert list(prefs.units.all()) == [units["Tân Phong"]]


def test_the_feed_stamp_changes_when_an_alert_arrives_or_repeats(users, client_for):
    client = client_for(users["operator"])
    assert client.get("/dashboard/feed/stamp/").content == b"-"
    an_alert("a")
    first = client.get("/dashboard/feed/stamp/").content
    assert client.get("/dashboard/feed/stamp/").content == first  # nothing new: the wall does not refresh
    an_alert("a")  # the same alert again: folded, but last seen now
    assert client.get("/dashboard/feed/stamp/").content != first


def test_a_folded_alert_keeps_a_timeline_of_its_repeats(users, client_for):
    first = an_alert("river", message="Mực nước 2,1 m")
    record_alert(
        kind="core.manual",
        source="river",
        title="Cảnh báo river",
        message="Mực nước 2,4 m",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
    )
    first.refresh_from_db()
    assert first.count == 2 and [r["message"] for r in first.data["repeats"]] == ["Mực nước 2,4 m"]
    page = client_for(users["operator"]).get(f"/dashboard/alerts/{first.pk}/").content.decode()
    assert "Các lần lặp lại" in page and "Mực nước 2,4 m" in page
