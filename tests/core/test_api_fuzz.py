"""Fuzz the API from its own OpenAPI schema (schemathesis): no input may cause a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

import ioc.urls  # noqa: F401  (mounts every domain's router)
from ioc.api import api
from ioc.wsgi import application

# Built in-process rather than fetched: fetching at collection would pass through the request cycle, which
# touches the database (PostgreSQL's connection health check) before any test may use it.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = application


ROLES = ["operator", "admin", "leader", "ward_officer", "department_officer", "citizen", "anonymous"]


@pytest.fixture
def headers_for(users, token_for):
    from ioc.core.services.alerts import acknowledge_alert, record_alert

    # Something to find, acknowledge and close, so the id paths reach real objects too.
    for i in range(3):
        alert = record_alert(kind="core.manual", source=f"fuzz{i}", title="Fuzz", lat=22.405, lon=103.455)
    acknowledge_alert(alert, users["operator"])

    def headers(role: str) -> dict:
        return {} if role == "anonymous" else {"Authorization": token_for(users[role])["HTTP_AUTHORIZATION"]}

    return headers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, role, headers_for):
    """Every operation, fuzzed with the token of every role (and none): never a 5xx, always a readable error."""
    response = case.call(headers=headers_for(role))
    assert response.status_code < 500, (
        f"{role}: {case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        assert "message" in response.json() or "detail" in response.json()
