"""Accounts: API tokens, login lockout, roles and demo users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ioc.core.models import ApiToken, LoginFailure, LoginLock, Profile, Role
from ioc.core.services import audit


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(user, name: str, *, days: int | None = None, by=None) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns the row and the token itself, which is shown only this once."""
    token = "ioc_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=token[4:12],
        key_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit.record(by, "token.create", row, for_user=user.username)
    return row, token


def user_for_token(token: str):
    """The active user a bearer token belongs to, or None (unknown, revoked or expired)."""
    row = (
        ApiToken.objects.select_related("user__profile")
        .filter(key_hash=_hash(token), revoked=False, user__is_active=True)
        .first()
    )
    if row is None or (row.expires_at and row.expires_at < timezone.now()):
        return None
    now = timezone.now()
    if not row.last_used_at or now - row.last_used_at > timedelta(minutes=5):  # avoid a write per request
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def lockout_remaining(username: str) -> int:
    """Seconds the account stays locked, or 0."""
    lock = LoginLock.objects.filter(username=username.lower()).first()
    if lock and lock.until > timezone.now():
        return int((lock.until - timezone.now()).total_seconds()) + 1
    return 0


@transaction.atomic
def record_login_failure(username: str, ip: str | None = None) -> bool:
    """Count a failure; locks the account when the limit is reached inside the window. Returns True if locked."""
    username = username.lower()
    now = timezone.now()
    LoginFailure.objects.create(username=username, at=now, ip=ip)
    LoginFailure.objects.filter(at__lt=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)).delete()
    recent = LoginFailure.objects.filter(
        username=username, at__gte=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    ).count()
    audit.record(None, "login.failed", object_type="auth.user", object_id=username, ip_address=ip or "")
    if recent >= settings.LOGIN_FAILURE_LIMIT:
        LoginLock.objects.update_or_create(
            username=username, defaults={"until": now + timedelta(seconds=settings.LOGIN_LOCKOUT)}
        )
        LoginFailure.objects.filter(username=username).delete()
        audit.record(None, "login.locked", object_type="auth.user", object_id=username)
        return True
    return False


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    *,
    unit=None,
    department=None,
    email: str = "",
    first_name: str = "",
    must_change_password: bool = False,
):
    """A user with a role; the password is stored hashed (validators run in forms, not here)."""
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    Profile.objects.create(
        user=user, role=role, unit=unit, department=department, must_change_password=must_change_password
    )
    return user


def password_changed(user) -> None:
    """The user chose their own password: the first-login change is no longer asked for."""
    Profile.objects.filter(user=user).update(must_change_password=False)
