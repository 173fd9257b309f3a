"""The device page: operators change a device's registry settings and its own rules; others only read."""

import pytest

from ioc.core.models import AuditLog, Department
from ioc.sensors.models import Entity, Rule
from ioc.sensors.services import ingest_telemetry, write_entities
from tests.sensors.test_ngsild import sensor

GAUGE = "urn:ngsi-ld:WaterLevelSensor:001"


@pytest.fixture
def gauge(units):
    write_entities([sensor(1, level=1.0)], "create")
    return Entity.objects.get(entity_id=GAUGE)


def test_operator_moves_a_device_and_sets_its_owner(users, client_for, gauge, units):
    client = client_for(users["operator"])
    page = client.get(f"/dashboard/sensors/{gauge.pk}/").content.decode()
    assert 'id="device-form"' in page and 'id="rule-form"' in page
    department = Department.objects.get(code="quan-ly-do-thi")
    # A point in Tân Phong; the unit is left empty so it is found from the place.
    response = client.post(
        f"/dashboard/sensors/{gauge.pk}/edit/",
        {"unit": "", "department": department.pk, "expected_interval_s": 300, "lat": 22.392, "lon": 103.472},
        follow=True,
    )
    assert "Đã lưu thiết bị" in response.content.decode()
    gauge.refresh_from_db()
    assert gauge.department == department and gauge.expected_interval_s == 300
    assert gauge.unit == units["Tân Phong"]
    assert gauge.attrs["location"]["value"]["coordinates"] == [103.472, 22.392]
    assert AuditLog.objects.filter(action="sensors.device.update", object_id=str(gauge.pk)).exists()


def test_bad_settings_are_refused_with_a_message(users, client_for, gauge):
    client = client_for(users["operator"])
    response = client.post(
        f"/dashboard/sensors/{gauge.pk}/edit/", {"expected_interval_s": 60, "lat": 48.85, "lon": 2.35}, follow=True
    )
    gauge.refresh_from_db()
    assert gauge.lat == pytest.approx(22.405) and gauge.expected_interval_s is None
    assert "Vị trí nằm ngoài lãnh thổ Việt Nam" in response.content.decode()


def test_a_rule_for_one_device_raises_its_alert(users, client_for, gauge, django_capture_on_commit_callbacks):
    from ioc.core.models import Alert

    client = client_for(users["operator"])
    bad = client.post(
        f"/dashboard/sensors/{gauge.pk}/rules/",
        {
            "name": "x",
            "attr": "waterLevel",
            "kind": "threshold",
            "direction": "above",
            "threshold": 2,
            "clear_at": 3,
            "window_minutes": 10,
            "severity": "major",
        },
    )
    assert bad.status_code == 302 and not Rule.objects.exists()  # clearing above the raise makes no sense
    client.post(
        f"/dashboard/sensors/{gauge.pk}/rules/",
        {
            "name": "Báo động cấp 2",
            "attr": "waterLevel",
            "kind": "threshold",
            "direction": "above",
            "threshold": 2,
            "clear_at": 1.8,
            "window_minutes": 10,
            "severity": "major",
        },
    )
    rule = Rule.objects.get()
    assert rule.entity == gauge and rule.entity_type == ""
    with django_capture_on_commit_callbacks(execute=True):
        ingest_telemetry([(GAUGE, {"waterLevel": 2.3}, None)])
    assert Alert.objects.get(kind="sensors.threshold").title.startswith("Báo động cấp 2")
    assert client.post(f"/dashboard/sensors/{gauge.pk}/rules/{rule.pk}/delete/").status_code == 302
    assert not Rule.objects.exists()


def test_only_operators_change_devices(users, client_for, gauge):
    leader = client_for(users["leader"])
    assert 'id="device-form"' not in leader.get(f"/dashboard/sensors/{gauge.pk}/").content.decode()
    assert leader.post(f"/dashboard/sensors/{gauge.pk}/edit/", {"expected_interval_s": 5}).status_code == 403
    assert client_for(users["citizen"]).post(f"/dashboard/sensors/{gauge.pk}/edit/", {}).status_code == 403
    gauge.refresh_from_db()
    assert gauge.expected_interval_s is None
