"""What no view should see, refused at the edge in the standard's own error format: NUL characters, JSON nested
too deep, dates that overflow, unknown filters — and the public rate limit on every public path."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from ioc.core.payloads import MAX_DEPTH, PayloadError, load_json

ERR = "https://uri.etsi.org/ngsi-ld/errors/"


def nested(levels: int):
    value = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_payload_limits():
    assert load_json(json.dumps(nested(MAX_DEPTH))) == nested(MAX_DEPTH)
    for bad, why in ((nested(MAX_DEPTH + 1), "deeper"), ({"a": "x\u0000y"}, "NUL"), ({"k\u0000": 1}, "NUL")):
        with pytest.raises(PayloadError, match=why):
            load_json(json.dumps(bad))
    with pytest.raises(PayloadError, match="deeper"):
        load_json(b"[" * 5000 + b"]" * 5000)  # beyond the decoder's own limit: still a clear refusal


def test_nul_characters_are_refused_with_400_everywhere(users, token_for):
    operator = token_for(users["operator"])
    client = Client()
    acks = client.post("/api/lighting/acks", '[{"lamp": "L\\u0000", "id": 1}]', "application/json", **operator)
    assert acks.status_code == 400 and "NUL" in acks.json()["message"]
    assert client.get("/api/alerts?q=%00", **operator).status_code == 400
    ngsi = client.get("/ngsi-ld/v1/entities?type=A%00B", **operator)
    assert ngsi.status_code == 400 and ngsi.json()["type"] == ERR + "BadRequestData"
    form = client.post("/open311/v2/requests.json", {"service_code": "den-duong", "description": "a\x00b"})
    assert form.status_code == 400 and form.json()[0]["code"] == 400


def test_json_nested_too_deep_is_refused_in_the_standards_format(users, token_for):
    body = json.dumps({"id": "urn:ngsi-ld:RainGauge:deep", "type": "RainGauge", "x": {"value": nested(200)}})
    response = Client().post("/ngsi-ld/v1/entities", body, "application/json", **token_for(users["operator"]))
    assert response.status_code == 400 and response.json()["type"] == ERR + "BadRequestData"
    assert "nested deeper" in response.json()["detail"]


def test_dates_that_overflow_and_unknown_units_are_4xx_not_500(users, client_for, token_for):
    response = Client().get("/open311/v2/requests.json?start_date=9999-12-31T23:59:59Z")
    assert response.status_code == 400 and "between the years" in response.json()[0]["description"]
    operator = Client()
    layer = operator.get("/api/layers/core.alerts?unit=99999", **token_for(users["operator"]))
    assert layer.status_code in (400, 404)


def test_an_officer_without_unit_or_department_sees_an_empty_layer(db, token_for):
    from ioc.core.models import Role
    from ioc.core.services.accounts import create_user

    lost = create_user("lac1", "Lac-Loi-2026x", Role.WARD_OFFICER)  # no unit yet
    response = Client().get("/api/layers/core.alerts", **token_for(lost))
    assert response.status_code == 200 and response.json()["features"] == []


def test_the_public_rate_limit_covers_open311_ngsi_ld_and_the_citizens_pages(db, settings):
    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "2/m"}
    for path, check in (
        ("/open311/v2/services.json", lambda r: r.json()[0]["code"] == 429),
        ("/open311/v2/services.xml", lambda r: b"<code>429</code>" in r.content),
        ("/ngsi-ld/v1/entities?type=RainGauge", lambda r: r.json()["type"] == ERR + "TooManyRequests"),
        ("/phan-anh/", lambda r: "phút" in r.content.decode()),
    ):
        cache.clear()
        client = Client(REMOTE_ADDR="203.0.113.20")
        responses = [client.get(path) for _ in range(3)]
        assert responses[2].status_code == 429 and responses[2]["Retry-After"] == "60", path
        assert check(responses[2]), path


def test_ngsi_ld_writes_need_a_bearer_token_not_a_browser_session(users, client_for):
    """A logged-in page cannot be tricked into writing sensor data (no CSRF on a standard API): tokens only."""
    session = client_for(users["operator"])
    body = json.dumps({"id": "urn:ngsi-ld:RainGauge:csrf", "type": "RainGauge"})
    response = session.post("/ngsi-ld/v1/entities", body, "application/json")
    assert response.status_code == 401 and response.json()["type"] == ERR + "Unauthorized"
    assert session.get("/ngsi-ld/v1/entities?type=RainGauge").status_code == 200  # reading stays possible


def test_the_api_docs_load_everything_from_here_under_the_csp(users, client_for):
    page = client_for(users["operator"]).get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "script-src 'self'" in page["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle.js" in html
    bundle = client_for(users["operator"]).get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
