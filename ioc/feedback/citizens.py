"""Citizen accounts: sign in with a one-time code sent to a phone or an email (no password to forget), then follow
one's own reports and claim those made before signing in.

Codes are six digits, valid ten minutes, single use, five tries; only a keyed hash is stored. They go out through
the same pluggable channels as report updates (email now; SMS/Zalo adapters behind one interface).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ioc.core.models import Profile, Role
from ioc.core.services import audit
from ioc.core.services.accounts import create_user
from ioc.core.services.alerts import ServiceError
from ioc.feedback.models import Report, SignInCode

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5


def normalized_contact(raw: str) -> str:
    """A Vietnamese mobile number as 0xxxxxxxxx, or an email in lower case; ServiceError for anything else."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ServiceError(_("This is not an email address")) from None
        return text.lower()
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[35789]\d{8}", digits):
        raise ServiceError(_("Give a Vietnamese mobile number (10 digits) or an email address"))
    return digits


def _hash(contact: str, code: str) -> str:
    return salted_hmac("ioc.feedback.sign-in", f"{contact}:{code}", algorithm="sha256").hexdigest()


def send_code(raw_contact: str) -> str:
    """A new code for this phone or email, sent through the channels; returns the normalized contact."""
    from ioc.feedback.tasks import send_code_later

    contact = normalized_contact(raw_contact)
    recent = SignInCode.objects.filter(contact=contact, created_at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= MAX_CODES_PER_HOUR:
        raise ServiceError(_("Too many codes asked for this contact; try again in an hour"))
    code = f"{secrets.randbelow(1_000_000):06d}"
    SignInCode.objects.create(
        contact=contact, code_hash=_hash(contact, code), expires_at=timezone.now() + timedelta(minutes=CODE_MINUTES)
    )
    message = _("Your sign-in code: %(code)s (valid %(m)s minutes). Do not give it to anyone.") % {
        "code": code,
        "m": CODE_MINUTES,
    }
    transaction.on_commit(lambda: send_code_later(contact, message))
    return contact


def verify_code(contact: str, code: str, request=None):
    """The citizen user for this contact if the code is right (created on first sign-in); ServiceError if not.
    A wrong try is counted even though the call fails (so it is committed before the error is raised)."""
    contact = normalized_contact(contact)
    with transaction.atomic():
        pending = (
            SignInCode.objects.select_for_update()
            .filter(contact=contact, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            refused = _("The code has expired; ask for a new one")
        elif pending.attempts >= MAX_ATTEMPTS:
            refused = _("Too many wrong codes; ask for a new one")
        elif not constant_time_compare(pending.code_hash, _hash(contact, (code or "").strip())):
            SignInCode.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            refused = _("The code is not right")
        else:
            refused = None
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            user = citizen_for(contact)
            audit.record(user, "citizen.sign_in", user, request=request)
    if refused:
        raise ServiceError(refused)
    return user


def citizen_for(contact: str):
    """The citizen account of a phone or email, created on first use (no password: they sign in with codes)."""
    is_email = "@" in contact
    found = (
        Profile.objects.filter(role=Role.CITIZEN)
        .filter(Q(user__email__iexact=contact) if is_email else Q(phone=contact))
        .select_related("user")
        .first()
    )
    if found:
        return found.user
    username = f"cd-{secrets.token_hex(5)}"
    user = create_user(username, None, Role.CITIZEN, email=contact if is_email else "")
    if not is_email:
        Profile.objects.filter(user=user).update(phone=contact)
        user.profile.refresh_from_db()
    return user


def my_reports(user):
    """The citizen's reports: made while signed in, claimed, or made with the phone or email they proved is theirs."""
    contact = Q(reporter_user=user)
    phone = getattr(getattr(user, "profile", None), "phone", "")
    if phone:
        contact |= Q(reporter_phone=phone)
    if user.email:
        contact |= Q(reporter_email__iexact=user.email)
    return Report.objects.filter(contact).select_related("category", "unit").order_by("-submitted_at")


@transaction.atomic
def claim(user, tracking_code: str) -> Report:
    """Take a report made without an account into "my reports", by its tracking code. A report left with another
    phone or email stays its reporter's."""
    report = Report.objects.select_for_update().filter(tracking_code=(tracking_code or "").strip().upper()).first()
    if report is None:
        raise ServiceError(_("No report has this tracking code"))
    if report.reporter_user_id and report.reporter_user_id != user.pk:
        raise ServiceError(_("This report belongs to another account"))
    phone = getattr(user.profile, "phone", "")
    left_other = (report.reporter_phone and report.reporter_phone != phone) or (
        report.reporter_email and report.reporter_email.lower() != (user.email or "").lower()
    )
    if left_other and not my_reports(user).filter(pk=report.pk).exists():
        raise ServiceError(_("This report was made with another phone or email"))
    report.reporter_user = user
    report.save(update_fields=["reporter_user"])
    audit.record(user, "citizen.claim", report)
    return report
