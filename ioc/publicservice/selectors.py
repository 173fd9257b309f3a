"""Reading public-service data: file details with their computed timeliness, KPIs, rankings, maps, late lists."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ioc.core.models import Role
from ioc.core.permissions import apply_scope, has_role
from ioc.core.services.geo import current_units, units_rolling_up_to
from ioc.publicservice.choices import (
    DECIDED_TIMELINESS,
    GOOD_TIMELINESS,
    OPEN_STATUSES,
    Channel,
    Timeliness,
)
from ioc.publicservice.models import ServiceFile
from ioc.publicservice.timeliness import judge

DECIDED = Q(outcome__in=DECIDED_TIMELINESS)
GOOD = Q(outcome__in=GOOD_TIMELINESS)


def file_dict(f: ServiceFile) -> dict:
    """A file as the API shows it, with its computed due date and timeliness now."""
    return {
        "MaHoSo": f.code,
        "MaTTHC": f.procedure.code,
        "TenTTHC": f.procedure.name,
        "LinhVuc": f.procedure.field,
        "DonViXuLy": f.agency,
        "MaDonVi": f.unit.code if f.unit else None,
        "TrangThaiHoSo": f.status,
        "KenhThucHien": f.channel,
        "received_at": f.received_at,
        "due_at": f.due_at,
        "due_date": f.due_date,
        "due_computed": f.due_computed,
        "effective_due_date": f.effective_due_date,
        "finished_at": f.finished_at,
        "timeliness": judge(f, timezone.now()) or None,
    }


def year_start() -> date:
    today = timezone.localdate()
    return date(today.year, 1, 1)


def _period(unit=None, days: int = 30, user=None, periods_back: int = 0):
    end = timezone.localdate() - timedelta(days=days * periods_back)
    since = end - timedelta(days=days)
    qs = (visible_files(user) if user is not None else ServiceFile.objects).filter(received_date__gte=since)
    if periods_back:
        qs = qs.filter(received_date__lt=end)
    return qs.filter(unit_id__in=units_rolling_up_to(unit)) if unit else qs


def _scope_key(user) -> str:
    """Whose figures: the city's, a ward's or a department's (the cache keeps each apart)."""
    if user is None or not has_role(user, Role.WARD_OFFICER, Role.DEPARTMENT_OFFICER):
        return "city"
    profile = user.profile
    return f"ward{profile.unit_id}" if has_role(user, Role.WARD_OFFICER) else f"dept{profile.department_id}"


def kpi(unit=None, user=None, periods_back: int = 0) -> dict:
    """Last 30 days: received, processing, early/on-time/late % of decided files, online % — of the files the user
    may read (a ward officer's ward, a department's own files; the city for everyone else).

    Five KPI tiles read it on every dashboard poll: the one aggregate is kept for 15 seconds.
    """
    from django.core.cache import cache

    key = f"publicservice.kpi.{_scope_key(user)}.{unit.pk if unit else 'all'}.{periods_back}"
    if (cached := cache.get(key)) is not None:
        return cached
    result = _kpi(unit, user, periods_back)
    cache.set(key, result, 15)
    return result


def _kpi(unit=None, user=None, periods_back: int = 0) -> dict:
    agg = _period(unit, user=user, periods_back=periods_back).aggregate(
        received=Count("id"),
        processing=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        early=Count("id", filter=Q(outcome="early")),
        on_time=Count("id", filter=Q(outcome="on_time")),
        late=Count("id", filter=Q(outcome="late")),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
    )
    decided = agg["early"] + agg["on_time"] + agg["late"]

    def pct(n, d):
        return round(100 * n / d, 1) if d else None

    return {
        **agg,
        "early_pct": pct(agg["early"], decided),
        "on_time_pct": pct(agg["on_time"], decided),
        "late_pct": pct(agg["late"], decided),
        "online_pct": pct(agg["online"], agg["received"]),
    }


def agency_ranking(start: date, end: date) -> list[dict]:
    """Agencies by early-or-on-time rate (worst first), with their late counts."""
    rows = (
        ServiceFile.objects.filter(received_date__gte=start, received_date__lte=end)
        .values("agency")
        .annotate(
            received=Count("id"),
            good=Count("id", filter=GOOD),
            decided=Count("id", filter=DECIDED),
            late=Count("id", filter=Q(outcome="late")),
        )
    )
    ranking = [{**r, "rate": round(100 * r["good"] / r["decided"], 1) if r["decided"] else None} for r in rows]
    return sorted(ranking, key=lambda r: (r["rate"] is None, r["rate"] if r["rate"] is not None else 0))


def units_by_on_time(user, filters) -> dict:
    """Today's units coloured by their 90-day early-or-on-time rate (a map layer)."""
    since = timezone.localdate() - timedelta(days=90)
    features = []
    for unit in current_units().filter(geometry__isnull=False):
        agg = ServiceFile.objects.filter(received_date__gte=since, unit_id__in=units_rolling_up_to(unit)).aggregate(
            good=Count("id", filter=GOOD), decided=Count("id", filter=DECIDED)
        )
        rate = round(100 * agg["good"] / agg["decided"], 1) if agg["decided"] else None
        color = "#6e7781" if rate is None else "#2da44e" if rate >= 95 else "#d29922" if rate >= 85 else "#cf222e"
        features.append(
            {
                "type": "Feature",
                "id": unit.pk,
                "geometry": unit.geometry,
                "properties": {
                    "name": unit.name,
                    "title": f"{unit.name}: {rate if rate is not None else '—'}%",
                    "rate": rate,
                    "color": color,
                    "url": f"/dashboard/publicservice/?unit={unit.pk}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def overdue_open(today: date):
    """The one definition of "overdue": still being handled, and past its (possibly moved) deadline."""
    return Q(status__in=OPEN_STATUSES, effective_due_date__lt=today)


def late_now():
    """Files that are late today: unfinished past their deadline, or finished late today."""
    today = timezone.localdate()
    return ServiceFile.objects.filter(overdue_open(today) | Q(outcome=Timeliness.LATE, finished_date=today))


def visible_files(user):
    """The files a user may read one by one: city-wide roles all; a ward officer those of their ward (and the units
    merged into it); a department officer those their department handles (the file's agency is its name)."""
    if has_role(user, Role.DEPARTMENT_OFFICER):
        department = user.profile.department
        return ServiceFile.objects.filter(agency=department.name) if department else ServiceFile.objects.none()
    return apply_scope(ServiceFile.objects.all(), user)


def late_files(user=None, unit=None, agency: str | None = None, field: str | None = None, limit: int = 500):
    """Files late now (unfinished past the deadline, or finished late in the last 30 days), those the user may
    read (every one without a user: the leaders' report)."""
    today = timezone.localdate()
    qs = (
        (visible_files(user) if user is not None else ServiceFile.objects)
        .filter(overdue_open(today) | Q(outcome=Timeliness.LATE, finished_date__gte=today - timedelta(days=30)))
        .select_related("procedure", "unit")
    )
    if unit:
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit))
    if agency:
        qs = qs.filter(agency=agency)
    if field:
        qs = qs.filter(procedure__field=field)
    return qs.order_by("effective_due_date")[:limit]


def monthly_trend(months: int = 12) -> list[dict]:
    from django.db.models.functions import TruncMonth

    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        ServiceFile.objects.filter(received_date__gte=since)
        .annotate(month=TruncMonth("received_date"))
        .values("month")
        .annotate(
            received=Count("id"),
            good=Count("id", filter=GOOD),
            decided=Count("id", filter=DECIDED),
        )
        .order_by("month")
    )
    return [
        {
            "month": f"{r['month']:%m/%Y}",
            "received": r["received"],
            "rate": round(100 * r["good"] / r["decided"], 1) if r["decided"] else None,
        }
        for r in rows
    ]


def count_received_30d(user, unit=None):
    return kpi(unit, user)["received"]


def count_processing(user, unit=None):
    return kpi(unit, user)["processing"]


def on_time_pct(user, unit=None):
    k = kpi(unit, user)
    return None if k["early_pct"] is None else round(k["early_pct"] + k["on_time_pct"], 1)


def on_time_pct_before(user, unit=None):
    """The 30 days before the last 30."""
    k = kpi(unit, user, periods_back=1)
    return None if k["early_pct"] is None else round(k["early_pct"] + k["on_time_pct"], 1)


def late_pct_before(user, unit=None):
    return kpi(unit, user, periods_back=1)["late_pct"]


def late_pct(user, unit=None):
    return kpi(unit, user)["late_pct"]


def online_pct(user, unit=None):
    return kpi(unit, user)["online_pct"]
