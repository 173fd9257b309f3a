"""Everything that changes a report: submission with routing, the workflow's transitions, rating, reopening.

Each function is one transaction. Photos are checked and re-encoded before anything is written, and files saved
by a transaction that fails are removed, so a failed submission leaves no report and no file behind.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ioc.core.models import Department, Role
from ioc.core.permissions import role_of
from ioc.core.services import audit
from ioc.core.services.alerts import ServiceError, raise_alert
from ioc.core.services.calendar import add_working_days, deadline_after, local_date
from ioc.core.services.geo import unit_at
from ioc.core.services.notify import notify, users_with_roles
from ioc.feedback import notifiers
from ioc.feedback.models import (
    BannedSender,
    Category,
    CategoryAttribute,
    Event,
    Open311Key,
    Open311Submission,
    Photo,
    Report,
    Status,
)
from ioc.feedback.photos import PhotoError, clean_photo
from ioc.feedback.workflow import TRANSITIONS

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 5
REOPEN_DAYS = 7
PHONE = re.compile(r"\+?[0-9][0-9 .-]{7,18}[0-9]")
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_code() -> str:
    return "PA-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


def _clean_attributes(category: Category, answers: dict, *, require: bool = True) -> dict:
    """Validate a category's extra questions by their Open311 datatypes (required ones only when `require`)."""
    clean = {}
    known = {a.code: a for a in category.attributes.all()}
    for code in answers:
        if code not in known:
            raise ServiceError(_("Unknown question %(c)s for this category") % {"c": code})
    for code, attr in known.items():
        value = answers.get(code)
        if value in (None, "", []):
            if attr.required and require:
                raise ServiceError(_("Please answer: %(q)s") % {"q": attr.description})
            continue
        keys = {str(v["key"]) for v in attr.values}
        if attr.datatype == CategoryAttribute.Datatype.NUMBER:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ServiceError(_("%(q)s: a number is expected") % {"q": attr.description}) from None
        elif attr.datatype == CategoryAttribute.Datatype.DATETIME:
            parsed = parse_datetime(str(value))
            if parsed is None:
                raise ServiceError(_("%(q)s: a date and time is expected") % {"q": attr.description})
            value = parsed.isoformat()
        elif attr.datatype == CategoryAttribute.Datatype.SINGLE:
            if str(value) not in keys:
                raise ServiceError(_("%(q)s: not one of the choices") % {"q": attr.description})
            value = str(value)
        elif attr.datatype == CategoryAttribute.Datatype.MULTI:
            values = value if isinstance(value, list) else [value]
            if not {str(v) for v in values} <= keys:
                raise ServiceError(_("%(q)s: not one of the choices") % {"q": attr.description})
            value = [str(v) for v in values]
        else:
            value = str(value)[: 4000 if attr.datatype == "text" else 300]
        clean[code] = value
    return clean


def _check_not_banned(*values: str) -> None:
    wanted = [v.strip().lower() for v in values if v]
    if (
        wanted
        and BannedSender.objects.filter(value__in=wanted)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .exists()
    ):
        raise PermissionDenied(_("Reports from this sender are not accepted."))


def _event(report: Report, user, action: str, *, old: str = "", text: str = "", public: bool = False) -> Event:
    return Event.objects.create(
        report=report,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        from_status=old,
        to_status=report.status,
        text=text,
        public=public,
    )


def _save_photos(report: Report, cleaned, kind: str, saved: list[str]) -> None:
    for photo in cleaned:
        row = Photo(report=report, kind=kind, width=photo.width, height=photo.height)
        row.image.save(f"{report.tracking_code}-{secrets.token_hex(4)}.jpg", photo.content, save=False)
        saved.append(row.image.name)
        row.save()


def _cleanup_on_failure(saved: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in saved:
        default_storage.delete(name)


def submit_report(
    *,
    category: Category,
    description: str,
    lat: float,
    lon: float,
    address: str = "",
    attributes: dict | None = None,
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    user=None,
    ip: str | None = None,
    source: str = "web",
    require_photo: bool = False,
    at: datetime | None = None,
    taken_by_staff: bool = False,
    showcase_ok: bool = False,
    notify_channels=(),
) -> Report:
    """A citizen's report, checked, routed to its department, unit (and the police) and given its deadline."""
    description = (description or "").strip()
    if not category.active:
        raise ServiceError(_("This category no longer takes reports"))
    if not description:
        raise ServiceError(_("Describe the problem"))
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(_("The description is longer than %(n)s characters") % {"n": MAX_DESCRIPTION})
    at = at or timezone.now()
    unit = unit_at(lat, lon, local_date(at))
    if unit is None:
        raise ServiceError(_("The location is outside the city: move the pin inside the city's boundary"))
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_("At most %(n)s photos") % {"n": MAX_PHOTOS})
    if require_photo and not photos:
        raise ServiceError(_("Add at least one photo"))
    reporter_email = (reporter_email or "").strip()
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            raise ServiceError(_("The email address is not valid")) from None
    reporter_phone = (reporter_phone or "").strip()
    if reporter_phone and not PHONE.fullmatch(reporter_phone):
        raise ServiceError(_("The phone number is not valid (digits, may start with +84)"))
    _check_not_banned(reporter_phone, reporter_email, ip or "")
    # A report an operator takes down from a phone call may lack what the caller could not answer.
    answers = _clean_attributes(category, attributes or {}, require=not taken_by_staff)
    try:
        cleaned = [clean_photo(p) for p in photos]  # before anything is written
    except PhotoError as exc:
        raise ServiceError(str(exc)) from None
    saved: list[str] = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                tracking_code=new_tracking_code(),
                category=category,
                description=description,
                attributes=answers,
                lat=lat,
                lon=lon,
                address=address[:300],
                unit=unit,
                department=category.department,
                police=category.also_police,
                due_at=deadline_after(at, category.deadline_days),
                reporter_name=reporter_name[:200],
                reporter_phone=reporter_phone[:20],
                reporter_email=reporter_email,
                reporter_user=user if getattr(user, "is_authenticated", False) else None,
                showcase_ok=showcase_ok,
                notify_channels=[c for c in notify_channels if c in ("email", "sms", "zalo")],
                client_ip=ip,
                source=source[:50],
                submitted_at=at,
                updated_at=at,
            )
            _save_photos(report, cleaned, Photo.Kind.REPORT, saved)
            _event(report, None, "submitted", text=_("Routed to %(d)s") % {"d": category.department.name})
            _announce_new(report)
    except BaseException:
        _cleanup_on_failure(saved)
        raise
    return report


def _announce_new(report: Report) -> None:
    if timezone.now() - report.submitted_at > timedelta(hours=1):
        return  # history being imported or backfilled is not news
    officers = users_with_roles(Role.DEPARTMENT_OFFICER, department=report.department)
    notify(
        officers,
        _("New report: %(c)s") % {"c": report.category.name},
        report.description[:200],
        f"/dashboard/feedback/{report.pk}/",
        severity=3 if report.category.urgent else 2,
    )
    if report.police:
        police = users_with_roles(Role.DEPARTMENT_OFFICER).filter(profile__department__is_police=True)
        notify(
            police,
            _("Security report: %(c)s") % {"c": report.category.name},
            report.description[:200],
            f"/dashboard/feedback/{report.pk}/",
            severity=3,
        )
    if report.category.urgent:
        raise_alert(
            kind="feedback.urgent",
            source=f"feedback:{report.pk}",
            title=f"{report.category.name}: {report.description[:120]}",
            message=report.address,
            lat=report.lat,
            lon=report.lon,
            unit=report.unit,
            department=report.department,
            data={"report_id": report.pk},
            at=report.submitted_at,
        )
    notifiers.tell_reporter(report, _("We received your report %(code)s.") % {"code": report.tracking_code})


def _check_role(report: Report, user, action: str) -> None:
    from ioc.feedback.selectors import visible_reports

    roles = TRANSITIONS[action][2]
    if roles is None or role_of(user) not in roles:
        raise PermissionDenied(_("Your role cannot do this."))
    if not visible_reports(user).filter(pk=report.pk).exists():
        raise PermissionDenied(_("This report belongs to another unit or department."))


def _tell_department(report: Report, title: str) -> None:
    """The officers of the report's department, after the commit."""
    notify(
        users_with_roles(Role.DEPARTMENT_OFFICER, department=report.department),
        title,
        report.description[:200],
        f"/dashboard/feedback/{report.pk}/",
        severity=2,
    )


@transaction.atomic
def transition(report: Report, user, action: str, *, text: str = "", public: bool = True, **fields) -> Report:
    """Move a report by one workflow action; refuses a wrong state, a wrong role, or a missing reason."""
    if action not in TRANSITIONS:
        raise ServiceError(_("Unknown action %(a)s") % {"a": action})
    report = Report.objects.select_for_update().get(pk=report.pk)
    sources, target, _roles = TRANSITIONS[action]
    if action != "reopen":
        _check_role(report, user, action)
    if report.status not in sources:
        raise ServiceError(
            _("A report that is “%(s)s” cannot be “%(a)s”") % {"s": report.get_status_display(), "a": action}
        )
    text = (text or "").strip()
    needs_reason = {"reject", "reroute", "return", "extend", "not_responsible", "reopen"}
    if action in needs_reason and not text:
        raise ServiceError(_("Give a reason"))
    if action == "duplicate":
        original = fields.get("duplicate_of")
        if original is None or original.pk == report.pk:
            raise ServiceError(_("Choose the report this one repeats"))
        report.duplicate_of = original
    if action in ("assign", "reroute"):
        department = fields.get("department") or report.department
        if not isinstance(department, Department):
            raise ServiceError(_("Choose a department"))
        report.department = department
        if fields.get("unit") is not None:
            report.unit = fields["unit"]
    if action == "extend":
        if report.extended:
            raise ServiceError(_("A report can be extended only once"))
        days = fields.get("working_days")
        if not isinstance(days, int) or days < 1 or days > 60:
            raise ServiceError(_("Give the extension in working days (1–60)"))
        report.due_at = deadline_after(max(report.due_at or timezone.now(), timezone.now()), days)
        report.extended = True
    if action == "resolve":
        if not text:
            raise ServiceError(_("Write the public reply: what was done"))
        photos = fields.get("photos") or ()
        if not photos and not report.photos.filter(kind=Photo.Kind.RESOLUTION).exists():
            raise ServiceError(_("A photo of the result is required to resolve"))
        try:
            cleaned = [clean_photo(p) for p in photos]
        except PhotoError as exc:
            raise ServiceError(str(exc)) from None
        saved: list[str] = []
        try:
            _save_photos(report, cleaned, Photo.Kind.RESOLUTION, saved)
        except BaseException:
            _cleanup_on_failure(saved)
            raise
        report.public_reply = text
        report.resolved_at = timezone.now()
    if action == "publish" and text:
        report.public_reply = text  # the operator's moderated wording
    if action == "reopen":
        if not report.resolved_at or timezone.now() - report.resolved_at > timedelta(days=REOPEN_DAYS):
            raise ServiceError(
                _("A report can be reopened only within %(n)s days of its resolution") % {"n": REOPEN_DAYS}
            )
        report.reopen_count += 1
        report.rating = None
        report.due_at = deadline_after(timezone.now(), report.category.deadline_days)
        report.overdue_alerted = False
    old = report.status
    report.status = target
    report.updated_at = timezone.now()
    report.save()
    _event(report, user, action, old=old, text=text, public=public and action not in ("return",))
    audit.record(user if action != "reopen" else None, f"report.{action}", report)
    if action in ("assign", "reroute"):
        _tell_department(report, _("Report assigned to your department: %(c)s") % {"c": report.category.name})
    if action in ("resolve", "reject", "duplicate", "not_responsible", "extend", "start"):
        notifiers.tell_reporter(
            report,
            _("Your report %(code)s is now: %(s)s") % {"code": report.tracking_code, "s": report.get_status_display()},
        )
    return report


@transaction.atomic
def add_note(report: Report, user, text: str, *, public: bool = False) -> Event:
    """An internal note (officers only) or a public reply (shown on the public page)."""
    from ioc.feedback.selectors import visible_reports

    if role_of(user) not in (Role.ADMIN, Role.OPERATOR, Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER):
        raise PermissionDenied(_("Your role cannot do this."))
    if not visible_reports(user).filter(pk=report.pk).exists():
        raise PermissionDenied(_("This report belongs to another unit or department."))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("The note is empty"))
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return _event(report, user, "reply" if public else "note", text=text[:MAX_DESCRIPTION], public=public)


@transaction.atomic
def rate(report: Report, satisfied: bool, comment: str = "") -> Report:
    """The reporter's verdict after resolution (by tracking code)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status not in (Status.RESOLVED, Status.PUBLISHED):
        raise ServiceError(_("A report can be rated once it is resolved"))
    report.rating = satisfied
    report.rated_at = timezone.now()
    report.save(update_fields=["rating", "rated_at"])
    _event(report, None, "rated", text=comment.strip()[:1000], public=False)
    return report


@transaction.atomic
def moderate(report: Report, user, *, description: str | None = None, hide_photo: Photo | None = None) -> Report:
    """Operators edit abusive text or hide a photo (e.g. a face or a number plate); the original stays audited."""
    from ioc.core.permissions import OPERATORS, require_role

    require_role(user, OPERATORS)
    if description is not None:
        description = description.strip()
        if not description or len(description) > MAX_DESCRIPTION:
            raise ServiceError(_("Describe the problem"))
        audit.record(user, "report.moderate", report, before=report.description)
        report.description = description
        report.save(update_fields=["description"])
        _event(report, user, "moderated", text=_("Text moderated"))
    if hide_photo is not None and hide_photo.report_id == report.pk:
        hide_photo.hidden = True
        hide_photo.save(update_fields=["hidden"])
        _event(report, user, "moderated", text=_("Photo hidden"))
        audit.record(user, "report.redact_photo", hide_photo)
    return report


@transaction.atomic
def ban_sender(report: Report, user, reason: str, days: int | None = 30) -> list[BannedSender]:
    """Refuse further reports from this report's phone, email and address."""
    from ioc.core.permissions import OPERATORS, require_role

    require_role(user, OPERATORS)
    if not reason.strip():
        raise ServiceError(_("Give a reason"))
    until = timezone.now() + timedelta(days=days) if days else None
    bans = []
    for value in (report.reporter_phone, report.reporter_email, report.client_ip):
        if value:
            ban, _created = BannedSender.objects.update_or_create(
                value=str(value).lower(), defaults={"reason": reason, "until": until, "created_by": user}
            )
            bans.append(ban)
    audit.record(user, "report.ban_sender", report, reason=reason)
    return bans


IDEMPOTENCY_HOURS = 24


class IdempotencyConflict(ServiceError):
    """The Idempotency-Key was already used for a different request."""


@transaction.atomic
def submit_once(key: Open311Key, idempotency_key: str, fingerprint: str, submit) -> tuple[Report, bool]:
    """Run `submit()` once per (client, Idempotency-Key) within IDEMPOTENCY_HOURS: a retry gets the first report
    back (True: replayed). The claim and the report commit together, and a concurrent retry waits on the claim's
    unique index, so two tries can never make two reports."""
    Open311Submission.objects.filter(
        key=key, created_at__lt=timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    ).delete()
    claim, created = Open311Submission.objects.get_or_create(
        key=key, idempotency_key=idempotency_key, defaults={"fingerprint": fingerprint}
    )
    if not created:
        if claim.fingerprint != fingerprint or claim.report is None:
            raise IdempotencyConflict(_("This Idempotency-Key was already used for a different request"))
        return claim.report, True
    claim.report = submit()
    claim.save(update_fields=["report"])
    return claim.report, False


def open311_key_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


def create_open311_key(name: str) -> tuple[Open311Key, str]:
    """A new api_key for an Open311 client; returns the row and the key, shown only once (only its hash is kept)."""
    import secrets

    key = secrets.token_urlsafe(24)
    return Open311Key.objects.create(name=name[:100], prefix=key[:8], key_hash=open311_key_hash(key)), key


def add_media_url(report: Report, url: str) -> Event:
    """An Open311 client's link to a photo kept elsewhere, on the report's timeline."""
    return Event.objects.create(report=report, action="media_url", text=url[:1000])


@transaction.atomic
def citizen_update(report: Report, text: str) -> Event:
    """A citizen's public update to their report (mySociety's servicerequestupdates)."""
    event = Event.objects.create(
        report=report, action="citizen_update", text=text, public=True, to_status=report.status
    )
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return event


def check_deadlines(now: datetime | None = None) -> dict:
    """Periodic: remind departments a working day before the deadline; overdue reports go to the IOC feed."""
    from ioc.feedback.workflow import RUNNING

    now = now or timezone.now()
    running = Report.objects.filter(status__in=RUNNING, due_at__isnull=False).select_related("category", "department")
    tomorrow = add_working_days(local_date(now), 1)
    reminders = 0
    for report in running.filter(reminded_at__isnull=True, due_at__gt=now):
        if local_date(report.due_at) <= tomorrow:
            _tell_department(report, _("Due soon: %(c)s") % {"c": report.category.name})
            Report.objects.filter(pk=report.pk).update(reminded_at=now)
            reminders += 1
    overdue = 0
    for report in running.filter(due_at__lt=now, overdue_alerted=False):
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(overdue_alerted=True)
            raise_alert(
                kind="feedback.overdue",
                source=f"feedback:overdue:{report.pk}",
                title=_("Overdue report: %(c)s — %(d)s") % {"c": report.category.name, "d": report.description[:80]},
                message=_("Department: %(d)s. Deadline was %(t)s.")
                % {"d": report.department.name, "t": f"{timezone.localtime(report.due_at):%H:%M %d/%m/%Y}"},
                lat=report.lat,
                lon=report.lon,
                unit=report.unit,
                department=report.department,
                data={"report_id": report.pk},
                # A department's overdue reports hang under one alert: one call to that department covers them.
                rollup=f"feedback:overdue:department:{report.department_id}",
            )
        overdue += 1
    return {"reminders": reminders, "overdue": overdue}
