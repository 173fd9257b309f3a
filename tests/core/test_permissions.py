"""The permission matrix: each role against each endpoint, and object-level scope for officers."""

import pytest
from django.test import Client

from ioc.core.services import alerts as svc
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG

ROLES = ["admin", "leader", "operator", "department_officer", "ward_officer", "citizen", "anonymous"]
# endpoint → roles that get a 2xx (others: 401 anonymous, 403 the rest)
READ = {"admin", "leader", "operator", "department_officer", "ward_officer"}
OPERATE = {"admin", "operator"}
MATRIX = [
    ("get", "/api/alerts", READ),
    ("get", "/api/incidents", READ),
    ("get", "/api/layers", READ),
    ("get", "/api/kpis", READ),
    ("get", "/api/hotline/calls", READ),
    ("post", "/api/alerts", OPERATE),
    ("get", "/api/health", set(ROLES)),
    ("get", "/api/units", set(ROLES)),
]
PAGES = [
    ("/dashboard/", READ),
    ("/dashboard/incidents/", READ),
    ("/dashboard/leader/", READ),
    ("/dashboard/feed/", READ),
    ("/admin/", {"admin"}),
]


def client_as(role, users, token_for):
    if role == "anonymous":
        return Client(), {}
    return Client(), token_for(users[role])


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role, users, token_for):
    client, headers = client_as(role, users, token_for)
    for method, path, allowed in MATRIX:
        kwargs = {"content_type": "application/json", "data": {"title": "t", "source": "s"}} if method == "post" else {}
        response = getattr(client, method)(path, **kwargs, **headers)
        if role in allowed:
            assert response.status_code < 300, (role, path, response.status_code)
        else:
            expected = 401 if role == "anonymous" else 403
            assert response.status_code == expected, (role, path, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(role, users, client_for):
    client = Client() if role == "anonymous" else client_for(users[role])
    for path, allowed in PAGES:
        response = client.get(path)
        if role in allowed:
            assert response.status_code == 200, (role, path)
        elif role == "anonymous":
            assert response.status_code == 302 and "login" in response.url, (role, path)
        else:
            assert response.status_code in (302, 403), (role, path, response.status_code)


def test_officers_see_only_their_units_or_departments_alerts(users, token_for):
    from ioc.core.models import Department

    qldt = Department.objects.get(code="quan-ly-do-thi")
    in_doan_ket = svc.record_alert(
        kind="core.manual", source="a", title="Đoàn Kết", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1]
    )
    in_tan_phong = svc.record_alert(
        kind="core.manual",
        source="b",
        title="Tân Phong",
        lat=POINT_TAN_PHONG[0],
        lon=POINT_TAN_PHONG[1],
        department=qldt,
    )

    def titles(role):
        return {a["title"] for a in Client().get("/api/alerts", **token_for(users[role])).json()["items"]}

    assert titles("operator") == {"Đoàn Kết", "Tân Phong"}
    assert titles("leader") == {"Đoàn Kết", "Tân Phong"}
    assert titles("ward_officer") == {"Đoàn Kết"}
    assert titles("department_officer") == {"Tân Phong"}
    # Another unit's record is simply not found, through the API and the pages.
    ward = token_for(users["ward_officer"])
    assert Client().get(f"/api/alerts/{in_tan_phong.pk}", **ward).status_code == 404
    assert Client().get(f"/api/alerts/{in_doan_ket.pk}", **ward).status_code == 200
    page = Client()
    page.force_login(users["ward_officer"])
    assert page.get(f"/dashboard/alerts/{in_tan_phong.pk}/").status_code == 404
    feed = page.get("/dashboard/feed/").content.decode()
    assert "Đoàn Kết" in feed and "Tân Phong</div>" not in feed


def test_an_old_units_records_belong_to_todays_ward(users, units, token_for):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    svc.record_alert(
        kind="core.manual",
        source="old",
        title="Năm 2024 ở Quyết Tiến",
        unit=units["old Quyết Tiến"],
        at=datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    items = Client().get("/api/alerts", **token_for(users["ward_officer"])).json()["items"]
    assert [a["unit"]["name"] for a in items] == ["Phường Quyết Tiến"]
