"""Demo accounts, one per role, with random passwords (nothing secret lives in the repository)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

from ioc.core.models import Department, Role
from ioc.core.services.accounts import create_user
from ioc.core.services.geo import current_units

# username, role, department code, ward name (today's unit)
DEMO_ACCOUNTS = [
    ("quantri", Role.ADMIN, None, None),
    ("lanhdao", Role.LEADER, None, None),
    ("trucioc", Role.OPERATOR, None, None),
    ("qldt", Role.DEPARTMENT_OFFICER, "quan-ly-do-thi", None),
    ("congan", Role.DEPARTMENT_OFFICER, "cong-an", None),
    ("doanket", Role.WARD_OFFICER, None, "Phường Đoàn Kết"),
    ("tanphong", Role.WARD_OFFICER, None, "Phường Tân Phong"),
    ("congdan", Role.CITIZEN, None, None),
]


def demo_password() -> str:
    """Random, and satisfies the password rules (length, mixed case and digits)."""
    return "Ioc-" + secrets.token_urlsafe(6) + "7a"


def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """Create missing demo accounts; returns (role, username, password) for those created now."""
    User = get_user_model()
    created = []
    units = {u.name: u for u in current_units()}
    for username, role, dept_code, unit_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = demo_password()
        create_user(
            username,
            password,
            role,
            department=Department.objects.filter(code=dept_code).first() if dept_code else None,
            unit=units.get(unit_name) if unit_name else None,
            email=f"{username}@demo.laichau.gov.vn",
            must_change_password=not settings.DEMO_MODE,
        )
        created.append((Role(role).label, username, password))
    return created
