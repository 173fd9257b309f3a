"""A fast subset of ETSI's NGSI-LD conformance cases (the whole suite runs in scripts/conformance/etsi.sh):
@context expansion and compaction, multi-attributes with datasetId, typed q, attribute types, merge and replace,
discovery, the temporal provision API and unknown parameters."""

import json
from pathlib import Path

import pytest

from ioc.sensors.jsonld import store_context
from ioc.sensors.models import Entity
from tests.sensors.test_ngsild import api, problem  # noqa: F401 (fixtures)

CONTEXT = "https://forge.etsi.org/rep/cim/ngsi-ld-test-suite/-/raw/develop/resources/jsonld-contexts/test.jsonld"
TERMS = {"Building": "https://ngsi-ld-test-suite/context#Building", "name": "https://ngsi-ld-test-suite/context#name"}
LINK = {"HTTP_LINK": f'<{CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'}


@pytest.fixture
def suite_context(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    store_context(CONTEXT, json.dumps({"@context": TERMS}).encode())


def building(n=1, **attrs):
    return {"id": f"urn:ngsi-ld:Building:{n}", "type": "Building", "@context": [CONTEXT], **attrs}


def test_terms_are_expanded_against_the_request_context_and_compacted_back(api, suite_context):  # noqa: F811
    name = {"type": "Property", "value": "Nhà văn hoá"}
    assert api.call("post", "/entities", building(name=name), ctype="application/ld+json").status_code == 201
    stored = Entity.objects.get()
    assert stored.type == TERMS["Building"] and TERMS["name"] in stored.attrs
    same_context = api.call("get", "/entities/urn:ngsi-ld:Building:1", **LINK).json()
    assert same_context["type"] == "Building" and same_context["name"]["value"] == "Nhà văn hoá"
    core_only = api.call("get", "/entities/urn:ngsi-ld:Building:1").json()
    assert core_only["type"] == TERMS["Building"] and TERMS["name"] in core_only
    # Under the core context alone, "Building" is another type (the default vocabulary's): no match.
    assert api.call("get", "/entities?type=Building").json() == []
    assert len(api.call("get", "/entities?type=Building", **LINK).json()) == 1


def test_a_context_that_cannot_be_had_is_a_503(api, units):  # noqa: F811
    missing = {"HTTP_LINK": '<https://example.invalid/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context"'}
    problem(api.call("get", "/entities?type=X", **missing), "LdContextNotAvailable", 503)


def test_multi_attribute_instances_keep_their_dataset_ids(api, units):  # noqa: F811
    body = {
        "id": "urn:ngsi-ld:Building:m",
        "type": "Building",
        "name": [
            {"type": "Property", "value": "Trường học"},
            {"type": "Property", "value": "School", "datasetId": "urn:ngsi-ld:Dataset:en"},
        ],
    }
    assert api.call("post", "/entities", body).status_code == 201
    shown = api.call("get", "/entities/urn:ngsi-ld:Building:m").json()["name"]
    assert sorted(i["value"] for i in shown) == ["School", "Trường học"]
    simple = api.call("get", "/entities/urn:ngsi-ld:Building:m?options=keyValues").json()["name"]
    assert simple == {"dataset": {"@none": "Trường học", "urn:ngsi-ld:Dataset:en": "School"}}
    english = api.call("get", "/entities/urn:ngsi-ld:Building:m?datasetId=urn:ngsi-ld:Dataset:en").json()
    assert english["name"]["value"] == "School"
    # a null instance without a datasetId deletes the default instance only
    null = {"name": {"type": "Property", "value": "urn:ngsi-ld:null"}}
    assert api.call("patch", "/entities/urn:ngsi-ld:Building:m/attrs", null).status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Building:m").json()["name"] == {
        "type": "Property",
        "value": "School",
        "datasetId": "urn:ngsi-ld:Dataset:en",
    }
    api.call("post", "/entities/urn:ngsi-ld:Building:m/attrs", {"name": body["name"][0]})
    # datasetId chooses the instances shown, not the entities: one with no such instance comes without it
    spanish = api.call("get", "/entities?type=Building&attrs=name&datasetId=urn:ngsi-ld:Dataset:es").json()
    assert spanish == [{"id": "urn:ngsi-ld:Building:m", "type": "Building"}]
    deleted = api.call("delete", "/entities/urn:ngsi-ld:Building:m/attrs/name?datasetId=urn:ngsi-ld:Dataset:en")
    assert deleted.status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Building:m").json()["name"]["value"] == "Trường học"
    # A merge-patch null with a datasetId deletes that instance only.
    english = {"type": "Property", "value": "School", "datasetId": "urn:ngsi-ld:Dataset:en"}
    assert api.call("post", "/entities/urn:ngsi-ld:Building:m/attrs", {"name": english}).status_code == 204
    gone = {"name": {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:ngsi-ld:Dataset:en"}}
    assert api.call("patch", "/entities/urn:ngsi-ld:Building:m", gone).status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Building:m").json()["name"]["value"] == "Trường học"


def test_q_compares_only_values_of_the_same_type(api, units):  # noqa: F811
    for n, name, floors in ((1, "Nhà A", 3), (2, "Nhà B", 12)):
        body = {"id": f"urn:ngsi-ld:Building:q{n}", "type": "Building", "name": name, "floors": floors}
        assert api.call("post", "/entities", body).status_code == 201
    # A number never compares with a text: before, "name>5" matched every entity as strings.
    assert api.call("get", "/entities?type=Building&q=name>5").json() == []
    found = api.call("get", '/entities?type=Building&q=(floors>5|name=="Nhà A");floors<100').json()
    assert sorted(e["id"] for e in found) == ["urn:ngsi-ld:Building:q1", "urn:ngsi-ld:Building:q2"]
    assert [e["id"] for e in api.call("get", "/entities?type=Building&q=floors==10..20").json()] == [
        "urn:ngsi-ld:Building:q2"
    ]


def test_every_attribute_type_and_sub_attributes_round_trip(api, units):  # noqa: F811
    body = {
        "id": "urn:ngsi-ld:Building:t",
        "type": "Building",
        "label": {"type": "LanguageProperty", "languageMap": {"vi": "Chợ", "en": "Market"}},
        "category": {"type": "VocabProperty", "vocab": "commercial"},
        "opening": {"type": "JsonProperty", "json": {"mon": "06:00-18:00"}},
        "floors": {"type": "ListProperty", "valueList": [1, 2]},
        "area": {
            "type": "GeoProperty",
            "value": {
                "type": "Polygon",
                "coordinates": [[[103.4, 22.4], [103.41, 22.4], [103.41, 22.41], [103.4, 22.4]]],
            },
        },
        "height": {"type": "Property", "value": 9, "providedBy": {"type": "Relationship", "object": "urn:x:survey"}},
    }
    assert api.call("post", "/entities", body).status_code == 201
    shown = api.call("get", "/entities/urn:ngsi-ld:Building:t").json()
    assert {k: shown[k] for k in body if k not in ("id", "type")} == {
        k: v for k, v in body.items() if k not in ("id", "type")
    }
    english = api.call("get", "/entities/urn:ngsi-ld:Building:t?lang=en").json()["label"]
    assert english == {"type": "Property", "value": "Market", "lang": "en"}
    assert api.call("get", "/entities/urn:ngsi-ld:Building:t?options=keyValues").json()["floors"] == [1, 2]
    inside = api.call(
        "get", "/entities?type=Building&georel=intersects&geometry=Point&coordinates=[103.405,22.402]&geoproperty=area"
    ).json()
    assert [e["id"] for e in inside] == ["urn:ngsi-ld:Building:t"]
    # equals matches a drawn polygon exactly, even one that crosses itself
    bowtie = [[[103.40, 22.40], [103.41, 22.41], [103.41, 22.40], [103.40, 22.41], [103.40, 22.40]]]
    drawn = {"id": "urn:ngsi-ld:Building:b", "type": "Building", "location": {"type": "Polygon", "coordinates": bowtie}}
    assert api.call("post", "/entities", drawn).status_code == 201
    same = api.call("get", f"/entities?type=Building&georel=equals&geometry=Polygon&coordinates={json.dumps(bowtie)}")
    assert [e["id"] for e in same.json()] == ["urn:ngsi-ld:Building:b"]


def test_merge_and_replace_an_entity(api, units):  # noqa: F811
    body = {"id": "urn:ngsi-ld:Building:p", "type": "Building", "name": "Cũ", "floors": 3}
    assert api.call("post", "/entities", body).status_code == 201
    merged = api.call("patch", "/entities/urn:ngsi-ld:Building:p", {"name": "Mới", "floors": "urn:ngsi-ld:null"})
    assert merged.status_code == 204
    shown = api.call("get", "/entities/urn:ngsi-ld:Building:p?options=keyValues").json()
    assert shown == {"id": "urn:ngsi-ld:Building:p", "type": "Building", "name": "Mới"}
    assert api.call("put", "/entities/urn:ngsi-ld:Building:p", {"type": "Building", "colour": "đỏ"}).status_code == 204
    shown = api.call("get", "/entities/urn:ngsi-ld:Building:p?options=keyValues").json()
    assert shown == {"id": "urn:ngsi-ld:Building:p", "type": "Building", "colour": "đỏ"}
    with_times = api.call("get", "/entities/urn:ngsi-ld:Building:p?options=sysAttrs").json()
    assert with_times["createdAt"].endswith("Z") and with_times["colour"]["modifiedAt"].endswith("Z")


def test_discovery_lists_types_and_attributes(api, units):  # noqa: F811
    api.call("post", "/entities", {"id": "urn:ngsi-ld:Building:d", "type": "Building", "name": "A"})
    assert "Building" in api.call("get", "/types").json()["typeList"]
    info = api.call("get", "/types/Building").json()
    assert info["entityCount"] == 1 and info["attributeDetails"][0]["attributeName"] == "name"
    assert api.call("get", "/attributes/name").json()["typeNames"] == ["Building"]


def test_temporal_provision_keeps_every_instance(api, units):  # noqa: F811
    body = {
        "id": "urn:ngsi-ld:Building:h",
        "type": "Building",
        "status": [
            {"type": "Property", "value": "open", "observedAt": "2026-11-20T08:00:00Z"},
            {"type": "Property", "value": "closed", "observedAt": "2026-11-20T18:00:00Z"},
        ],
    }
    assert api.call("post", "/temporal/entities", body).status_code == 201
    history = api.call("get", "/temporal/entities/urn:ngsi-ld:Building:h").json()["status"]
    assert [i["value"] for i in history] == ["open", "closed"]
    # The current state is the latest instance.
    assert api.call("get", "/entities/urn:ngsi-ld:Building:h?options=keyValues").json()["status"] == "closed"
    # an update: the instance at 18:00 is replaced, one at 20:00 added, and a scope given
    again = {
        "id": "urn:ngsi-ld:Building:h",
        "type": "Building",
        "scope": "/LaiChau",
        "status": [
            {"type": "Property", "value": "closing", "observedAt": "2026-11-20T18:00:00Z"},
            {"type": "Property", "value": "closed", "observedAt": "2026-11-20T20:00:00Z"},
        ],
    }
    assert api.call("post", "/temporal/entities", again).status_code == 204
    updated = api.call("get", "/temporal/entities/urn:ngsi-ld:Building:h").json()["status"]
    assert [i["value"] for i in updated] == ["open", "closing", "closed"]
    assert api.call("get", "/entities/urn:ngsi-ld:Building:h").json()["scope"] == "/LaiChau"
    api.call("delete", f"/temporal/entities/urn:ngsi-ld:Building:h/attrs/status/{updated[2]['instanceId']}")
    api.call(
        "patch",
        f"/temporal/entities/urn:ngsi-ld:Building:h/attrs/status/{updated[1]['instanceId']}",
        {"value": "closed"},
    )
    first = history[0]["instanceId"]
    path = f"/temporal/entities/urn:ngsi-ld:Building:h/attrs/status/{first}"
    assert api.call("patch", path, {"value": "opening"}).status_code == 204
    assert api.call("delete", path).status_code == 204
    left = api.call("get", "/temporal/entities/urn:ngsi-ld:Building:h").json()["status"]
    assert [i["value"] for i in left] == ["closed"]


def test_unknown_parameters_are_refused(api, units):  # noqa: F811
    problem(api.call("get", "/entities?type=X&colour=red"), "InvalidRequest", 400)


def test_the_core_context_is_bundled():
    document = json.loads(
        (Path(__file__).parents[2] / "ioc/sensors/contexts/ngsi-ld-core-context-v1.8.jsonld").read_text()
    )
    assert document["@context"]["@vocab"] == "https://uri.etsi.org/ngsi-ld/default-context/"


def test_types_scopes_and_order(api, units):  # noqa: F811
    for n, types, scope, floors in (
        (1, ["Building", "Market"], "/LaiChau/DoanKet", 2),
        (2, "Building", "/LaiChau/TanPhong/Ward1", 9),
        (3, "Market", None, 5),
    ):
        body = {"id": f"urn:ngsi-ld:Building:s{n}", "type": types, "floors": floors}
        if scope:
            body["scope"] = scope
        assert api.call("post", "/entities", body).status_code == 201

    def ids(query):
        return [e["id"][-2:] for e in api.call("get", f"/entities?{query}").json()]

    assert ids("type=Building;Market") == ["s1"]
    assert ids("type=Market&orderBy=floors;desc") == ["s3", "s1"]
    assert ids("type=Building,Market&scopeQ=/LaiChau/%23&orderBy=floors") == ["s1", "s2"]
    assert ids("type=Building&scopeQ=/LaiChau/%2B") == ["s1"]
    shown = api.call("get", "/entities/urn:ngsi-ld:Building:s1").json()
    assert shown["type"] == ["Building", "Market"] and shown["scope"] == "/LaiChau/DoanKet"
    assert api.call("delete", "/entities/urn:ngsi-ld:Building:s1/attrs/scope").status_code == 204
    assert "scope" not in api.call("get", "/entities/urn:ngsi-ld:Building:s1").json()


def test_purge_geojson_and_method_errors(api, units):  # noqa: F811
    for n in (1, 2):
        body = {
            "id": f"urn:ngsi-ld:Building:g{n}",
            "type": "Building",
            "location": {"type": "Point", "coordinates": [103.4, 22.4]},
        }
        assert api.call("post", "/entities", body).status_code == 201
    collection = api.call("get", "/entities?type=Building", HTTP_ACCEPT="application/geo+json")
    assert collection["Content-Type"] == "application/geo+json"
    features = collection.json()["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[103.4, 22.4], [103.4, 22.4]]
    # geo+json is for entities only; a method a resource lacks is a 405; an empty id is a bad request.
    problem(api.call("get", "/subscriptions", HTTP_ACCEPT="application/geo+json"), "NotAcceptable", 406)
    problem(api.call("put", "/temporal/entities"), "MethodNotAllowed", 405)
    problem(api.call("post", "/entities//attrs", {"a": 1}), "BadRequestData", 400)
    problem(api.call("delete", "/entities"), "BadRequestData", 400)
    assert api.call("delete", "/entities?type=Building&idPattern=g1$").status_code == 204
    assert [e["id"] for e in api.call("get", "/entities?type=Building").json()] == ["urn:ngsi-ld:Building:g2"]
    # drop and keep purge attributes, not entities
    api.call("post", "/entities/urn:ngsi-ld:Building:g2/attrs", {"name": "Trường", "floors": 3, "code": "T1"})
    assert api.call("delete", "/entities?type=Building&drop=code").status_code == 204
    kept = api.call("get", "/entities/urn:ngsi-ld:Building:g2?options=keyValues").json()
    assert set(kept) == {"id", "type", "location", "name", "floors"}
    assert api.call("delete", "/entities?id=urn:ngsi-ld:Building:g2&keep=name").status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Building:g2?options=keyValues").json() == {
        "id": "urn:ngsi-ld:Building:g2",
        "type": "Building",
        "name": "Trường",
    }
    # every entity at once is the administrator's call alone
    problem(api.call("delete", "/entities?local=true"), "Forbidden", 403)
    problem(api.call("delete", "/entities?type=Building&drop=name&keep=name"), "BadRequestData", 400)


def test_temporal_values_and_aggregates_of_written_instances(api, units):  # noqa: F811
    body = {
        "id": "urn:ngsi-ld:Vehicle:a",
        "type": "Vehicle",
        "speed": [
            {"type": "Property", "value": 120, "observedAt": "2026-08-01T12:03:00Z"},
            {"type": "Property", "value": 80, "observedAt": "2026-08-01T12:05:00Z"},
            {"type": "Property", "value": 40, "observedAt": "2026-08-01T13:10:00Z"},
        ],
        "parkedIn": [{"type": "Relationship", "object": "urn:ngsi-ld:Parking:1", "observedAt": "2026-08-01T12:03:00Z"}],
        "street": [
            {"type": "LanguageProperty", "languageMap": {"vi": "Lê Duẩn"}, "observedAt": "2026-08-01T12:03:00Z"}
        ],
    }
    assert api.call("post", "/temporal/entities", body).status_code == 201
    path = "/temporal/entities/urn:ngsi-ld:Vehicle:a"
    values = api.call("get", path + "?options=temporalValues").json()
    assert values["parkedIn"] == {
        "type": "Relationship",
        "objects": [["urn:ngsi-ld:Parking:1", "2026-08-01T12:03:00Z"]],
    }
    again = {**body, "id": "urn:ngsi-ld:Vehicle:b"}
    assert api.call("post", "/temporal/entities", again).status_code == 201
    ids = api.call("get", "/temporal/entities?type=Vehicle&timerel=after&timeAt=2026-08-01T00:00:00Z&pick=id").json()
    assert ids == [{"id": "urn:ngsi-ld:Vehicle:a"}, {"id": "urn:ngsi-ld:Vehicle:b"}]
    picked = api.call("get", "/temporal/entities?type=Vehicle&pick=id,speed").json()
    assert [sorted(e) for e in picked] == [["id", "speed"], ["id", "speed"]]
    omitted = api.call("get", "/temporal/entities?type=Vehicle&omit=type,speed,street").json()
    assert [sorted(e) for e in omitted] == [["id", "parkedIn"], ["id", "parkedIn"]]
    assert values["street"]["languageMaps"] == [[{"languageMap": {"vi": "Lê Duẩn"}}, "2026-08-01T12:03:00Z"]]
    plain = api.call("get", path + "?options=aggregatedValues&aggrMethods=sum&format=temporalValues").json()
    assert plain["speed"]["values"][0] == [120, "2026-08-01T12:03:00Z"]  # format wins over options
    hourly = api.call("get", path + "?options=aggregatedValues&aggrMethods=avg,max&aggrPeriodDuration=PT1H").json()
    assert hourly["speed"]["avg"] == [
        [100.0, "2026-08-01T12:03:00Z", "2026-08-01T13:03:00Z"],
        [40.0, "2026-08-01T13:03:00Z", "2026-08-01T14:03:00Z"],
    ]
    assert [b[0] for b in hourly["speed"]["max"]] == [120.0, 40.0]


def test_linked_entities_inline_and_flat(api, units):  # noqa: F811
    city = {"id": "urn:ngsi-ld:City:lc", "type": "City", "name": "Lai Châu"}
    school = {
        "id": "urn:ngsi-ld:School:1",
        "type": "School",
        "locatedIn": {"type": "Relationship", "object": "urn:ngsi-ld:City:lc"},
    }
    assert api.call("post", "/entityOperations/create", [city, school]).status_code == 201
    inline = api.call("get", "/entities/urn:ngsi-ld:School:1?join=inline").json()
    assert inline["locatedIn"]["entity"]["name"]["value"] == "Lai Châu"
    simple = api.call("get", "/entities/urn:ngsi-ld:School:1?join=inline&options=keyValues").json()
    assert simple["locatedIn"] == {"id": "urn:ngsi-ld:City:lc", "type": "City", "name": "Lai Châu"}
    flat = api.call("get", "/entities?type=School&join=flat&options=keyValues").json()
    query = {"type": "Query", "entities": [{"type": "School"}]}
    assert api.call("post", "/entityOperations/query?join=flat&options=keyValues", query).json() == flat
    inside = {**query, "join": "flat", "options": ["keyValues"]}  # the same members in the Query itself
    assert api.call("post", "/entityOperations/query", inside).json() == flat
    assert [e["id"] for e in flat] == ["urn:ngsi-ld:School:1", "urn:ngsi-ld:City:lc"]
    # pick=id shows the id alone; pick does not filter out entities lacking an attribute
    assert api.call("get", "/entities?type=School,City&pick=id").json() == [
        {"id": "urn:ngsi-ld:City:lc"},
        {"id": "urn:ngsi-ld:School:1"},
    ]
    # …but a pick of attributes alone leaves out an entity it would show empty
    assert api.call("get", "/entities?type=School,City&pick=name&options=keyValues").json() == [{"name": "Lai Châu"}]
    # join=flat with nothing to follow is the entity itself, not a list
    alone = api.call("get", "/entities/urn:ngsi-ld:City:lc?join=flat").json()
    assert alone["id"] == "urn:ngsi-ld:City:lc"


def test_pick_and_omit_shape_linked_entities(api, units):  # noqa: F811
    country = {"id": "urn:ngsi-ld:Country:vn", "type": "Country", "name": "Việt Nam", "code": "VN"}
    city = {
        "id": "urn:ngsi-ld:City:lc",
        "type": "City",
        "name": "Lai Châu",
        "population": 42000,
        "isInCountry": {"type": "Relationship", "object": "urn:ngsi-ld:Country:vn"},
    }
    school = {"id": "urn:ngsi-ld:School:2", "type": "School", "name": "THPT Lai Châu"}
    school["locatedIn"] = {"type": "Relationship", "object": "urn:ngsi-ld:City:lc"}
    assert api.call("post", "/entityOperations/create", [country, city, school]).status_code == 201
    url = "/entities/urn:ngsi-ld:School:2?join=inline&joinLevel=2&options=keyValues&pick="
    picked = api.call("get", url + "id,locatedIn{name,isInCountry{code}}").json()
    assert picked == {"id": "urn:ngsi-ld:School:2", "locatedIn": {"name": "Lai Châu", "isInCountry": {"code": "VN"}}}
    # omit=locatedIn{population} keeps locatedIn and hides only the linked city's population
    url = "/entities/urn:ngsi-ld:School:2?join=flat&joinLevel=2&options=keyValues&omit="
    flat = api.call("get", url + "type,name,locatedIn{population,type}").json()
    assert flat[0] == {"id": "urn:ngsi-ld:School:2", "locatedIn": "urn:ngsi-ld:City:lc"}
    assert flat[1] == {"id": "urn:ngsi-ld:City:lc", "name": "Lai Châu", "isInCountry": "urn:ngsi-ld:Country:vn"}
    assert flat[2]["code"] == "VN"  # no projection on the country: shown whole
    for bad in ("id,locatedIn{name", "id,{name}", "locatedIn{}", "name}"):
        assert problem(api.call("get", f"/entities/urn:ngsi-ld:School:2?join=inline&pick={bad}"), "BadRequestData", 400)


def test_a_long_history_comes_page_by_page(api, units, settings):  # noqa: F811
    settings.IOC = {**settings.IOC, "NGSI_TEMPORAL_LIMIT": 5}
    speed = [{"type": "Property", "value": n, "observedAt": f"2026-11-20T08:{n:02d}:00Z"} for n in range(1, 5)]
    fuel = [{"type": "Property", "value": n, "observedAt": f"2026-11-20T08:{n:02d}:30Z"} for n in range(1, 5)]
    body = {"id": "urn:ngsi-ld:Bus:1", "type": "Bus", "speed": speed, "fuel": fuel}
    assert api.call("post", "/temporal/entities", body).status_code == 201
    first = api.call("get", "/temporal/entities/urn:ngsi-ld:Bus:1")
    assert first.status_code == 206
    assert first["Content-Range"] == "date-time 2026-11-20T08:01:00Z-2026-11-20T08:03:00Z/*"
    shown = first.json()
    assert [i["value"] for i in shown["speed"]] == [1, 2, 3] and [i["value"] for i in shown["fuel"]] == [1, 2]
    # the next page starts where the range ended
    rest = api.call("get", "/temporal/entities/urn:ngsi-ld:Bus:1?timerel=after&timeAt=2026-11-20T08:03:01Z")
    assert rest.status_code == 200 and "Content-Range" not in rest
    assert [i["value"] for i in rest.json()["fuel"]] == [3, 4]
    # lastN: the newest first, the range from the newest down to the last one shown
    newest = api.call("get", "/temporal/entities/urn:ngsi-ld:Bus:1?lastN=4&options=temporalValues")
    assert newest.status_code == 206
    assert newest["Content-Range"] == "date-time 2026-11-20T08:04:30Z-2026-11-20T08:02:30Z/4"
    assert [v for v, _t in newest.json()["speed"]["values"]] == [3, 4]
    # an attribute whose instances all fall past the page is there, empty
    early = [{"type": "Property", "value": n, "observedAt": f"2026-11-20T07:0{n}:00Z"} for n in range(6)]
    odd = {
        "id": "urn:ngsi-ld:Van:3",
        "type": "Van",
        "speed": early,
        "fuel": {**fuel[0], "observedAt": "2026-11-20T09:00:00Z"},
    }
    assert api.call("post", "/temporal/entities", odd).status_code == 201
    cut = api.call("get", "/temporal/entities/urn:ngsi-ld:Van:3")
    assert cut.status_code == 206 and cut.json()["fuel"] == [] and len(cut.json()["speed"]) == 5
    # the same through a temporal Query object
    query = {
        "type": "Query",
        "entities": [{"type": "Bus"}],
        "temporalQ": {"timerel": "before", "timeAt": "2026-11-20T08:02:00Z"},
    }
    late = {"id": "urn:ngsi-ld:Bus:2", "type": "Bus", "speed": {**speed[0], "observedAt": "2026-11-20T09:00:00Z"}}
    assert api.call("post", "/temporal/entities", late).status_code == 201
    found = api.call("post", "/temporal/entityOperations/query", query)
    assert found.status_code == 200
    # Bus:2 has nothing before 08:02, so it is not in the answer
    assert [(e["id"], [i["value"] for i in e["speed"]], [i["value"] for i in e["fuel"]]) for e in found.json()] == [
        ("urn:ngsi-ld:Bus:1", [1], [1])
    ]
    assert problem(api.call("post", "/temporal/entityOperations/query", {"type": "Nope"}), "BadRequestData", 400)


def test_no_overwrite_reports_what_it_left_alone(api, units):  # noqa: F811
    speed = {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:gps"}
    bus = {"id": "urn:ngsi-ld:Bus:7", "type": "Bus", "speed": speed, "scope": "/LaiChau/TanPhong"}
    assert api.call("post", "/entities", bus).status_code == 201
    fragment = {"speed": {**speed, "value": 90}, "driver": "Lò Văn A"}
    appended = api.call("post", "/entities/urn:ngsi-ld:Bus:7/attrs?options=noOverwrite", fragment)
    assert appended.status_code == 207
    assert appended.json() == {
        "updated": ["driver"],
        "notUpdated": [{"attributeName": "speed", "reason": appended.json()["notUpdated"][0]["reason"]}],
    }
    # a new datasetId instance is not an overwrite
    other = {"speed": {"type": "Property", "value": 41, "datasetId": "urn:ngsi-ld:Dataset:obd"}}
    assert api.call("post", "/entities/urn:ngsi-ld:Bus:7/attrs?options=noOverwrite", other).status_code == 204
    shown = api.call("get", "/entities/urn:ngsi-ld:Bus:7").json()
    assert sorted(i["value"] for i in shown["speed"]) == [40, 41] and shown["driver"]["value"] == "Lò Văn A"
    batch = api.call(
        "post", "/entityOperations/update?options=noOverwrite", [{**bus, "speed": {**speed, "value": 1}, "route": "03"}]
    )
    assert batch.status_code == 207 and "speed" in batch.json()["errors"][0]["error"]["detail"]
    assert api.call("get", "/entities/urn:ngsi-ld:Bus:7?options=keyValues").json()["route"] == "03"
    # PATCH …/attrs replaces a scope the entity has
    assert api.call("patch", "/entities/urn:ngsi-ld:Bus:7/attrs", {"scope": "/LaiChau/DoanKet"}).status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Bus:7").json()["scope"] == "/LaiChau/DoanKet"
    # an append without overwriting adds a scope
    scope = {"scope": "/LaiChau/BenXe"}
    assert api.call("post", "/entities/urn:ngsi-ld:Bus:7/attrs?options=noOverwrite", scope).status_code == 204
    assert api.call("get", "/entities/urn:ngsi-ld:Bus:7").json()["scope"] == ["/LaiChau/DoanKet", "/LaiChau/BenXe"]


def test_attributes_without_a_history_are_their_current_instance(api, units):  # noqa: F811
    for n, name in ((1, "Chợ Tân Phong"), (2, "Bến xe Lai Châu")):
        assert (
            api.call("post", "/entities", {"id": f"urn:ngsi-ld:Place:{n}", "type": "Place", "name": name}).status_code
            == 201
        )
    url = "/temporal/entities?type=Place&timerel=after&timeAt=1970-01-01T00:00:00Z&timeproperty=createdAt&orderBy=name"
    shown = api.call("get", url).json()
    assert [(e["id"], e["name"][0]["value"]) for e in shown] == [
        ("urn:ngsi-ld:Place:2", "Bến xe Lai Châu"),
        ("urn:ngsi-ld:Place:1", "Chợ Tân Phong"),
    ]
    # by observedAt (the default) they have no history at all
    assert api.call("get", url.replace("&timeproperty=createdAt", "")).json() == []
    problem(api.call("get", url.replace("createdAt", "bornAt")), "BadRequestData", 400)


def test_an_attribute_deletion_stays_in_its_history(api, units):  # noqa: F811
    fuel = [{"type": "Property", "value": v, "observedAt": f"2026-11-20T0{h}:00:00Z"} for h, v in ((8, 60), (9, 55))]
    body = {
        "id": "urn:ngsi-ld:Bus:9",
        "type": "Bus",
        "scope": "/LaiChau",
        "fuel": fuel,
        "driver": {"type": "Property", "value": "Lò Văn A"},
        "street": {"type": "LanguageProperty", "languageMap": {"vi": "Lê Lợi"}, "observedAt": "2026-11-20T08:00:00Z"},
    }
    assert api.call("post", "/temporal/entities", body).status_code == 201
    for name in ("fuel", "scope", "street"):
        assert api.call("delete", f"/entities/urn:ngsi-ld:Bus:9/attrs/{name}").status_code == 204
    deleted = api.call("get", "/temporal/entities/urn:ngsi-ld:Bus:9?timeproperty=deletedAt").json()
    assert set(deleted) == {"id", "type", "fuel", "scope", "street"}  # only what was deleted
    assert deleted["scope"][0]["value"] == []
    assert deleted["street"][0]["languageMap"] == {"@none": "urn:ngsi-ld:null"}
    assert [(i["value"], bool(i["deletedAt"])) for i in deleted["fuel"]] == [("urn:ngsi-ld:null", True)]
    history = api.call("get", "/temporal/entities/urn:ngsi-ld:Bus:9").json()
    assert [i["value"] for i in history["fuel"]] == [60, 55]  # the values it had; the deletion is not one


def test_lists_link_their_previous_and_next_pages(api, units):  # noqa: F811
    sub = {
        "type": "Subscription",
        "entities": [{"type": "Tram"}],  # no Tram is written: nothing is sent
        "notification": {"endpoint": {"uri": "https://203.0.113.9/n"}},
    }
    for n in range(3):
        assert api.call("post", "/subscriptions", {**sub, "id": f"urn:ngsi-ld:Subscription:{n}"}).status_code == 201
    middle = api.call("get", "/subscriptions/?limit=1&offset=1", HTTP_ACCEPT="application/ld+json")
    assert [s["id"] for s in middle.json()] == ["urn:ngsi-ld:Subscription:1"]
    assert middle["Link"].split(",") == [
        '</ngsi-ld/v1/subscriptions?limit=1&offset=0>;rel="prev";type="application/ld+json"',
        '</ngsi-ld/v1/subscriptions?limit=1&offset=2>;rel="next";type="application/ld+json"',
    ]
    assert "Link" not in api.call("get", "/subscriptions", HTTP_ACCEPT="application/ld+json")
    # an empty id, and an expiry in the past (also by PATCH), are refused
    problem(api.call("post", "/subscriptions", {**sub, "id": ""}), "BadRequestData", 400)
    past = {"type": "Subscription", "expiresAt": "2020-08-01T22:07:00Z"}
    problem(api.call("patch", "/subscriptions/urn:ngsi-ld:Subscription:0", past), "BadRequestData", 400)
    for n in range(3):
        api.call("post", "/entities", {"id": f"urn:ngsi-ld:Bus:{n}", "type": "Bus"})
    page = api.call("get", "/entities?type=Bus&limit=2")
    assert 'rel="next"' in page["Link"] and "json-ld#context" in page["Link"] and "offset=2" in page["Link"]


def test_the_smart_data_models_context_is_bundled(api, units, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path  # an empty cache, and no host may be fetched from
    settings.IOC = {**settings.IOC, "JSONLD_CONTEXT_HOSTS": []}
    sdm = "https://smartdatamodels.org/context.jsonld"
    lamp = {"id": "urn:ngsi-ld:Streetlight:LC-001", "type": "Streetlight", "powerState": "on", "@context": sdm}
    created = api.call("post", "/entities", lamp, ctype="application/ld+json")
    assert created.status_code == 201, created.content
    stored = Entity.objects.get(entity_id="urn:ngsi-ld:Streetlight:LC-001")
    assert stored.type == "https://uri.fiware.org/ns/data-models#Streetlight"  # the model's own IRI
    link = {"HTTP_LINK": f'<{sdm}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'}
    shown = api.call("get", "/entities?type=Streetlight&options=keyValues", **link).json()
    assert shown == [{"id": "urn:ngsi-ld:Streetlight:LC-001", "type": "Streetlight", "powerState": "on"}]


def test_an_air_gapped_server_loads_a_context_from_a_file(tmp_path):
    from tests.core.test_cli import run_ioc

    good, bad = tmp_path / "ctx.jsonld", tmp_path / "bad.jsonld"
    good.write_text(json.dumps({"@context": TERMS}))
    bad.write_text("not json")
    data_dir = tmp_path / "data"
    loaded = run_ioc("sensors", "load-context", CONTEXT, str(good), data_dir=data_dir)
    assert loaded.returncode == 0 and "cached" in loaded.stdout
    refused = run_ioc("sensors", "load-context", CONTEXT, str(bad), data_dir=data_dir)
    assert refused.returncode == 2 and "not JSON" in refused.stderr
    assert len(list((data_dir / "jsonld-contexts").glob("*.jsonld"))) == 1
