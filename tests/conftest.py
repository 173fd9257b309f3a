"""Shared fixtures: the Lai Châu profile, one user per role, API clients."""

import os
import tempfile

os.environ.setdefault("IOC_DATA_DIR", tempfile.mkdtemp(prefix="ioc-test-"))
os.environ.setdefault("IOC_TASKS_IMMEDIATE", "1")
os.environ.setdefault("IOC_LOG_CONSOLE", "0")

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

PASSWORD = "Test-pass-2026"


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    """Background tasks run at once in the test's thread (settings may load before this file sets the env)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Tests roll their data back without signals: drop what this process cached about units and the calendar."""
    from django.core.cache import cache

    from ioc.core.services.calendar import invalidate_calendar
    from ioc.core.services.geo import invalidate_units
    from ioc.sensors.subscriptions import forget_subscriptions

    invalidate_units()
    invalidate_calendar()
    forget_subscriptions()
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_for_direct_calls():
    """Service calls in the test thread speak English (readable assertions); requests still get Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Hashing strength is not under test here; the real hasher would make every fixture user cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client calls from 127.0.0.1: generous rates here; tests/core/test_limits.py sets its own.
    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "100000/m", "RATE_LOGIN": "100000/m"}


@pytest.fixture
def city(db):
    """The default Lai Châu profile, loaded as `ioc demo` loads it."""
    from ioc.core.services.profile import load_profile

    load_profile()
    from ioc.core.models import City

    return City.objects.get()


@pytest.fixture
def units(city):
    """Units by name: today's wards ('Đoàn Kết') and the old ones ('old Quyết Tiến')."""
    from ioc.core.models import AdministrativeUnit

    result = {}
    for unit in AdministrativeUnit.objects.all():
        short = unit.name.replace("Phường ", "").replace("Xã ", "")
        key = f"old {short}" if unit.valid_to and unit.level != "city" else short
        result[key] = unit
    return result


def make_user(username, role, **kwargs):
    from ioc.core.services.accounts import create_user

    return create_user(username, PASSWORD, role, **kwargs)


@pytest.fixture
def users(units):
    """One user per role; officers of Quản lý đô thị and of the ward Đoàn Kết."""
    from ioc.core.models import Department, Role

    return {
        "admin": make_user("admin1", Role.ADMIN),
        "leader": make_user("leader1", Role.LEADER),
        "operator": make_user("operator1", Role.OPERATOR, email="op@example.vn"),
        "department_officer": make_user(
            "qldt1", Role.DEPARTMENT_OFFICER, department=Department.objects.get(code="quan-ly-do-thi")
        ),
        "ward_officer": make_user("doanket1", Role.WARD_OFFICER, unit=units["Đoàn Kết"]),
        "citizen": make_user("citizen1", Role.CITIZEN),
        "wall": make_user("manhinh1", Role.WALL),
    }


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def token_for():
    """An `Authorization` header dict with a fresh API token for a user."""

    def make(user):
        from ioc.core.services.accounts import create_token

        _, token = create_token(user, "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


# Points inside the demo's approximate wards (checked by the profile tests).
POINT_DOAN_KET = (22.405, 103.455)  # in old Quyết Tiến / Đoàn Kết area → today's Đoàn Kết
POINT_TAN_PHONG = (22.392, 103.472)  # old Tân Phong → today's Tân Phong
POINT_SAN_THANG = (22.405, 103.385)  # old San Thàng → today's Tân Phong
