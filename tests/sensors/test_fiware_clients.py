"""The FIWARE tools a city plugs in, replayed with the requests their documentation and own test fixtures show:
an IoT Agent (iotagent-node-lib in NGSI-LD mode) writing measures, Mintaka/QuantumLeap-style temporal reads, and a
Grafana panel paging through a long history by Content-Range. None of those programs runs here (Node.js and Java
services), so their documented requests are sent as they send them."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client

from tests.sensors.test_ngsild import BASE

CONTEXT = "https://fiware.github.io/data-models/context.jsonld"
LINK = f'<{CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
# iotagent-node-lib: lib/services/ngsi/entities-NGSI-LD.js posts every measure batch here.
IOTA_UPSERT = "/entityOperations/upsert/?options=update"


@pytest.fixture
def agent(users, token_for, settings, tmp_path):
    """Requests as the IoT Agent sends them: application/json with the data models' context in a Link header,
    and its service as NGSILD-Tenant."""
    from ioc.sensors.jsonld import store_context

    settings.DATA_DIR = tmp_path
    settings.IOC = {**settings.IOC, "NGSI_TENANT_NAMES": ["openiot"]}
    store_context(
        CONTEXT, json.dumps({"@context": {"Device": "https://uri.fiware.org/ns/data-models#Device"}}).encode()
    )
    headers = {**token_for(users["operator"]), "HTTP_LINK": LINK, "HTTP_NGSILD_TENANT": "openiot"}

    def call(method, path, body=None, **extra):
        sent = {**headers, **extra}
        if body is None:
            return getattr(Client(), method)(BASE + path, **sent)
        return getattr(Client(), method)(BASE + path, json.dumps(body), content_type="application/json", **sent)

    return call


def measure(device: str, temperature: float, at: str) -> dict:
    return {
        "id": f"urn:ngsi-ld:Device:{device}",
        "type": "Device",
        "temperature": {"type": "Property", "value": temperature, "unitCode": "CEL", "observedAt": at},
    }


def test_an_iot_agent_provisions_a_device_and_sends_measures(agent, units):
    # Provisioning: the device's static attributes and location, in one upsert.
    device = {
        **measure("th01", 21.5, "2026-11-25T01:00:00.000Z"),
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [103.4577, 22.3964]}},
        "controlledAsset": {"type": "Relationship", "object": "urn:ngsi-ld:Building:ubnd"},
    }
    assert agent("post", IOTA_UPSERT, [device]).status_code == 201
    # Measures: only what changed, each with its observedAt; the rest of the entity stays.
    for n, value in enumerate((22.0, 22.5, 23.0), start=1):
        assert (
            agent("post", IOTA_UPSERT, [measure("th01", value, f"2026-11-25T0{n + 1}:00:00.000Z")]).status_code == 204
        )
    shown = agent("get", "/entities/urn:ngsi-ld:Device:th01?options=keyValues").json()
    assert shown["temperature"] == 23.0 and shown["controlledAsset"] == "urn:ngsi-ld:Building:ubnd"
    assert shown["type"] == "Device"  # the data models' term, compacted back with the same context
    # A tenant the city did not name is refused, not silently mixed in.
    other = agent("post", IOTA_UPSERT, [measure("th01", 1.0, "2026-11-25T09:00:00Z")], HTTP_NGSILD_TENANT="someone")
    assert other.status_code == 501 and other.json()["title"] == "NoMultiTenantSupport"


def test_temporal_reads_as_mintaka_and_quantumleap_clients_make_them(agent, units):
    for hour, value in enumerate((20.0, 21.0, 22.0, 26.0)):
        assert agent("post", IOTA_UPSERT, [measure("th02", value, f"2026-11-25T0{hour}:30:00Z")]).status_code in (
            201,
            204,
        )
    path = "/temporal/entities/urn:ngsi-ld:Device:th02"
    # Mintaka's between window with temporalValues (what a chart wants: [value, time] pairs)
    window = agent(
        "get",
        path + "?attrs=temperature&timerel=between&timeAt=2026-11-25T01:00:00Z&endTimeAt=2026-11-25T03:00:00Z"
        "&options=temporalValues",
    ).json()
    assert window["temperature"]["values"] == [[21.0, "2026-11-25T01:30:00.000Z"], [22.0, "2026-11-25T02:30:00.000Z"]]
    # lastN (the newest readings) and an hourly average, as QuantumLeap's /attrs/{attr}?lastN=… users read them
    last = agent("get", path + "?attrs=temperature&lastN=2&options=temporalValues").json()
    assert [v for v, _t in last["temperature"]["values"]] == [22.0, 26.0]
    hourly = agent(
        "get",
        path + "?attrs=temperature&aggrMethods=avg,max&aggrPeriodDuration=PT2H&timerel=after"
        "&timeAt=2026-11-25T00:00:00Z",
    ).json()
    assert [b[0] for b in hourly["temperature"]["avg"]] == [20.5, 24.0]
    assert [b[0] for b in hourly["temperature"]["max"]] == [21.0, 26.0]


def test_a_grafana_panel_pages_through_a_long_history(agent, units, settings):
    settings.IOC = {**settings.IOC, "NGSI_TEMPORAL_LIMIT": 10}
    readings = [measure("th03", float(m), f"2026-11-25T03:{m:02d}:00Z") for m in range(25)]
    for reading in readings:
        agent("post", IOTA_UPSERT, [reading])
    # The panel asks for its time range and follows each Content-Range to the next window.
    collected, start, pages = [], "2026-11-25T00:00:00Z", 0
    while True:
        page = agent(
            "get", f"/temporal/entities/urn:ngsi-ld:Device:th03?timerel=after&timeAt={start}&options=temporalValues"
        )
        pages += 1
        values = page.json()["temperature"]["values"]
        collected += [v for v, _t in values]
        if page.status_code == 200:
            break
        assert page.status_code == 206
        # "date-time <first>-<last>/*": the next window starts just after the last instance shown
        last = re.match(r"date-time (.+?Z)-(.+?Z)/", page["Content-Range"]).group(2)
        start = (datetime.fromisoformat(last) + timedelta(milliseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert collected == [float(m) for m in range(25)] and pages == 3
