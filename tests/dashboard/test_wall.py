"""The big-screen wall: its kiosk link signs in its view-only account, boards come from the registry, the heartbeat
carries the core figures."""

import pytest
from django.test import Client

from ioc.core.models import AuditLog
from ioc.core.services.alerts import record_alert
from ioc.dashboard.wall import boards, kiosk_token
from tests.conftest import POINT_DOAN_KET


def test_the_kiosk_link_signs_the_wall_in_and_stops_working_when_its_password_changes(users, client):
    wall = users["wall"]
    token = kiosk_token(wall)
    response = client.get(f"/wall/{token}/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/wall/"
    page = client.get("/dashboard/wall/").content.decode()
    assert "Màn hình điều hành" in page and "Đăng xuất" not in page  # no menus on the wall
    assert AuditLog.objects.filter(action="wall.kiosk_login", user=wall).exists()
    # View only: the operator's map, the triage and the API lists stay closed to it.
    assert client.get("/dashboard/").status_code == 403
    assert client.post("/dashboard/alerts/triage/", {"action": "acknowledge"}).status_code == 403
    wall.set_password("Another-pass-2026")
    wall.save()
    assert Client().get(f"/wall/{token}/").status_code == 404


def test_kiosk_links_are_only_for_wall_accounts(users, client):
    with pytest.raises(ValueError):
        kiosk_token(users["operator"])
    assert client.get("/wall/forged-token/").status_code == 404


def test_every_domain_has_a_board_with_its_figures_and_newest_alerts(users, client_for):
    keys = [b["key"] for b in boards()]
    assert {"feedback", "publicservice", "sensors", "cameras", "lighting", "hotline"} <= set(keys)
    record_alert(kind="hotline.fire", source="x", title="Cháy nhà dân", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1])
    client = client_for(users["wall"])
    board = client.get("/dashboard/wall/board/hotline/").content.decode()
    assert "Cháy nhà dân" in board and 'data-kpi="hotline.calls_today"' in board
    assert client.get("/dashboard/wall/board/nope/").status_code == 404
    pulse = client.get("/dashboard/wall/pulse/").json()
    assert pulse["tiles"]["core.open_alerts"] == 1


def test_the_sensors_board_says_the_weather_now(users, client_for):
    from django.utils import timezone

    from ioc.sensors.models import Entity

    Entity.objects.create(
        entity_id="urn:ngsi-ld:RainGauge:b1",
        type="RainGauge",
        attrs={"precipitation": {"type": "Property", "value": 32.5}},
        last_seen_at=timezone.now(),
    )
    board = client_for(users["wall"]).get("/dashboard/wall/board/sensors/").content.decode()
    assert "Mưa lớn nhất hiện tại: 32,5 mm/h" in board
