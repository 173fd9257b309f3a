"""Accounts: API tokens, login lockout, roles and demo users."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
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


# A machine client sends its token with every request; checking it was a third of an NGSI-LD PATCH. A checked
# token is trusted for TOKEN_CACHE_SECONDS in this process: a revocation or a deactivation reaches the other
# processes within that time (this one at once: saving a token or a user empties the cache).
TOKEN_CACHE_SECONDS = 10.0
_checked_tokens: dict[str, tuple] = {}  # key hash → (checked at, user, expires at)


def forget_checked_tokens(**_kwargs) -> None:
    _checked_tokens.clear()


def user_for_token(token: str):
    """The active user a bearer token belongs to, or None (unknown, revoked or expired)."""
    key = _hash(token)
    hit = _checked_tokens.get(key)
    if hit and time.monotonic() - hit[0] < TOKEN_CACHE_SECONDS and not (hit[2] and hit[2] < timezone.now()):
        return hit[1]
    row = _token_row(key)
    if row is None:
        return None
    if len(_checked_tokens) > 10_000:
        _checked_tokens.clear()
    _checked_tokens[key] = (time.monotonic(), row.user, row.expires_at)
    return row.user


def _token_row(key: str):
    row = (
        ApiToken.objects.select_related("user__profile")
        .filter(key_hash=key, revoked=False, user__is_active=True)
        .first()
    )
    if row is None or (row.expires_at and row.expires_at < timezone.now()):
        return None
    now = timezone.now()
    if not row.last_used_at or now - row.last_used_at > timedelta(minutes=5):  # avoid a write per request
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def lockout_remaining(username: str, ip: str | None = None) -> int:
    """Seconds the login stays locked from this address (its own lock, or the whole account's), or 0."""
    now = timezone.now()
    locks = LoginLock.objects.filter(username=username.lower(), until__gt=now).filter(Q(ip=ip) | Q(ip__isnull=True))
    until = max((lock.until for lock in locks), default=None)
    return int((until - now).total_seconds()) + 1 if until else 0


@transaction.atomic
def record_login_failure(username: str, ip: str | None = None) -> bool:
    """Count a failure. Too many from one address inside the window lock that address out of the account; too many
    from everywhere inside an hour lock the account. Returns True if this login is now locked."""
    username = username.lower()
    now = timezone.now()
    LoginFailure.objects.create(username=username, at=now, ip=ip)
    LoginFailure.objects.filter(at__lt=now - timedelta(hours=1)).delete()
    audit.record(None, "login.failed", object_type="auth.user", object_id=username, ip_address=ip or "")
    recent = LoginFailure.objects.filter(
        username=username, at__gte=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    )
    locked = False
    if recent.filter(ip=ip).count() >= settings.LOGIN_FAILURE_LIMIT:
        _lock(username, ip, now + timedelta(seconds=settings.LOGIN_LOCKOUT))
        locked = True
    if LoginFailure.objects.filter(username=username).count() >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        _lock(username, None, now + timedelta(seconds=settings.LOGIN_ACCOUNT_LOCKOUT))
        locked = True
    return locked


def _lock(username: str, ip: str | None, until) -> None:
    LoginLock.objects.update_or_create(username=username, ip=ip, defaults={"until": until})
    LoginFailure.objects.filter(username=username, **({"ip": ip} if ip else {})).delete()
    audit.record(None, "login.locked", object_type="auth.user", object_id=username, address=ip or "*")


def clear_login_failures(username: str, ip: str | None = None) -> None:
    """After a successful login: the failures from that address are forgotten."""
    LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()


@transaction.atomic
def unlock(lock: LoginLock, *, by, request=None) -> None:
    """An administrator lets a locked login in again."""
    LoginFailure.objects.filter(username=lock.username, **({"ip": lock.ip} if lock.ip else {})).delete()
    audit.delete_recorded(by, "login.unlock", lock, request=request, username=lock.username, address=lock.ip or "*")


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
