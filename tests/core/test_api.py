"""The JSON API: health, alerts, incidents, units, layers, KPIs; filters, pagination and clear errors."""

import json

import pytest
from django.test import Client

from ioc.core.models import Alert, Incident
from ioc.core.services.alerts import record_alert
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG


def make_alerts(n, **kw):
    for i in range(n):
        record_alert(
            kind="core.manual",
            source=f"{kw.get('lat', 0)}:{i}",
            title=f"Sự cố {i}",
            lat=kw.get("lat", POINT_DOAN_KET[0]),
            lon=kw.get("lon", POINT_DOAN_KET[1]),
            severity=kw.get("severity", "warning"),
        )


def test_health_is_public(db):
    response = Client().get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and "hotline" in body["domains"]


def test_openapi_schema_and_docs(db):
    schema = Client().get("/api/openapi.json").json()
    assert "/api/alerts" in schema["paths"] and "/api/hotline/calls" in schema["paths"]
    assert Client().get("/api/docs").status_code == 200


def test_alerts_need_authentication(db):
    response = Client().get("/api/alerts")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]
    assert Client().get("/api/alerts", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_list_filter_and_paginate(users, token_for):
    headers = token_for(users["operator"])
    make_alerts(7)
    make_alerts(3, lat=POINT_TAN_PHONG[0], lon=POINT_TAN_PHONG[1], severity="critical")
    client = Client()
    page = client.get("/api/alerts?limit=4&offset=0", **headers).json()
    assert page["count"] == 10 and len(page["items"]) == 4
    page3 = client.get("/api/alerts?limit=4&offset=8", **headers).json()
    assert len(page3["items"]) == 2
    ids = {a["id"] for a in page["items"]} | {a["id"] for a in page3["items"]}
    assert len(ids) == 6
    critical = client.get("/api/alerts?severity=critical", **headers).json()
    assert critical["count"] == 3 and all(a["unit"]["name"] == "Phường Tân Phong" for a in critical["items"])
    tan_phong = critical["items"][0]["unit"]["id"]
    assert client.get(f"/api/alerts?unit={tan_phong}", **headers).json()["count"] == 3
    assert client.get("/api/alerts?domain=hotline", **headers).json()["count"] == 0


def test_create_alert_and_work_the_incident(users, token_for):
    headers = token_for(users["operator"])
    client = Client()
    response = client.post(
        "/api/alerts",
        {"title": "Cháy rừng phòng hộ", "source": "kiemlam:1", "severity": "critical", "lat": 22.40, "lon": 103.44},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    alert_id = response.json()["id"]
    assert response.json()["unit"]["name"] == "Phường Đoàn Kết"
    incident = client.post(f"/api/alerts/{alert_id}/acknowledge", **headers).json()
    iid = incident["id"]
    assigned = client.post(
        f"/api/incidents/{iid}/assign",
        {"department": "pccc", "working_days": 0},
        content_type="application/json",
        **headers,
    ).json()
    assert assigned["status"] == "assigned" and assigned["department"] == "pccc"
    client.post(f"/api/incidents/{iid}/notes", {"text": "Đã dập tắt"}, content_type="application/json", **headers)
    closed = client.post(
        f"/api/incidents/{iid}/close", {"resolution": "Đã dập tắt đám cháy"}, content_type="application/json", **headers
    ).json()
    assert closed["status"] == "closed"
    detail = client.get(f"/api/incidents/{iid}", **headers).json()
    assert [e["action"] for e in detail["events"]] == ["created", "acknowledged", "assigned", "note", "closed"]
    assert detail["alert_ids"] == [alert_id] and len(detail["sop"]) == 3


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ('{"title": "x", "source": "s"', 400, ""),  # malformed JSON
        ('{"title": "x", "source": "s", "colour": "red"}', 422, "extra"),  # unknown field
        ('{"title": 5, "source": "s"}', 422, "string"),  # wrong type
        ('{"title": "x", "source": "s", "lat": 95, "lon": 103}', 422, "less than or equal"),  # out of range
        ('{"title": "x", "source": "s", "lat": 48.8, "lon": 2.3}', 400, "ngoài lãnh thổ Việt Nam"),
        ('{"title": "x", "source": "s", "kind": "nope.x"}', 400, "Loại cảnh báo không tồn tại"),
        ('{"title": "x", "source": "s", "severity": "huge"}', 422, "severity"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(users, token_for, body, status, text):
    response = Client().post("/api/alerts", body, content_type="application/json", **token_for(users["operator"]))
    assert response.status_code == status, response.content
    assert text in json.dumps(response.json(), ensure_ascii=False)
    assert "message" in response.json()
    assert not Alert.objects.exists()


def test_oversized_bodies_are_refused(users, token_for, settings):
    body = json.dumps({"title": "x" * (settings.MAX_BODY_BYTES + 10), "source": "s"})
    response = Client().post("/api/alerts", body, content_type="application/json", **token_for(users["operator"]))
    assert response.status_code == 413 and "too large" in response.json()["message"]


def test_unknown_things_are_404_or_400(users, token_for):
    headers = token_for(users["operator"])
    client = Client()
    assert client.get("/api/alerts/999999", **headers).status_code == 404
    assert client.get("/api/incidents/999999", **headers).status_code == 404
    assert client.get("/api/layers/nope.layer", **headers).status_code == 404
    assert client.get("/api/kpis?unit=999999", **headers).status_code == 404
    assert client.get("/api/alerts?unit=abc", **headers).status_code == 422
    make_alerts(1)
    incident = client.post(f"/api/alerts/{Alert.objects.get().pk}/acknowledge", **headers).json()
    response = client.post(
        f"/api/incidents/{incident['id']}/assign", {"department": "nope"}, content_type="application/json", **headers
    )
    assert response.status_code == 400 and "Unknown department" in response.json()["message"]
    assert Incident.objects.get().status == "open"


def test_units_geojson_by_date_and_lookup(city):
    client = Client()
    today = client.get("/api/units").json()
    assert {f["properties"]["name"] for f in today["features"]} == {"Phường Tân Phong", "Phường Đoàn Kết"}
    before = client.get("/api/units?on=2024-01-01").json()
    assert len(before["features"]) == 7
    assert all(f["properties"]["approximate"] for f in before["features"])
    found = client.get("/api/units/lookup?lat=22.368&lon=103.5&on=2024-01-01").json()
    assert found["unit"]["name"] == "Xã Sùng Phài" and found["today"]["name"] == "Phường Đoàn Kết"
    assert client.get("/api/units/lookup?lat=21.03&lon=105.85").status_code == 404
    assert client.get("/api/units/lookup?lat=48.8&lon=2.3").status_code == 400
    assert client.get("/api/units?level=hamlet").status_code == 400


def test_layers_and_kpis(users, token_for):
    headers = token_for(users["operator"])
    make_alerts(2)
    client = Client()
    keys = [layer["key"] for layer in client.get("/api/layers", **headers).json()]
    assert {"core.units", "core.alerts", "hotline.calls"} <= set(keys)
    points = client.get("/api/layers/core.alerts", **headers).json()
    assert len(points["features"]) == 2
    assert points["features"][0]["geometry"]["coordinates"] == [POINT_DOAN_KET[1], POINT_DOAN_KET[0]]
    tiles = {t["key"]: t["value"] for t in client.get("/api/kpis", **headers).json()}
    assert tiles["core.open_alerts"] == 2 and tiles["core.open_incidents"] == 0


def test_deadline_endpoint_explains_the_days_off(db):
    body = Client().get("/api/calendar/deadline?start=2026-02-13&working_days=3").json()
    assert body["due"] == "2026-02-25"
    assert any("Tết" in d for d in body["days_off_skipped"])


def test_datetimes_are_normalised_and_absurd_ones_refused(users, token_for):
    headers = token_for(users["operator"])
    make_alerts(1)
    client = Client()
    # An offset PostgreSQL would refuse is converted to UTC first; naive times are Vietnam's.
    assert client.get("/api/alerts?since=2000-01-01T00:00:00%2B18:00", **headers).json()["count"] == 1
    assert client.get("/api/alerts?until=2000-01-01T00:00:00", **headers).json()["count"] == 0
    response = client.get("/api/alerts?since=0360-12-19T00:00:00", **headers)
    assert response.status_code == 422 and "1900" in json.dumps(response.json())
