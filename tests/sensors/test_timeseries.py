"""Rollups, retention and the NGSI-LD temporal API, by hand."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from ioc.sensors.models import Reading, RetentionPolicy, Rollup
from ioc.sensors.services import ingest_telemetry, write_entities
from ioc.sensors.timeseries import apply_retention, roll_up

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ID = "urn:ngsi-ld:RainGauge:rg-1"


@pytest.fixture
def gauge(units):
    write_entities(
        [{"id": ID, "type": "RainGauge", "location": {"type": "Point", "coordinates": [103.455, 22.405]}}], "create"
    )
    base = timezone.now().astimezone(VN).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    # 10:00 → 10:50 every 10 minutes: 1, 2, 3, 4, 5, 6 mm; then 11:00: 10 mm
    messages = [(ID, {"precipitation": float(i + 1)}, base + timedelta(minutes=10 * i)) for i in range(6)]
    messages.append((ID, {"precipitation": 10.0}, base + timedelta(hours=1)))
    ingest_telemetry(messages)
    return base


def test_rollups_per_minute_hour_and_day(gauge):
    roll_up(since=gauge - timedelta(days=1))
    hour = Rollup.objects.get(period="1h", bucket=gauge)
    assert (hour.count, hour.total, hour.minimum, hour.maximum) == (6, 21.0, 1.0, 6.0)
    assert Rollup.objects.filter(period="1m").count() == 7
    roll_up(since=gauge - timedelta(days=1))  # idempotent
    assert Rollup.objects.get(period="1h", bucket=gauge).count == 6


def test_retention_deletes_old_raw_data_per_type(gauge):
    RetentionPolicy.objects.create(entity_type="RainGauge", raw_days=1, rollup_days=30)
    roll_up(since=gauge - timedelta(days=1))
    deleted = apply_retention(now=timezone.now() + timedelta(days=2))
    assert deleted > 0 and not Reading.objects.exists()
    assert Rollup.objects.filter(period="1h").exists()  # hourly rollups outlive raw data


def test_temporal_api(gauge, users, token_for):
    headers = token_for(users["leader"])
    roll_up(since=gauge - timedelta(days=1))

    def get(query):
        response = Client().get(f"/ngsi-ld/v1/temporal/entities/{ID}?{query}", **headers)
        assert response.status_code == 200, response.content
        return response.json()

    raw = get("attrs=precipitation")
    assert [i["value"] for i in raw["precipitation"]] == [1, 2, 3, 4, 5, 6, 10]
    last = get("attrs=precipitation&lastN=2&options=temporalValues")
    assert [v for v, _t in last["precipitation"]["values"]] == [6, 10]
    start = (gauge + timedelta(minutes=15)).isoformat().replace("+", "%2B")
    after = get(f"attrs=precipitation&timerel=after&timeAt={start}")
    assert [i["value"] for i in after["precipitation"]] == [3, 4, 5, 6, 10]
    hourly = get("attrs=precipitation&aggrMethods=sum,max,totalCount&aggrPeriodDuration=PT1H")
    assert [s for s, _a, _b in hourly["precipitation"]["sum"]] == [21.0, 10.0]
    assert [m for m, _a, _b in hourly["precipitation"]["max"]] == [6.0, 10.0]
    twenty = get(
        "attrs=precipitation&aggrMethods=avg&aggrPeriodDuration=PT20M&timerel=after&timeAt="
        + gauge.isoformat().replace("+", "%2B")
    )
    assert [round(a, 2) for a, _s, _e in twenty["precipitation"]["avg"]] == [1.5, 3.5, 5.5, 10.0]
    listing = Client().get("/ngsi-ld/v1/temporal/entities?type=RainGauge&lastN=1", **headers).json()
    assert listing[0]["precipitation"][0]["value"] == 10
    for bad in (
        "timerel=between&timeAt=2026-11-25T00:00:00Z",
        "timerel=after",
        "aggrMethods=median",
        "aggrMethods=avg&aggrPeriodDuration=1h",
        "lastN=0",
    ):
        body = Client().get(f"/ngsi-ld/v1/temporal/entities/{ID}?{bad}", **headers).json()
        assert body["type"].endswith("BadRequestData"), bad


def test_sensor_pages(gauge, users, client_for):
    from ioc.sensors.models import Entity
    from ioc.sensors.services import write_entities

    write_entities(
        [
            {
                "id": "urn:ngsi-ld:AirQualityObserved:aq-1",
                "type": "AirQualityObserved",
                "pm25": 35,
                "pm10": 200,
                "location": {"type": "Point", "coordinates": [103.46, 22.40]},
            }
        ],
        "create",
    )
    client = client_for(users["operator"])
    listing = client.get("/dashboard/sensors/").content.decode()
    assert "125 · Kém" in listing  # PM10 200 µg/m³ → VN_AQI 125
    # Words an officer reads: the kind and place in Vietnamese, quantities with their units — not the data model's
    assert "Đo mưa rg-1" in listing and "Chất lượng không khí" in listing
    assert "PM10 (µg/m³): <strong>200" in listing and ID not in listing and "AirQualityObserved</td>" not in listing
    gauge_pk = Entity.objects.get(entity_id=ID).pk
    for window in ("hour", "day", "week"):
        page = client.get(f"/dashboard/sensors/{gauge_pk}/?window={window}").content.decode()
        assert 'data-attr="precipitation"' in page and "<h2>Lượng mưa (mm/h)</h2>" in page
    assert client_for(users["citizen"]).get("/dashboard/sensors/").status_code == 403


def test_devices_are_registered_from_a_spreadsheet(units, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ioc.sensors.models import Entity

    csv_text = (
        "id,type,lat,lon,name,expected_interval_s,department\n"
        "urn:ngsi-ld:RainGauge:lc-01,RainGauge,22.405,103.455,Trạm mưa Đoàn Kết,300,tai-nguyen-moi-truong\n"
        "urn:ngsi-ld:RainGauge:lc-02,RainGauge,22.392,103.472,,600,\n"
        "not-a-uri,RainGauge,22.4,103.4,,,\n"
        "urn:ngsi-ld:RainGauge:lc-03,RainGauge,95,103.4,,,\n"
        "urn:ngsi-ld:RainGauge:lc-01,RainGauge,22.405,103.455,,,\n"
        "urn:ngsi-ld:RainGauge:lc-04,RainGauge,22.405,103.455,,5,\n"
        "urn:ngsi-ld:RainGauge:lc-05,RainGauge,22.405,103.455,,,phong-khong-co\n"
    )
    client = client_for(users["operator"])
    page = client.post("/dashboard/sensors/import/", {"file": SimpleUploadedFile("tram.csv", csv_text.encode())})
    html = page.content.decode()
    assert "2" in html and 'id="refused"' in html
    lines = [int(x) for x in __import__("re").findall(r"<tr><td>(\d+)</td>", html)]
    assert lines == [4, 5, 6, 7, 8]
    gauge = Entity.objects.get(entity_id="urn:ngsi-ld:RainGauge:lc-01")
    assert gauge.expected_interval_s == 300 and gauge.department.code == "tai-nguyen-moi-truong"
    assert gauge.attrs["name"]["value"] == "Trạm mưa Đoàn Kết" and gauge.unit == units["Đoàn Kết"]
    again = client.post("/dashboard/sensors/import/", {"file": SimpleUploadedFile("tram.csv", csv_text.encode())})
    import re

    new = re.search(r'id="import-result" role="status">(\d+) ', again.content.decode()).group(1)
    assert new == "0"  # a re-import updates, nothing new
    assert Entity.objects.count() == 2
    assert client_for(users["leader"]).get("/dashboard/sensors/import/").status_code == 403


def test_officers_see_the_devices_of_their_own_ward_or_department(users, units, client_for):
    """A ward officer sees the ward's devices, a department officer the devices their department owns."""
    from ioc.core.models import Department
    from ioc.sensors.models import Entity

    here = Entity.objects.create(entity_id="urn:ngsi-ld:RainGauge:dk", type="RainGauge", unit=units["Đoàn Kết"])
    there = Entity.objects.create(entity_id="urn:ngsi-ld:RainGauge:tp", type="RainGauge", unit=units["Tân Phong"])
    there.department = Department.objects.get(code="quan-ly-do-thi")
    there.save()
    ward, department = client_for(users["ward_officer"]), client_for(users["department_officer"])
    listing = ward.get("/dashboard/sensors/").content.decode()
    assert "Đo mưa dk" in listing and "Đo mưa tp" not in listing
    assert ward.get(f"/dashboard/sensors/{there.pk}/").status_code == 404
    assert department.get(f"/dashboard/sensors/{there.pk}/").status_code == 200
    assert department.get(f"/dashboard/sensors/{here.pk}/").status_code == 404
    everything = client_for(users["operator"]).get("/dashboard/sensors/").content.decode()
    assert "Đo mưa dk" in everything and "Đo mưa tp" in everything
