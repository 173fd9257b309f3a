"""Rate limits on public endpoints, expired sessions in background polls, notification settings, CSV export."""

import pytest
from django.core.cache import cache
from django.test import Client

from ioc.core.models import AuditLog, NotificationPreference
from ioc.core.services.alerts import record_alert


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_api_calls_are_rate_limited_per_address(db, settings):
    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "5/m"}
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [client.get("/api/health").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    response = client.get("/api/units")
    assert response["Retry-After"] == "60" and "Too many requests" in response.json()["message"]
    assert Client(REMOTE_ADDR="203.0.113.8").get("/api/health").status_code == 200  # another caller


def test_login_attempts_are_rate_limited_per_address(db, settings):
    settings.IOC = {**settings.IOC, "RATE_LOGIN": "3/m"}
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.post("/accounts/login/", {"username": f"u{i}", "password": "x"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_the_proxy_the_forwarded_address_counts(db, settings):
    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "2/m", "BEHIND_PROXY": True}
    for i in range(3):
        response = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{i}").get("/api/health")
        assert response.status_code == 200  # three different clients behind one proxy


def test_logged_in_staff_are_not_limited_by_the_public_rate(users, client_for, settings):
    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "2/m"}
    client = client_for(users["operator"])
    assert all(client.get("/api/alerts").status_code == 200 for _ in range(5))


def test_an_expired_session_sends_background_polls_to_the_login_page(db):
    response = Client().get("/dashboard/feed/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["HX-Redirect"] == "/accounts/login/"
    assert Client().get("/dashboard/").status_code == 302  # a normal page load redirects as usual


def test_users_choose_how_to_be_notified(users, client_for):
    client = client_for(users["operator"])
    client.post("/accounts/notifications/", {"save_preferences": "1", "email": "on", "min_severity": 4})
    prefs = NotificationPreference.objects.get(user=users["operator"])
    assert prefs.email and not prefs.in_app and prefs.min_severity == 4


def test_csv_export_is_scoped_readable_in_excel_and_audited(users, client_for):
    record_alert(kind="core.manual", source="a", title="Ngập ở Đoàn Kết", lat=22.405, lon=103.455)
    record_alert(kind="core.manual", source="b", title="Ngập ở Tân Phong", lat=22.392, lon=103.472)
    response = client_for(users["ward_officer"]).get("/dashboard/alerts.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "Ngập ở Đoàn Kết" in text and "Tân Phong" not in text.split("\n", 2)[1]
    assert "Ngập ở Tân Phong" not in text
    log = AuditLog.objects.get(action="export", user=users["ward_officer"])
    assert log.detail["rows"] == 1
