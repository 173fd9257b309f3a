"""What a direction can be about — an incident, an alert, a citizen report, a late administrative file — found
through each domain's own selectors, so a leader directs only on what they may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ioc.core.services.alerts import ServiceError


@dataclass(frozen=True)
class Subject:
    kind: str
    id: str
    label: str
    unit: object | None
    url: str


def _incident(key, user):
    from ioc.core.selectors import visible_incidents

    found = visible_incidents(user).filter(pk=int(key)).first() if key.isdigit() else None
    return found and Subject("incident", key, found.title, found.unit, f"/dashboard/incidents/{found.pk}/")


def _alert(key, user):
    from ioc.core.selectors import visible_alerts

    found = visible_alerts(user).filter(pk=int(key)).first() if key.isdigit() else None
    return found and Subject("alert", key, found.title, found.unit, f"/dashboard/alerts/{found.pk}/")


def _report(key, user):
    from ioc.feedback.selectors import visible_reports

    found = visible_reports(user).filter(pk=int(key)).first() if key.isdigit() else None
    label = found and f"{found.tracking_code} — {found.category.name}: {found.description[:120]}"
    return found and Subject("report", key, label, found.unit, f"/dashboard/feedback/{found.pk}/")


def _file(key, user):
    from ioc.publicservice.selectors import visible_files

    found = visible_files(user).select_related("procedure").filter(code=key).first()
    label = found and f"{found.code} — {found.procedure.name if found.procedure_id else ''}".strip(" —")
    return found and Subject("file", key, label, found.unit, "/dashboard/publicservice/late/")


FINDERS = {"incident": _incident, "alert": _alert, "report": _report, "file": _file}


def resolve_subject(spec: str, user) -> Subject:
    """ "incident:12", "alert:5", "report:31", "file:000.00.12.H39-250301-0001" → the subject, if the user sees it."""
    kind, _sep, key = (spec or "").partition(":")
    finder = FINDERS.get(kind)
    found = finder(key.strip(), user) if finder and key.strip() else None
    if not found:
        raise ServiceError(_("Nothing to direct on: %(s)s") % {"s": spec})
    return found
