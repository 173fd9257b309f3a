"""NGSI-LD subscriptions: CRUD, ProblemDetails for bad payloads, and HTTP notifications received by a real server."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from ioc.sensors.models import Subscription
from ioc.sensors.periodic import deliver_periodic, schedule_periodic, send_periodic
from tests.sensors.test_ngsild import BASE, ERR, sensor

ENTITY = "urn:ngsi-ld:WaterLevelSensor:001"


class Receiver:
    """A subscriber's HTTP endpoint on 127.0.0.1 that keeps what it is sent."""

    def __init__(self, status=204):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                received.append((dict(self.headers), json.loads(self.rfile.read(length))))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.NGSI_NOTIFY_ALLOW_LOCAL = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def ngsi(users, token_for):
    headers = token_for(users["operator"])

    def call(method, path, body=None, headers=headers):
        if body is None:
            return getattr(Client(), method)(BASE + path, **headers)
        return getattr(Client(), method)(BASE + path, json.dumps(body), content_type="application/json", **headers)

    return call


def subscription(uri, **more):
    return {
        "type": "Subscription",
        "entities": [{"type": "WaterLevelSensor"}],
        "watchedAttributes": ["waterLevel"],
        "notification": {"endpoint": {"uri": uri}, "format": "keyValues", "attributes": ["waterLevel"]},
        **more,
    }


def level(ngsi, value, entity=ENTITY):
    response = ngsi("patch", f"/entities/{entity}/attrs", {"waterLevel": value})
    assert response.status_code == 204, response.content


def test_create_read_update_delete(ngsi, receiver, users, token_for):
    # q is written percent-encoded, as in a URL
    created = ngsi("post", "/subscriptions", subscription(receiver.url, q="waterLevel%3E2", throttling=5))
    assert created.status_code == 201
    location = created["Location"]
    sub_id = location.rsplit("/", 1)[1]
    assert sub_id.startswith("urn:ngsi-ld:Subscription:")
    got = ngsi("get", f"/subscriptions/{sub_id}").json()
    assert got["status"] == "active" and got["q"] == "waterLevel>2" and got["throttling"] == 5
    assert got["notification"]["endpoint"]["uri"] == receiver.url and "timesSent" not in got["notification"]
    assert got["notificationTrigger"] == ["attributeCreated", "attributeUpdated"] and "isActive" not in got
    assert [s["id"] for s in ngsi("get", "/subscriptions").json()] == [sub_id]

    assert ngsi("patch", f"/subscriptions/{sub_id}", {"isActive": False, "throttling": 0}).status_code == 204
    got = ngsi("get", f"/subscriptions/{sub_id}").json()
    assert got["status"] == "paused" and "throttling" not in got and got["q"] == "waterLevel>2"

    # Another operator neither sees nor changes it; an administrator sees it.
    from tests.conftest import make_user

    other = token_for(make_user("operator2", "operator"))
    assert ngsi("get", f"/subscriptions/{sub_id}", headers=other).json()["type"] == ERR + "ResourceNotFound"
    assert ngsi("get", "/subscriptions", headers=other).json() == []
    assert ngsi("delete", f"/subscriptions/{sub_id}", headers=other).status_code == 404
    assert ngsi("get", f"/subscriptions/{sub_id}", headers=token_for(users["admin"])).status_code == 200
    leader = token_for(users["leader"])
    assert ngsi("post", "/subscriptions", subscription(receiver.url), headers=leader).status_code == 403

    assert ngsi("delete", f"/subscriptions/{sub_id}").status_code == 204
    gone = ngsi("get", f"/subscriptions/{sub_id}")
    assert gone.status_code == 404 and gone.json()["type"] == ERR + "ResourceNotFound"


@pytest.mark.parametrize(
    "change, kind, status",
    [
        ({"type": "Subscriptions"}, "BadRequestData", 400),
        ({"notification": {"endpoint": {"uri": "ftp://example.org/x"}}}, "BadRequestData", 400),
        ({"notification": {"endpoint": {"uri": "http://169.254.169.254/latest"}}}, "BadRequestData", 400),
        ({"notification": {"endpoint": {"uri": "http://localhost:8000/"}}}, "BadRequestData", 400),
        ({"notification": {"endpoint": {"uri": "http://user:pw@example.org/"}}}, "BadRequestData", 400),
        ({"q": "waterLevel>>"}, "BadRequestData", 400),
        ({"geoQ": {"geometry": "Point", "coordinates": [103.4, 22.4], "georel": "near"}}, "BadRequestData", 400),
        ({"expiresAt": "2020-01-01T00:00:00Z"}, "BadRequestData", 400),
        ({"throttling": -1}, "BadRequestData", 400),
        ({"entities": [], "watchedAttributes": []}, "BadRequestData", 400),
        ({"timeInterval": 60}, "BadRequestData", 400),
    ],
)
def test_bad_subscriptions_are_refused(ngsi, change, kind, status):
    body = {**subscription("http://example.org/notify"), **change}
    response = ngsi("post", "/subscriptions", body)
    assert response.status_code == status and response.json()["type"] == ERR + kind
    assert not Subscription.objects.exists()


def test_duplicate_id_already_exists(ngsi):
    body = subscription("http://example.org/notify", id="urn:ngsi-ld:Subscription:flood")
    assert ngsi("post", "/subscriptions", body).status_code == 201
    again = ngsi("post", "/subscriptions", body)
    assert again.status_code == 409 and again.json()["type"] == ERR + "AlreadyExists"


def test_notifications_follow_watched_attributes_q_and_geo(ngsi, receiver, units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ngsi("post", "/entities", sensor(1, level=1.0))
        ngsi("post", "/entities", sensor(2, level=1.0, lat=22.30, lon=103.30))  # ~18 km away
    geo = {"geometry": "Point", "coordinates": [103.455, 22.405], "georel": "near;maxDistance==2000"}
    ngsi("post", "/subscriptions", subscription(receiver.url, q="waterLevel>2", geoQ=geo))
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 1.5)  # q not met
        level(ngsi, 2.6, entity="urn:ngsi-ld:WaterLevelSensor:002")  # too far
        assert ngsi("post", f"/entities/{ENTITY}/attrs", {"battery": 80}).status_code == 204  # not watched
    assert receiver.received == []
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 2.5)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["Content-Type"] == "application/json" and "json-ld#context" in headers["Link"]
    assert body["type"] == "Notification" and body["subscriptionId"].startswith("urn:ngsi-ld:Subscription:")
    assert body["data"] == [{"id": ENTITY, "type": "WaterLevelSensor", "waterLevel": 2.5}]
    stored = ngsi("get", "/subscriptions").json()[0]["notification"]
    assert stored["timesSent"] == 1 and stored["status"] == "ok" and stored["lastSuccess"]


def test_mqtt_telemetry_notifies_too(ngsi, receiver, units, django_capture_on_commit_callbacks):
    from ioc.sensors.services import ingest_telemetry

    with django_capture_on_commit_callbacks(execute=True):
        ngsi("post", "/entities", sensor(1, level=1.0))
    body = subscription(receiver.url)
    body["notification"].update(format="normalized", endpoint={"uri": receiver.url, "accept": "application/ld+json"})
    ngsi("post", "/subscriptions", body)
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_telemetry([(ENTITY, {"waterLevel": 3.1}, None)]) == []
    headers, sent = receiver.received[0]
    assert headers["Content-Type"] == "application/ld+json" and "@context" in sent
    assert sent["data"][0]["waterLevel"]["value"] == 3.1 and sent["data"][0]["waterLevel"]["type"] == "Property"


def test_throttling_and_expiry(ngsi, receiver, units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ngsi("post", "/entities", sensor(1, level=1.0))
    ngsi("post", "/subscriptions", subscription(receiver.url, throttling=60))
    for value in (2.0, 2.1):  # the second is within 60 s of the first: dropped
        with django_capture_on_commit_callbacks(execute=True):
            level(ngsi, value)
    assert [b["data"][0]["waterLevel"] for _h, b in receiver.received] == [2.0]

    Subscription.objects.update(last_notification=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 2.2)
    assert len(receiver.received) == 2

    Subscription.objects.update(throttling=0, expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 2.3)
    assert len(receiver.received) == 2
    assert ngsi("get", "/subscriptions").json()[0]["status"] == "expired"


def test_unreachable_endpoint_is_recorded_and_the_write_stands(
    ngsi, settings, units, django_capture_on_commit_callbacks
):
    settings.NGSI_NOTIFY_ALLOW_LOCAL = True
    closed = Receiver()
    url = closed.url
    closed.close()  # nothing listens there any more
    with django_capture_on_commit_callbacks(execute=True):
        ngsi("post", "/entities", sensor(1, level=1.0))
    ngsi("post", "/subscriptions", subscription(url))
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 2.0)
    got = ngsi("get", "/subscriptions").json()[0]["notification"]
    assert got["status"] == "failed" and got["lastFailure"]
    assert ngsi("get", f"/entities/{ENTITY}?options=keyValues").json()["waterLevel"] == 2.0


def test_deletions_notify_only_subscriptions_that_ask(ngsi, receiver, units, django_capture_on_commit_callbacks):
    asks = {**subscription(receiver.url), "notificationTrigger": ["attributeDeleted", "entityDeleted"]}
    asks["notification"] = {"endpoint": {"uri": receiver.url}, "format": "normalized"}
    del asks["watchedAttributes"]
    assert ngsi("post", "/subscriptions", asks).status_code == 201
    quiet = Receiver()
    try:
        assert ngsi("post", "/subscriptions", subscription(quiet.url)).status_code == 201
        with django_capture_on_commit_callbacks(execute=True):
            assert ngsi("post", "/entities", sensor()).status_code == 201
        receiver.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert ngsi("delete", f"/entities/{ENTITY}/attrs/refRiver").status_code == 204
        _headers, body = receiver.received[-1]
        assert body["data"][0]["refRiver"] == {"type": "Relationship", "object": "urn:ngsi-ld:null"}
        with django_capture_on_commit_callbacks(execute=True):
            assert ngsi("delete", f"/entities/{ENTITY}").status_code == 204
        _headers, body = receiver.received[-1]
        assert body["data"][0]["id"] == ENTITY and body["data"][0]["deletedAt"].endswith("Z")
        # an entity deletion shows the entity's id, type and when it went, not its attributes
        assert set(body["data"][0]) == {"id", "type", "deletedAt"}
        # The subscription without a deletion trigger heard only the creation.
        assert len(quiet.received) == 1
    finally:
        quiet.close()


def test_attribute_deletions_show_what_went(ngsi, receiver, units, django_capture_on_commit_callbacks):
    asks = {**subscription(receiver.url), "notificationTrigger": ["attributeDeleted"]}
    asks["notification"] = {"endpoint": {"uri": receiver.url}, "format": "normalized"}
    asks["watchedAttributes"] = ["name"]
    assert ngsi("post", "/subscriptions", asks).status_code == 201
    names = [
        {"type": "Property", "value": "Trạm Nậm Lùm"},
        {"type": "Property", "value": "Nam Lum station", "datasetId": "urn:ngsi-ld:Dataset:en"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor(name=names)).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        path = f"/entities/{ENTITY}/attrs/name?datasetId=urn:ngsi-ld:Dataset:en"
        assert ngsi("delete", path).status_code == 204
    _headers, body = receiver.received[-1]
    assert body["data"][0]["name"] == [
        {"type": "Property", "value": "Trạm Nậm Lùm"},
        {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:ngsi-ld:Dataset:en"},
    ]
    # the whole entity going is, for this subscription, its watched attribute going
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("delete", f"/entities/{ENTITY}").status_code == 204
    _headers, body = receiver.received[-1]
    assert set(body["data"][0]) == {"id", "type", "deletedAt", "name"}
    assert body["data"][0]["name"] == {"type": "Property", "value": "urn:ngsi-ld:null"}


def test_type_expressions_and_picked_members(ngsi, receiver, units, django_capture_on_commit_callbacks):
    asks = {
        "type": "Subscription",
        "entities": [{"type": "(WaterLevelSensor|RainGauge)"}],
        "notification": {"endpoint": {"uri": receiver.url}, "pick": ["id", "waterLevel"]},
    }
    created = ngsi("post", "/subscriptions", asks)
    assert created.status_code == 201
    sub_id = created["Location"].rsplit("/", 1)[1]
    assert ngsi("get", f"/subscriptions/{sub_id}").json()["entities"] == [{"type": "(WaterLevelSensor|RainGauge)"}]
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor()).status_code == 201
        assert ngsi("post", "/entities", {"id": "urn:ngsi-ld:Pump:1", "type": "Pump", "on": True}).status_code == 201
    assert len(receiver.received) == 1  # the pump is of neither type
    _headers, body = receiver.received[0]
    assert set(body["data"][0]) == {"id", "waterLevel"}  # pick leaves the type out


def test_notifications_carry_linked_entities(ngsi, receiver, units, django_capture_on_commit_callbacks):
    city = {"id": "urn:ngsi-ld:City:lc", "type": "City", "name": "Lai Châu"}
    gauge = sensor(refCity={"type": "Relationship", "object": "urn:ngsi-ld:City:lc"})
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entityOperations/create", [city, gauge]).status_code == 201
    for join in ("flat", "inline"):
        asks = {**subscription(receiver.url), "notification": {"endpoint": {"uri": receiver.url}, "join": join}}
        assert ngsi("post", "/subscriptions", {**asks, "id": f"urn:ngsi-ld:Subscription:{join}"}).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 2.5)
    bodies = {b["subscriptionId"].rsplit(":", 1)[1]: b["data"] for _h, b in receiver.received}
    assert [e["id"] for e in bodies["flat"]] == [ENTITY, "urn:ngsi-ld:City:lc"]
    assert bodies["inline"][0]["refCity"]["entity"]["name"]["value"] == "Lai Châu"
    shown = ngsi("get", "/subscriptions/urn:ngsi-ld:Subscription:flat").json()["notification"]
    assert shown["join"] == "flat"
    bad = {**asks, "notification": {"endpoint": {"uri": receiver.url}, "join": "deep"}}
    assert ngsi("post", "/subscriptions", bad).status_code == 400


def test_periodic_subscriptions_send_on_their_interval(ngsi, receiver, units, django_capture_on_commit_callbacks):
    periodic = {**subscription(receiver.url), "timeInterval": 600}
    del periodic["watchedAttributes"]
    assert ngsi("post", "/subscriptions", periodic).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor()).status_code == 201
    assert receiver.received == []  # a change does not notify a periodic subscription
    assert send_periodic() == 1
    _headers, body = receiver.received[0]
    assert body["data"][0]["id"] == ENTITY
    assert send_periodic() == 0  # not again inside its interval
    sub_pk = Subscription.objects.get().pk
    assert deliver_periodic(sub_pk, timezone.now() + timedelta(seconds=601)) == "sent"
    assert len(receiver.received) == 2


def test_an_interval_under_a_minute_is_kept_within_the_minute(
    ngsi, receiver, units, django_capture_on_commit_callbacks
):
    periodic = {**subscription(receiver.url), "timeInterval": 10}
    del periodic["watchedAttributes"]
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor()).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):  # created: the first notification goes at once
        assert ngsi("post", "/subscriptions", periodic).status_code == 201
    assert len(receiver.received) == 1
    item = Subscription.objects.get()
    assert schedule_periodic(item) == [0, 10, 20, 30, 40, 50]
    assert deliver_periodic(item.pk) == "not due"  # 10 s have not passed
    assert deliver_periodic(item.pk, timezone.now() + timedelta(seconds=10)) == "sent"
    assert len(receiver.received) == 2


def test_json_ld_notifications_carry_context_and_receiver_headers(
    ngsi, receiver, units, django_capture_on_commit_callbacks
):
    body = subscription(receiver.url)
    body["notification"]["endpoint"] = {
        "uri": receiver.url,
        "accept": "application/ld+json",
        "receiverInfo": [{"key": "X-City", "value": "Lai Chau"}],
    }
    assert ngsi("post", "/subscriptions", body).status_code == 201
    bad = subscription(receiver.url)
    bad["notification"]["endpoint"]["receiverInfo"] = [{"key": "Host", "value": "evil"}]
    assert ngsi("post", "/subscriptions", bad).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor()).status_code == 201
    headers, notification = receiver.received[0]
    assert headers["X-City"] == "Lai Chau" and "Link" not in headers
    assert notification["data"][0]["@context"] == notification["@context"]


def test_show_changes_tells_the_previous_value(ngsi, receiver, units, django_capture_on_commit_callbacks):
    body = subscription(receiver.url)
    body["notification"] = {"endpoint": {"uri": receiver.url}, "format": "normalized", "showChanges": True}
    assert ngsi("post", "/subscriptions", body).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert ngsi("post", "/entities", sensor(level=1.2)).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        level(ngsi, 1.9)
    _headers, notification = receiver.received[-1]
    assert notification["data"][0]["waterLevel"]["value"] == 1.9
    assert notification["data"][0]["waterLevel"]["previousValue"] == 1.2
