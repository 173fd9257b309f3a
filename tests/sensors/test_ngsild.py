"""NGSI-LD conformance-style tests: entities, attributes, batch operations, queries, and ProblemDetails errors."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from ioc.core.models import Alert
from ioc.sensors.models import Entity, Reading, Rule

BASE = "/ngsi-ld/v1"
ERR = "https://uri.etsi.org/ngsi-ld/errors/"


def sensor(n=1, level=1.2, lat=22.405, lon=103.455, **more):
    return {
        "id": f"urn:ngsi-ld:WaterLevelSensor:{n:03d}",
        "type": "WaterLevelSensor",
        "waterLevel": {
            "type": "Property",
            "value": level,
            "unitCode": "MTR",
            "observedAt": "2026-11-25T08:00:00+07:00",
        },
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "refRiver": {"type": "Relationship", "object": "urn:ngsi-ld:River:nam-lum"},
        **more,
    }


@pytest.fixture
def api(users, token_for):
    headers = token_for(users["operator"])

    class Api:
        def call(self, method, path, body=None, ctype="application/json", **extra):
            data = json.dumps(body) if body is not None else None
            kwargs = {"content_type": ctype} if data is not None else {}
            return (
                getattr(Client(), method)(BASE + path, data, **kwargs, **headers, **extra)
                if data is not None
                else getattr(Client(), method)(BASE + path, **headers, **extra)
            )

    return Api()


def problem(response, kind, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] == ERR + kind and body["detail"]
    return body


def test_create_get_and_delete(api, units):
    response = api.call("post", "/entities", sensor())
    assert response.status_code == 201 and response["Location"] == f"{BASE}/entities/urn:ngsi-ld:WaterLevelSensor:001"
    got = api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001").json()
    assert got["waterLevel"]["value"] == 1.2 and got["refRiver"]["object"] == "urn:ngsi-ld:River:nam-lum"
    kv = api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001?options=keyValues").json()
    assert kv == {
        "id": "urn:ngsi-ld:WaterLevelSensor:001",
        "type": "WaterLevelSensor",
        "waterLevel": 1.2,
        "location": {"type": "Point", "coordinates": [103.455, 22.405]},
        "refRiver": "urn:ngsi-ld:River:nam-lum",
    }
    assert Entity.objects.get().unit == units["Đoàn Kết"]
    assert Reading.objects.get().value == 1.2
    problem(api.call("post", "/entities", sensor()), "AlreadyExists", 409)
    assert api.call("delete", "/entities/urn:ngsi-ld:WaterLevelSensor:001").status_code == 204
    problem(api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001"), "ResourceNotFound", 404)


def test_json_ld_and_link_header(api, units):
    body = {**sensor(), "@context": "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld"}
    assert api.call("post", "/entities", body, ctype="application/ld+json").status_code == 201
    problem(api.call("post", "/entities", {**sensor(2), "@context": "x"}), "BadRequestData", 400)
    problem(api.call("post", "/entities", sensor(3), ctype="application/ld+json"), "BadRequestData", 400)
    problem(api.call("post", "/entities", sensor(4), ctype="text/plain"), "UnsupportedMediaType", 415)
    response = api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001")
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in response["Link"]
    ld = api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json" and "@context" in ld.json()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"type": "WaterLevelSensor"}, "id must be a URI"),
        ({"id": "sensor 1", "type": "WaterLevelSensor"}, "id must be a URI"),
        ({"id": "urn:x:1", "type": "Water Level"}, "type must be a name"),
        ({"id": "urn:x:1", "type": "T", "a": {"type": "Thing", "value": 1}}, "type must be one of"),
        ({"id": "urn:x:1", "type": "T", "a": {"type": "Property"}}, "a Property needs value"),
        ({"id": "urn:x:1", "type": "T", "r": {"type": "Relationship", "object": "not a uri"}}, "must be a URI"),
        (
            {"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "observedAt": "2099-01-01T00:00:00Z"}},
            "in the future",
        ),
        ({"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "observedAt": "yesterday"}}, "ISO 8601"),
        ({"id": "urn:x:1", "type": "T", "location": {"type": "Point", "coordinates": [200, 1]}}, "out of range"),
        ({"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "object": "urn:x:2"}}, "does not belong"),
    ],
)
def test_bad_entities_are_refused_with_problem_details(api, body, detail):
    assert detail in problem(api.call("post", "/entities", body), "BadRequestData", 400)["detail"]
    assert not Entity.objects.exists()


def test_attributes_append_update_and_one_attribute(api, units):
    api.call("post", "/entities", sensor())
    path = "/entities/urn:ngsi-ld:WaterLevelSensor:001/attrs"
    assert api.call("post", path, {"batteryLevel": {"type": "Property", "value": 0.8}}).status_code == 204
    # One attribute, partially: its other members (unitCode) stay.
    assert api.call("patch", path + "/waterLevel", {"value": 1.7}).status_code == 204
    entity = Entity.objects.get()
    assert entity.attrs["waterLevel"]["value"] == 1.7 and entity.attrs["waterLevel"]["unitCode"] == "MTR"
    # Update attributes: each named attribute is replaced whole, one the entity lacks is added (as ETSI's suite
    # reads clause 5.6.2); a scope the entity does not have is reported (207).
    partial = api.call("patch", path, {"waterLevel": {"type": "Property", "value": 1.5}, "gate": 3})
    assert partial.status_code == 204
    scoped = api.call("patch", path, {"scope": "/LaiChau"})
    assert scoped.status_code == 207 and scoped.json()["notUpdated"][0]["attributeName"] == "scope"
    shown = api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001").json()
    assert shown["waterLevel"] == {"type": "Property", "value": 1.5} and shown["gate"]["value"] == 3
    problem(api.call("put", path + "/@type", {"value": 1}), "BadRequestData", 400)  # a keyword is no name
    assert "scope" not in shown
    assert shown["batteryLevel"]["value"] == 0.8
    problem(api.call("patch", path + "/nothere", {"value": 1}), "ResourceNotFound", 404)
    kept = api.call("post", path + "?options=noOverwrite", {"batteryLevel": 0.1})
    assert kept.status_code == 207 and kept.json()["notUpdated"][0]["attributeName"] == "batteryLevel"
    assert Entity.objects.get().attrs["batteryLevel"]["value"] == 0.8


def test_batch_operations_report_207(api, units):
    created = api.call("post", "/entityOperations/create", [sensor(1), sensor(2)])
    assert created.status_code == 201 and len(created.json()) == 2
    mixed = api.call("post", "/entityOperations/create", [sensor(2), sensor(3), {"id": "bad", "type": "T"}])
    assert mixed.status_code == 207
    body = mixed.json()
    assert body["success"] == ["urn:ngsi-ld:WaterLevelSensor:003"]
    assert {e["error"]["type"].rsplit("/", 1)[1] for e in body["errors"]} == {"AlreadyExists", "BadRequestData"}
    upsert = api.call("post", "/entityOperations/upsert", [sensor(1, level=2.0), sensor(4)])
    assert upsert.status_code == 201 and upsert.json() == ["urn:ngsi-ld:WaterLevelSensor:004"]
    assert api.call("post", "/entityOperations/update", [sensor(1, level=2.5)]).status_code == 204
    # The same id twice: applied in order (ETSI 004_07_01); a create's second one already exists.
    twice = api.call("post", "/entityOperations/upsert", [sensor(5), sensor(5, level=3.5)])
    assert twice.status_code == 201 and twice.json() == ["urn:ngsi-ld:WaterLevelSensor:005"]
    assert Entity.objects.get(entity_id="urn:ngsi-ld:WaterLevelSensor:005").attrs["waterLevel"]["value"] == 3.5
    created_twice = api.call("post", "/entityOperations/create", [sensor(6), sensor(6)])
    assert created_twice.status_code == 207 and created_twice.json()["success"] == ["urn:ngsi-ld:WaterLevelSensor:006"]
    gone = api.call("post", "/entityOperations/delete", ["urn:ngsi-ld:WaterLevelSensor:004", "urn:ngsi-ld:X:9"])
    assert gone.status_code == 207 and gone.json()["success"] == ["urn:ngsi-ld:WaterLevelSensor:004"]
    assert Entity.objects.get(entity_id="urn:ngsi-ld:WaterLevelSensor:001").attrs["waterLevel"]["value"] == 2.5


def test_queries(api, units):
    api.call(
        "post",
        "/entityOperations/create",
        [
            sensor(1, level=0.5),
            sensor(2, level=2.5, lat=22.392, lon=103.472),
            sensor(3, level=3.5, lat=22.37, lon=103.5),
            {
                "id": "urn:ngsi-ld:RainGauge:001",
                "type": "RainGauge",
                "rain": {"type": "Property", "value": 12},
                "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [103.455, 22.405]}},
            },
        ],
    )

    def ids(query):
        response = api.call("get", "/entities?" + query)
        assert response.status_code == 200, response.content
        return sorted(e["id"].rsplit(":", 1)[1] for e in response.json())

    assert ids("type=WaterLevelSensor") == ["001", "002", "003"]
    assert ids("type=WaterLevelSensor&q=waterLevel>1") == ["002", "003"]
    assert ids("type=WaterLevelSensor&q=waterLevel>1;waterLevel<3") == ["002"]
    assert ids("type=WaterLevelSensor&q=waterLevel<1|waterLevel>3") == ["001", "003"]
    assert ids('q=refRiver=="urn:ngsi-ld:River:nam-lum"') == ["001", "002", "003"]
    assert ids("idPattern=^urn:ngsi-ld:RainGauge:.*") == ["001"]
    # A pattern that backtracks catastrophically in Python's re ((x+)+y against xxxx…) answers at once on RE2.
    api.call("post", "/entityOperations/create", [{"id": "urn:ngsi-ld:RainGauge:" + "a" * 40, "type": "RainGauge"}])
    assert ids("idPattern=^urn:ngsi-ld:RainGauge:(a%2B)%2Bb$") == []
    assert ids(
        "type=WaterLevelSensor,RainGauge&georel=near;maxDistance==500&geometry=Point&coordinates=[103.455,22.405]"
    ) == ["001", "001"]
    polygon = json.dumps([[[103.46, 22.38], [103.48, 22.38], [103.48, 22.40], [103.46, 22.40], [103.46, 22.38]]])
    assert ids(f"type=WaterLevelSensor&georel=within&geometry=Polygon&coordinates={polygon}") == ["002"]
    page = api.call("get", "/entities?type=WaterLevelSensor&limit=2&offset=1&count=true")
    assert len(page.json()) == 2 and page["NGSILD-Results-Count"] == "3"
    only = api.call("get", "/entities?type=WaterLevelSensor&attrs=waterLevel&options=keyValues").json()
    assert set(only[0]) == {"id", "type", "waterLevel"}
    for bad in (
        "",
        "type=WaterLevelSensor&q=waterLevel~1",
        "type=WaterLevelSensor&limit=5000",
        "type=W&georel=near&geometry=Point&coordinates=[1,2]",
        "idPattern=(",
        "idPattern=x(?=y)",  # look-ahead: not in RE2's linear-time syntax
        "type=W&georel=within&geometry=Polygon&coordinates=nope",
    ):
        problem(api.call("get", "/entities?" + bad), "BadRequestData", 400)


def test_auth_and_roles(users, token_for, units):
    assert Client().get(BASE + "/entities?type=X").json()["type"] == ERR + "Unauthorized"
    leader = token_for(users["leader"])
    assert Client().get(BASE + "/entities?type=X", **leader).status_code == 200
    refused = Client().post(BASE + "/entities", json.dumps(sensor()), content_type="application/json", **leader)
    assert refused.json()["type"] == ERR + "Forbidden" and refused.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_thresholds_with_hysteresis_raise_one_alert(users, token_for, units):
    headers = token_for(users["operator"])
    Rule.objects.create(
        name="Mực nước cao",
        entity_type="WaterLevelSensor",
        attr="waterLevel",
        threshold=3.0,
        clear_at=2.5,
        severity="major",
    )

    def level(value, minute):
        body = {
            "waterLevel": {"type": "Property", "value": value, "observedAt": f"2026-11-25T08:{minute:02d}:00+07:00"}
        }
        response = Client().post(
            BASE + "/entities/urn:ngsi-ld:WaterLevelSensor:001/attrs",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 204

    Client().post(BASE + "/entities", json.dumps(sensor(level=1.0)), content_type="application/json", **headers)
    level(3.2, 1)  # crosses 3.0 → alert
    level(2.8, 2)  # below 3.0 but above 2.5: still triggered, no new alert
    level(3.4, 3)  # still triggered: folded, no new alert
    level(2.4, 4)  # below 2.5: clears, and the alert ends by itself with the reason
    first = Alert.objects.get(kind="sensors.threshold")
    assert first.status == Alert.Status.CLOSED and first.resolved_by_condition and "2.4" in first.resolution
    assert first.count == 1 and first.severity == 3 and first.unit == units["Đoàn Kết"]
    level(3.1, 5)  # crosses again → a new alert: the first one had ended
    second = Alert.objects.exclude(pk=first.pk).get(kind="sensors.threshold")
    assert second.status == Alert.Status.NEW and not second.resolved_by_condition
    assert Reading.objects.filter(attr="waterLevel").count() == 6


def test_invalid_json_is_an_invalid_request(users, token_for):
    response = Client().post(
        BASE + "/entities", "{not json", content_type="application/json", **token_for(users["operator"])
    )
    problem(response, "InvalidRequest", 400)
    batch = Client().post(
        BASE + "/entityOperations/upsert",
        json.dumps({"id": "urn:x:1"}),
        content_type="application/json",
        **token_for(users["operator"]),
    )
    problem(batch, "BadRequestData", 400)


def _ingest(entity_id, attr, value, minute):
    from ioc.sensors.services import ingest_telemetry

    ingest_telemetry(
        [(entity_id, {attr: value}, datetime(2026, 11, 25, 8, minute, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))]
    )


@pytest.mark.django_db(transaction=True)
def test_rate_of_change_rule(units):
    from ioc.sensors.services import write_entities

    write_entities([sensor(level=0.5)], "create")
    Rule.objects.create(
        name="Nước lên nhanh",
        entity_type="WaterLevelSensor",
        attr="waterLevel",
        kind="rate",
        window_minutes=10,
        threshold=0.5,
        clear_at=0.2,
        severity="critical",
    )
    sid = "urn:ngsi-ld:WaterLevelSensor:001"
    # The entity was created with 0.5 at 08:00.
    _ingest(sid, "waterLevel", 0.6, 1)
    _ingest(sid, "waterLevel", 0.8, 6)  # +0.3 since 08:00 (the reading a full window before)
    _ingest(sid, "waterLevel", 0.9, 11)  # +0.3 since 08:01
    assert not Alert.objects.filter(kind="sensors.threshold").exists()
    _ingest(sid, "waterLevel", 1.4, 16)  # +0.6 since 08:06 → rising fast
    alert = Alert.objects.get(kind="sensors.threshold")
    assert alert.severity == 4 and "Nước lên nhanh" in alert.title


@pytest.mark.django_db(transaction=True)
def test_combined_rule_needs_rain_nearby(units):
    from ioc.sensors.services import write_entities

    write_entities(
        [
            {
                "id": "urn:ngsi-ld:RainGauge:near",
                "type": "RainGauge",
                "location": {"type": "Point", "coordinates": [103.456, 22.406]},
            },
            {
                "id": "urn:ngsi-ld:RainGauge:far",
                "type": "RainGauge",
                "location": {"type": "Point", "coordinates": [103.39, 22.405]},
            },
            {
                "id": "urn:ngsi-ld:SoilMoistureSensor:slope",
                "type": "SoilMoistureSensor",
                "location": {"type": "Point", "coordinates": [103.455, 22.405]},
            },
        ],
        "create",
    )
    rain = Rule.objects.create(
        name="Mưa lớn", entity_type="RainGauge", attr="precipitation", threshold=30, clear_at=20, severity="major"
    )
    Rule.objects.create(
        name="Nguy cơ sạt lở",
        entity_type="SoilMoistureSensor",
        attr="soilMoisture",
        threshold=45,
        clear_at=40,
        severity="critical",
        requires=rain,
        radius_m=2000,
    )
    _ingest("urn:ngsi-ld:RainGauge:far", "precipitation", 50, 0)  # heavy rain 7 km away
    _ingest("urn:ngsi-ld:SoilMoistureSensor:slope", "soilMoisture", 48, 1)
    assert not Alert.objects.filter(title__startswith="Nguy cơ sạt lở").exists()
    _ingest("urn:ngsi-ld:RainGauge:near", "precipitation", 40, 2)  # now heavy rain 150 m away
    _ingest("urn:ngsi-ld:SoilMoistureSensor:slope", "soilMoisture", 49, 3)
    assert Alert.objects.get(title__startswith="Nguy cơ sạt lở").severity == 4


def test_resource_uris_with_a_trailing_slash_and_unknown_paths(api, units):
    """ETSI's suite writes `…/entities/` and `…/subscriptions/`; a path that names nothing is a ProblemDetails."""
    assert api.call("post", "/entities/", sensor()).status_code == 201
    assert api.call("get", "/entities/?type=WaterLevelSensor").json()[0]["id"] == "urn:ngsi-ld:WaterLevelSensor:001"
    assert api.call("get", "/entities/urn:ngsi-ld:WaterLevelSensor:001/").status_code == 200
    assert api.call("get", "/subscriptions/").status_code == 200
    assert api.call("get", "/temporal/entities/?type=WaterLevelSensor").status_code == 200
    response = api.call("get", "/no-such-resource")
    problem(response, "ResourceNotFound", 404)
    assert response["Content-Type"].startswith("application/json")
