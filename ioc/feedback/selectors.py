"""Reading reports: the staff's scoped views, the public's view without personal data, nearby reports, statistics."""

from __future__ import annotations

import math
from datetime import timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ioc.core.geojson import point_collection, raw_rows
from ioc.core.models import Role
from ioc.core.permissions import CITY_WIDE, OPERATORS, role_of
from ioc.core.services import audit
from ioc.core.services.geo import distance_m, units_rolling_up_to
from ioc.feedback.models import Category, Report, Status
from ioc.feedback.workflow import CLOSED, PUBLIC, RUNNING


def visible_reports(user):
    """Reports in the user's scope: their department's (the police also get security reports), or their ward's."""
    role = role_of(user)
    qs = Report.objects.select_related("category", "unit", "department")
    if role in CITY_WIDE:
        return qs
    profile = getattr(user, "profile", None)
    if role == Role.DEPARTMENT_OFFICER and profile.department_id:
        condition = Q(department_id=profile.department_id)
        if profile.department.is_police:
            condition |= Q(police=True)
        return qs.filter(condition)
    if role == Role.WARD_OFFICER and profile.unit_id:
        return qs.filter(unit_id__in=units_rolling_up_to(profile.unit))
    return qs.none()


def public_reports():
    """Everything but rejected reports. Written as an exclusion so the database walks the time index, not status."""
    hidden = set(Status.values) - PUBLIC
    return Report.objects.exclude(status__in=hidden).select_related("category", "unit", "department")


def answers(report: Report) -> list[tuple[str, str]]:
    """The reporter's answers to the category's questions as officers read them: (question, answer label)."""
    questions = {a.code: a for a in report.category.attributes.all()}
    rows = []
    for code, value in (report.attributes or {}).items():
        question = questions.get(code)
        if question is None:
            rows.append((code, str(value)))
            continue
        labels = {v.get("key"): v.get("name") for v in question.values or []}
        chosen = value if isinstance(value, list) else [value]
        rows.append((question.description, ", ".join(str(labels.get(v, v)) for v in chosen)))
    return rows


def public_view(report: Report) -> dict:
    """What anyone may see of a report: its public history and the photos not hidden by moderation."""
    return {
        "report": report,
        "events": report.events.filter(public=True),
        "photos": report.photos.filter(hidden=False),
        "closed": report.status in CLOSED,
    }


def is_overdue(report: Report, now=None) -> bool:
    return bool(report.due_at and report.status in RUNNING and report.due_at < (now or timezone.now()))


def reporter_for(report: Report, user, request=None) -> dict:
    """The reporter's identity for staff who handle the report; each read is audited."""
    if role_of(user) not in (*OPERATORS, Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER):
        return {}
    if report.reporter_name or report.reporter_phone or report.reporter_email:
        audit.record(user, "personal_data.read", report, request=request, fields=["reporter"])
    return {"name": report.reporter_name, "phone": report.reporter_phone, "email": report.reporter_email}


def nearby_open(category: Category, lat: float, lon: float, limit: int = 5) -> list[tuple[Report, int]]:
    """Open reports of the same category within the category's radius, nearest first (to follow instead)."""
    radius = category.duplicate_radius_m
    dlat = radius / 111_000
    dlon = radius / (111_000 * max(math.cos(math.radians(lat)), 0.1))
    candidates = Report.objects.filter(
        category=category, status__in=RUNNING, lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
    )
    found = [(r, round(distance_m(lat, lon, r.lat, r.lon))) for r in candidates]
    found = [(r, d) for r, d in found if d <= radius]
    return sorted(found, key=lambda pair: pair[1])[:limit]


def reports_geojson(user, filters) -> dict:
    """Open reports in scope as points for the operators' map (no personal data)."""
    qs = visible_reports(user).filter(status__in=RUNNING)
    if filters and filters.unit:
        from ioc.core.models import AdministrativeUnit

        unit = AdministrativeUnit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs.none()
    if filters and filters.since:
        qs = qs.filter(submitted_at__gte=filters.since)
    rows = raw_rows(qs.order_by("-submitted_at").values_list("pk", "lon", "lat", "description", "status")[:10000])
    rows = [(pk, lon, lat, desc[:100], status) for pk, lon, lat, desc, status in rows]
    return point_collection(rows, ("title", "status"), url="/dashboard/feedback/{id}/")


def reports_heat(user, filters) -> dict:
    """Every report of the last 90 days as a point, for the heat layer."""
    since = timezone.now() - timedelta(days=90)
    rows = raw_rows(visible_reports(user).filter(submitted_at__gte=since).values_list("pk", "lon", "lat")[:20000])
    return point_collection(rows, ())


def statistics(reports, group_by: str | None = None) -> list[dict]:
    """Received, resolved on time %, overdue, average resolution time (hours) and satisfaction %, per group.

    group_by: None (all), "category", "unit", "department" or "month".
    """
    now = timezone.now()
    fields = {
        "category": ("category__name",),
        "unit": ("unit__name",),
        "department": ("department__name",),
        "month": ("month",),
    }
    qs = reports
    if group_by == "month":
        qs = qs.annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
    qs = qs.values(*fields[group_by]) if group_by else qs
    aggregates = {
        "received": Count("id"),
        "closed": Count("id", filter=Q(status__in=CLOSED)),
        "resolved": Count("id", filter=Q(resolved_at__isnull=False)),
        "on_time": Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        "overdue": Count("id", filter=Q(status__in=RUNNING, due_at__lt=now)),
        "avg_resolution": Avg(F("resolved_at") - F("submitted_at"), filter=Q(resolved_at__isnull=False)),
        "rated": Count("id", filter=Q(rating__isnull=False)),
        "satisfied": Count("id", filter=Q(rating=True)),
    }
    rows = [qs.aggregate(**aggregates)] if not group_by else list(qs.annotate(**aggregates).order_by(*fields[group_by]))
    result = []
    for row in rows:
        avg = row["avg_resolution"]
        result.append(
            {
                "group": str(row.get(fields[group_by][0]) if group_by else "")
                if group_by != "month"
                else (f"{row['month']:%m/%Y}" if row.get("month") else ""),
                "received": row["received"],
                "resolved": row["resolved"],
                "on_time_pct": round(100 * row["on_time"] / row["resolved"], 1) if row["resolved"] else None,
                "overdue": row["overdue"],
                "avg_resolution_hours": round(avg.total_seconds() / 3600, 1) if avg is not None else None,
                "satisfaction_pct": round(100 * row["satisfied"] / row["rated"], 1) if row["rated"] else None,
            }
        )
    return result


def kpi_open(user, unit=None) -> int:
    qs = visible_reports(user).filter(status__in=RUNNING)
    return qs.filter(unit_id__in=units_rolling_up_to(unit)).count() if unit else qs.count()


def kpi_overdue(user, unit=None) -> int:
    qs = visible_reports(user).filter(status__in=RUNNING, due_at__lt=timezone.now())
    return qs.filter(unit_id__in=units_rolling_up_to(unit)).count() if unit else qs.count()


def _submitted_within(user, unit, days: int, periods_back: int = 0):
    """Reports submitted in a window of `days` days, `periods_back` such windows before now."""
    end = timezone.now() - timedelta(days=days * periods_back)
    qs = visible_reports(user).filter(submitted_at__gte=end - timedelta(days=days), submitted_at__lt=end)
    return qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs


def kpi_on_time_pct(user, unit=None, periods_back: int = 0) -> float | None:
    return statistics(_submitted_within(user, unit, 30, periods_back))[0]["on_time_pct"]


def kpi_on_time_pct_before(user, unit=None) -> float | None:
    """The 30 days before the last 30."""
    return kpi_on_time_pct(user, unit, periods_back=1)


def kpi_satisfaction_pct(user, unit=None, periods_back: int = 0) -> float | None:
    return statistics(_submitted_within(user, unit, 90, periods_back))[0]["satisfaction_pct"]


def kpi_satisfaction_pct_before(user, unit=None) -> float | None:
    return kpi_satisfaction_pct(user, unit, periods_back=1)


def rates_for_period(start, end, unit=None) -> tuple[tuple[int, int], tuple[int, int]]:
    """(resolved on time, resolved) and (satisfied, rated) for reports submitted in a period — what other
    domains (public-service indicators 5.1 and 5.2 of Decision 766) need from citizen reports."""
    reports = Report.objects.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    if unit is not None:
        reports = reports.filter(unit_id__in=units_rolling_up_to(unit))
    stats = reports.aggregate(
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        rated=Count("id", filter=Q(rating__isnull=False)),
        satisfied=Count("id", filter=Q(rating=True)),
    )
    return (stats["on_time"], stats["resolved"]), (stats["satisfied"], stats["rated"])


def reports_by_phone(phone: str, limit: int = 10):
    """A caller's earlier reports, found by their phone number (for the operator taking their call)."""
    if not phone:
        return Report.objects.none()
    return Report.objects.filter(reporter_phone=phone).select_related("category").order_by("-submitted_at")[:limit]


def active_categories():
    """The categories citizens (and operators taking calls) report under."""
    return Category.objects.filter(active=True).order_by("name")


def work(user) -> list[dict]:
    """The citizen reports the officer's department or ward has to resolve."""
    from django.utils.translation import gettext as _

    from ioc.core.models import Role as Roles
    from ioc.core.permissions import has_role

    if not has_role(user, Roles.DEPARTMENT_OFFICER, Roles.WARD_OFFICER):
        return []
    running = visible_reports(user).filter(status__in=RUNNING).exclude(status=Status.SUBMITTED)
    return [
        {
            "title": f"{r.category.name}: {r.description[:100]}",
            "url": f"/dashboard/feedback/{r.pk}/",
            "due_at": r.due_at,
            "what": _("Citizen report"),
        }
        for r in running.order_by("due_at")[:100]
    ]


def briefing(user, since, until) -> list[str]:
    """For the leaders' briefing: reports received and resolved in the period, and those resolved late."""
    from django.utils.translation import gettext as _

    received = visible_reports(user).filter(submitted_at__gte=since, submitted_at__lt=until).count()
    resolved = visible_reports(user).filter(resolved_at__gte=since, resolved_at__lt=until)
    late = resolved.filter(resolved_at__gt=F("due_at")).count()
    return [
        _("Reports received: %(n)s") % {"n": received},
        _("Reports resolved: %(n)s, of them late: %(l)s") % {"n": resolved.count(), "l": late},
    ]


def city_results(months: int = 12) -> dict:
    """ "What the city did": resolved reports per month, per ward and per category over the last months, and the
    latest resolved ones — with the before and after photos where the reporter agreed."""
    from django.db.models.functions import TruncMonth

    since = timezone.now() - timedelta(days=31 * months)
    resolved = Report.objects.filter(status__in=(Status.RESOLVED, Status.PUBLISHED), resolved_at__gte=since)
    per_month = list(
        resolved.annotate(month=TruncMonth("resolved_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(resolved_at__lte=F("due_at"))))
        .order_by("month")
    )
    by_unit = list(resolved.values("unit__name").annotate(n=Count("id")).order_by("-n")[:20])
    by_category = list(resolved.values("category__name").annotate(n=Count("id")).order_by("-n")[:20])
    showcase = []
    for report in resolved.filter(showcase_ok=True).prefetch_related("photos").order_by("-resolved_at")[:24]:
        photos = [p for p in report.photos.all() if not p.hidden]
        before = next((p for p in photos if p.kind == "report"), None)
        after = next((p for p in photos if p.kind == "resolution"), None)
        if before and after:
            showcase.append({"report": report, "before": before, "after": after})
    latest = resolved.select_related("category", "unit").order_by("-resolved_at")[:20]
    return {
        "per_month": per_month,
        "by_unit": by_unit,
        "by_category": by_category,
        "showcase": showcase[:8],
        "latest": latest,
        "total": resolved.count(),
    }
