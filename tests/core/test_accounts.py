"""Login lockout, password rules, forced password change, API tokens, CSRF, secure headers, audit."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ioc.core.models import ApiToken, AuditLog, LoginLock
from ioc.core.services.accounts import create_token, user_for_token
from tests.conftest import PASSWORD


def login(client, username, password, address="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_for_five_minutes(users):
    client = Client()
    for _ in range(4):
        response = login(client, "operator1", "wrong")
        assert "locked" not in response.content.decode().lower()
    response = login(client, "operator1", "wrong")
    assert response.status_code == 200
    assert LoginLock.objects.filter(username="operator1").exists()
    # Even the right password is refused while locked, with a readable message.
    response = login(client, "operator1", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "seconds" in response.content.decode() or "giây" in response.content.decode()
    LoginLock.objects.update(until=timezone.now() - timedelta(seconds=1))  # five minutes later
    assert login(client, "operator1", PASSWORD).status_code == 302
    assert AuditLog.objects.filter(action="login.locked", object_id="operator1").exists()


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(users):
    """Five wrong passwords from an attacker's address must not keep the real user out."""
    attacker, owner = Client(), Client()
    for _ in range(5):
        login(attacker, "operator1", "wrong", address="203.0.113.9")
    assert login(attacker, "operator1", PASSWORD, address="203.0.113.9").status_code == 200  # still locked there
    assert login(owner, "operator1", PASSWORD, address="10.1.2.3").status_code == 302  # the owner gets in


def test_failures_from_many_addresses_lock_the_account_until_an_administrator_unlocks(users, settings):
    from ioc.core.services.accounts import unlock

    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    for n in range(12):  # three per address: no single address reaches its own limit
        login(Client(), "operator1", "wrong", address=f"198.51.100.{n // 3 + 1}")
    lock = LoginLock.objects.get(username="operator1", ip=None)
    assert login(Client(), "operator1", PASSWORD, address="10.1.2.3").status_code == 200  # the account is locked
    unlock(lock, by=users["admin"])
    assert login(Client(), "operator1", PASSWORD, address="10.1.2.3").status_code == 302
    assert AuditLog.objects.filter(action="login.unlock", user=users["admin"]).exists()


def test_the_admin_has_no_login_of_its_own(users):
    """/admin/login/ sends to the product's login: its lockout applies there too."""
    client = Client()
    response = client.post("/admin/login/", {"username": "admin1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    for _ in range(5):
        login(client, "admin1", "wrong")
    assert login(client, "admin1", PASSWORD).status_code == 200  # locked: the right password waits too
    assert client.get("/admin/").status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(users, settings):
    from ioc.core.models import LoginFailure

    client = Client()
    for _ in range(4):
        login(client, "operator1", "wrong")
    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW + 1))
    login(client, "operator1", "wrong")
    assert not LoginLock.objects.exists()


@pytest.mark.parametrize("password", ["short1A", "alllowercase1", "ALLUPPER123", "NoDigitsHere", "12345678"])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["Laichau2025", "Abcd1234!", "Matkhau@123", "DoanKet2026", "Qwerty12345", "ThanhPhoLaiChau1"]
)
def test_a_place_name_or_common_word_with_digits_is_refused(units, password):
    """QĐ 724/QĐ-BTTTT-style weak passwords a guesser tries first: the city's and wards' names, keyboard runs."""
    with pytest.raises(ValidationError, match="too easy to guess"):
        validate_password(password)


def test_a_good_password_passes(units):
    validate_password("Chim-Sao-Bay-Qua-Doi-9")
    validate_password("Ioc-" + "xK3pQ_w9Lm" + "7a")  # the shape of the demo's generated passwords


def test_flagged_users_must_change_password_outside_demo_mode(users, settings):
    settings.DEMO_MODE = False
    user = users["operator"]
    user.profile.must_change_password = True
    user.profile.save()
    client = Client()
    assert login(client, "operator1", PASSWORD).status_code == 302
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Tram-IOC-2026x", "new_password2": "Tram-IOC-2026x"},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    settings.DEMO_MODE = True


def test_demo_mode_keeps_demo_passwords(users, settings):
    settings.DEMO_MODE = True
    users["operator"].profile.must_change_password = True
    users["operator"].profile.save()
    client = Client()
    login(client, "operator1", PASSWORD)
    assert client.get("/dashboard/").status_code == 200


def test_tokens_are_stored_hashed_and_can_expire_or_be_revoked(users):
    row, token = create_token(users["operator"], "sensor gateway")
    assert token not in row.key_hash and len(row.key_hash) == 64
    assert user_for_token(token) == users["operator"]
    assert user_for_token(token + "x") is None
    row.expires_at = timezone.now() - timedelta(minutes=1)
    row.save()
    assert user_for_token(token) is None
    row2, token2 = create_token(users["operator"], "other")
    ApiToken.objects.filter(pk=row2.pk).update(revoked=True)
    assert user_for_token(token2) is None


def test_a_checked_token_is_not_trusted_after_revocation_or_deactivation(users):
    row, token = create_token(users["operator"], "gateway")
    assert user_for_token(token) == users["operator"]  # checked: now in the token cache
    row.revoked = True
    row.save()  # as the admin page does
    assert user_for_token(token) is None
    _row, token = create_token(users["operator"], "gateway 2")
    assert user_for_token(token) == users["operator"]
    users["operator"].is_active = False
    users["operator"].save()
    assert user_for_token(token) is None


def test_create_token_command_prints_a_working_token(users, capsys):
    from ioc.cli import cmd_create_token

    class Args:
        username = "operator1"
        name = "cli"
        days = 30
        data_dir = None

    assert cmd_create_token(Args()) == 0
    token = capsys.readouterr().out.strip()
    response = Client().get("/api/alerts", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_unsafe_browser_requests_need_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["operator"])
    response = client.post("/api/alerts", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    response = client.post("/dashboard/incidents/1/close/", {"resolution": "x"})
    assert response.status_code == 403


def test_secure_headers(users):
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()  # Vietnamese by default


def test_english_only_when_chosen(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()  # the browser's language is ignored
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page and "Đăng nhập" not in page


def test_reading_the_audit_log_is_itself_audited(users, client_for):
    response = client_for(users["admin"]).get("/admin/core/auditlog/")
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="audit.read", user=users["admin"]).exists()


@pytest.mark.django_db
def test_admin_can_issue_a_token_shown_once(users, client_for):
    client = client_for(users["admin"])
    response = client.post(
        "/admin/core/apitoken/add/", {"user": users["operator"].pk, "name": "camera gateway"}, follow=True
    )
    text = response.content.decode()
    assert "shown once" in text
    token = text.split("copy it now): ")[1].split("<")[0].strip()
    assert user_for_token(token) == users["operator"]
    call_command("check")
