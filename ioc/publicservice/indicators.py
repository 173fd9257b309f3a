"""The indicator set of Decision 766/QĐ-TTg (2022), computed the way the national portal does, for any period and
any unit, agency or field. Points come from `IndicatorRule` (editable): points × min(rate / full_at, 1).

Files received in the period are judged at its end: finished ones by their outcome, unfinished ones late once their
deadline (moved by the days waiting for supplements) has passed; those not yet due are left out of 2.1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import registry
from ioc.core.services.geo import units_rolling_up_to
from ioc.publicservice.choices import (
    FINISHED_STATUSES,
    JUDGED_STATUSES,
    ONLINE_CAPABLE,
    Channel,
    ProcedureOnlineLevel,
    Timeliness,
)
from ioc.publicservice.models import IndicatorRule, Procedure, ServiceFile

COLUMNS = {
    "transparency": _("Publicity and transparency"),
    "progress": _("Processing progress"),
    "online": _("Online public services"),
    "digitisation": _("Digitised files"),
    "payment": _("Online payment"),
    "satisfaction": _("Satisfaction"),
}

# key, column, name, points, full_at. Columns sum to 18 / 20 / 12 / 22 / 10 / 18 = 100, as on the portal.
# The split of points inside some columns is this project's reading of the Decision: verify and edit in the admin.
DEFAULT_RULES = [
    ("1.1", "transparency", "TTHC được công khai đầy đủ thông tin", 8, 1.0),
    ("1.2", "transparency", "Hồ sơ đồng bộ đầy đủ trạng thái, ngày hẹn trả", 10, 1.0),
    ("2.1", "progress", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", 20, 1.0),
    ("2.2", "progress", "Thời gian giải quyết trung bình (ngày)", 0, 1.0),
    ("3.1", "online", "TTHC cung cấp dịch vụ công trực tuyến", 3, 1.0),
    ("3.2", "online", "TTHC cung cấp dịch vụ công trực tuyến toàn trình", 3, 0.8),
    ("3.3", "online", "Hồ sơ nộp trực tuyến (TTHC có DVC trực tuyến)", 3, 0.5),
    ("3.4", "online", "Hồ sơ trực tuyến của TTHC toàn trình", 3, 0.5),
    ("3.5", "payment", "TTHC có phí được thanh toán trực tuyến", 5, 0.9),
    ("3.6", "payment", "Hồ sơ có phí đã thanh toán trực tuyến", 5, 0.5),
    ("4.1", "digitisation", "Hồ sơ được cấp kết quả điện tử", 8, 0.9),
    ("4.2", "digitisation", "Hồ sơ được số hóa", 8, 0.8),
    ("4.3", "digitisation", "Hồ sơ số hóa cả thành phần và kết quả", 6, 0.8),
    ("5.1", "satisfaction", "Phản ánh, kiến nghị được xử lý đúng hạn", 6, 1.0),
    ("5.2", "satisfaction", "Hài lòng trong xử lý phản ánh, kiến nghị", 6, 1.0),
    ("5.4", "satisfaction", "Hài lòng trong tiếp nhận, giải quyết TTHC", 6, 1.0),
]


@transaction.atomic
def ensure_default_rules() -> int:
    created = 0
    for order, (key, column, name, points, full_at) in enumerate(DEFAULT_RULES):
        _, made = IndicatorRule.objects.get_or_create(
            key=key, defaults={"column": column, "name": name, "points": points, "full_at": full_at, "order": order}
        )
        created += made
    return created


@dataclass
class Indicator:
    key: str
    column: str
    name: str
    numerator: float | None
    denominator: float | None
    rate: float | None
    points: float | None
    max_points: float


def _files(start: date, end: date, unit=None, agency: str | None = None, field: str | None = None):
    qs = ServiceFile.objects.filter(received_date__gte=start, received_date__lte=end)
    if unit is not None:
        qs = qs.filter(unit_id__in=units_rolling_up_to(unit))
    if agency:
        qs = qs.filter(agency=agency)
    if field:
        qs = qs.filter(procedure__field=field)
    return qs


def cutoff(end: date) -> date:
    """The last day whose deadline has passed when the period is judged: its end, or yesterday if it runs on."""
    today = timezone.localdate()
    return end if end < today else today - timedelta(days=1)


def counts(start: date, end: date, **filters) -> dict:
    """Every count the indicators need, in one pass over the files."""
    last = cutoff(end)
    judged = Q(status__in=JUDGED_STATUSES)
    finished_in = Q(status__in=FINISHED_STATUSES, finished_date__lte=end)
    open_at_end = judged & ~finished_in
    online_capable = Q(procedure__online_level__in=ONLINE_CAPABLE)
    full_online = Q(procedure__online_level=ProcedureOnlineLevel.FULL)
    fee = Q(procedure__fee=True)
    return _files(start, end, **filters).aggregate(
        received=Count("id"),
        judged=Count("id", filter=judged),
        early=Count("id", filter=finished_in & Q(outcome=Timeliness.EARLY)),
        on_time=Count("id", filter=finished_in & Q(outcome=Timeliness.ON_TIME)),
        late_finished=Count("id", filter=finished_in & Q(outcome=Timeliness.LATE)),
        late_open=Count("id", filter=open_at_end & (Q(effective_due_date__lte=last) | Q(supplement_count__gt=1))),
        open_at_end=Count("id", filter=open_at_end),
        finished=Count("id", filter=finished_in),
        avg_days=Avg("handling_days", filter=finished_in),
        due_given=Count("id", filter=Q(due_computed=False)),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
        capable=Count("id", filter=online_capable),
        capable_online=Count("id", filter=online_capable & Q(channel=Channel.ONLINE)),
        full=Count("id", filter=full_online),
        full_online=Count("id", filter=full_online & Q(channel=Channel.ONLINE)),
        fee_files=Count("id", filter=fee),
        fee_paid_online=Count("id", filter=fee & Q(paid_online=True)),
        with_e_result=Count("id", filter=finished_in & Q(e_result=True)),
        n_digitised=Count("id", filter=Q(digitised=True)),
        digitised_both=Count("id", filter=finished_in & Q(digitised=True, e_result=True)),
        dissatisfied=Count("id", filter=finished_in & Q(satisfied=False)),
    )


def _procedure_counts(field: str | None) -> dict:
    qs = Procedure.objects.all()
    if field:
        qs = qs.filter(field=field)
    # Aliases are prefixed: an aggregate may not share a name with a field of the model.
    return qs.aggregate(
        n_total=Count("id"),
        n_published=Count("id", filter=Q(published=True, time_limit_days__gt=0)),
        n_online=Count("id", filter=Q(online_level__in=ONLINE_CAPABLE)),
        n_full=Count("id", filter=Q(online_level="toan_trinh")),
        n_fee=Count("id", filter=Q(fee=True)),
        n_fee_online=Count("id", filter=Q(fee=True, online_payment=True)),
    )


def _feedback_rates(start: date, end: date, unit=None) -> tuple[tuple, tuple]:
    """5.1 and 5.2 from the citizen-report domain, when it is installed (through its selectors)."""
    if "feedback" not in registry:
        return (None, None), (None, None)
    from ioc.feedback.selectors import rates_for_period

    return rates_for_period(start, end, unit)


def compute(start: date, end: date, *, unit=None, agency: str | None = None, field: str | None = None) -> dict:
    """The indicators for a period, with the six columns and the total, as the portal shows them."""
    c = counts(start, end, unit=unit, agency=agency, field=field)
    p = _procedure_counts(field)
    feedback_on_time, feedback_satisfied = (
        _feedback_rates(start, end, unit) if not (agency or field) else ((None, None), (None, None))
    )
    decided = c["early"] + c["on_time"] + c["late_finished"] + c["late_open"]
    fractions = {
        "1.1": (p["n_published"], p["n_total"]),
        "1.2": (c["due_given"], c["received"]),
        "2.1": (c["early"] + c["on_time"], decided),
        "3.1": (p["n_online"], p["n_total"]),
        "3.2": (p["n_full"], p["n_total"]),
        "3.3": (c["capable_online"], c["capable"]),
        "3.4": (c["full_online"], c["full"]),
        "3.5": (p["n_fee_online"], p["n_fee"]),
        "3.6": (c["fee_paid_online"], c["fee_files"]),
        "4.1": (c["with_e_result"], c["finished"]),
        "4.2": (c["n_digitised"], c["received"]),
        "4.3": (c["digitised_both"], c["finished"]),
        "5.1": feedback_on_time,
        "5.2": feedback_satisfied,
        "5.4": (c["finished"] - c["dissatisfied"], c["finished"]),
    }
    indicators = []
    for rule in IndicatorRule.objects.filter(enabled=True):
        if rule.key == "2.2":
            avg = c["avg_days"]
            indicators.append(
                Indicator(
                    rule.key,
                    rule.column,
                    rule.name,
                    round(avg, 2) if avg is not None else None,
                    c["finished"],
                    None,
                    None,
                    rule.points,
                )
            )
            continue
        numerator, denominator = fractions.get(rule.key, (None, None))
        rate = numerator / denominator if denominator else None
        points = round(rule.points * min(rate / rule.full_at, 1.0), 2) if rate is not None and rule.full_at else None
        indicators.append(
            Indicator(
                rule.key,
                rule.column,
                rule.name,
                numerator,
                denominator,
                round(rate, 4) if rate is not None else None,
                points,
                rule.points,
            )
        )
    columns = []
    for key, label in COLUMNS.items():
        mine = [i for i in indicators if i.column == key]
        scored = [i for i in mine if i.points is not None]
        columns.append(
            {
                "key": key,
                "label": str(label),
                "max_points": sum(i.max_points for i in mine),
                "points": round(sum(i.points for i in scored), 2) if scored else None,
            }
        )
    return {
        "from": start,
        "to": end,
        "counts": c,
        "indicators": [asdict(i) for i in indicators],
        "columns": columns,
        "total": round(sum(col["points"] or 0 for col in columns), 2),
        "max_total": sum(col["max_points"] for col in columns),
    }
