"""Demo accounts, one per role, with random passwords (nothing secret lives in the repository)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

from ioc.core.models import Department, Role
from ioc.core.selectors import city_data
from ioc.core.services.accounts import create_user
from ioc.core.services.geo import current_units

# One account per city-wide role; the officers' accounts (which department, which ward) come from the city
# profile's `demo_accounts`, since those names are the city's.
CITY_WIDE_ACCOUNTS = [
    {"username": "quantri", "role": Role.ADMIN},
    {"username": "lanhdao", "role": Role.LEADER},
    {"username": "trucioc", "role": Role.OPERATOR},
    {"username": "congdan", "role": Role.CITIZEN},
    {"username": "manhinh", "role": Role.WALL},
]


def demo_password() -> str:
    """Random, and satisfies the password rules (length, mixed case and digits)."""
    return "Ioc-" + secrets.token_urlsafe(6) + "7a"


def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """Create missing demo accounts; returns (role, username, password) for those created now."""
    User = get_user_model()
    created = []
    units = {u.name: u for u in current_units()}
    for account in CITY_WIDE_ACCOUNTS + city_data("demo_accounts"):
        username, role = account["username"], account["role"]
        if User.objects.filter(username=username).exists():
            continue
        password = demo_password()
        create_user(
            username,
            password,
            role,
            department=Department.objects.filter(code=account.get("department") or None).first(),
            unit=units.get(account.get("unit")),
            email=account.get("email") or f"{username}@demo.invalid",
            must_change_password=not settings.DEMO_MODE,
        )
        created.append((Role(role).label, username, password))
    return created
