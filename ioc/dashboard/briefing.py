"""The leaders' briefing (tóm tắt): a day, a week or a month across every domain, as a page and a PDF.

Built from the registry — each domain's KPI tiles, the alerts it raised in the period, and the lines its own
`briefing` hook adds — so a new domain appears in the briefing without this module naming it. Sent to the leaders
at 07:00 (yesterday), and on Mondays for the week before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import selectors
from ioc.core.models import Role, Severity
from ioc.core.registry import registry

PERIODS = ("day", "week", "month")


@dataclass
class Section:
    key: str
    label: str
    icon: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    alerts: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


@dataclass
class Briefing:
    period: str
    start: date
    end: date  # inclusive
    title: str
    chart: list[tuple[str, int]]  # alerts per hour (a day's briefing) or per day (a week's, a month's)
    incidents_opened: int
    incidents_closed: int
    top_alerts: list
    sections: list[Section]


def period_bounds(period: str, today: date | None = None) -> tuple[date, date]:
    """The last full day, the last Monday–Sunday week, or the last calendar month (Vietnam dates)."""
    today = today or timezone.localdate()
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if period == "month":
        first = today.replace(day=1)
        previous_last = first - timedelta(days=1)
        return previous_last.replace(day=1), previous_last
    yesterday = today - timedelta(days=1)
    return yesterday, yesterday


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def build(user, period: str = "day", today: date | None = None) -> Briefing:
    period = period if period in PERIODS else "day"
    start, end = period_bounds(period, today)
    since, until = _moment(start), _moment(end + timedelta(days=1))
    alerts = selectors.visible_alerts(user).filter(first_seen_at__gte=since, first_seen_at__lt=until)
    tz = timezone.get_current_timezone()
    if period == "day":
        per_hour = dict(
            alerts.annotate(h=ExtractHour("first_seen_at", tzinfo=tz))
            .values_list("h")
            .annotate(n=Count("id"))
            .values_list("h", "n")
        )
        chart = [(f"{h:02d}h", per_hour.get(h, 0)) for h in range(24)]
    else:
        per_day = dict(
            alerts.annotate(day=TruncDate("first_seen_at", tzinfo=tz))
            .values_list("day")
            .annotate(n=Count("id"))
            .values_list("day", "n")
        )
        days = [(start + timedelta(days=i)) for i in range((end - start).days + 1)]
        chart = [(f"{day:%d/%m}", per_day.get(day, 0)) for day in days]
    kinds = Counter()
    severities: dict[str, Counter] = {}
    for kind, severity in alerts.values_list("kind", "severity"):
        domain = kind.split(".", 1)[0]
        kinds[domain] += 1
        severities.setdefault(domain, Counter())[str(Severity(severity).label)] += 1
    incidents = selectors.visible_incidents(user)
    sections = []
    for domain in registry:
        hook = domain.hook("briefing")
        section = Section(
            key=domain.key,
            label=str(domain.label),
            icon=domain.icon,
            figures=[(str(t.label), _figure(t.value(user, None), t.suffix)) for t in domain.tiles],
            alerts=kinds.get(domain.key, 0),
            by_severity=dict(severities.get(domain.key, {})),
            lines=hook(user, since, until) if hook else [],
        )
        if section.figures or section.alerts or section.lines:
            sections.append(section)
    titles = {"day": _("Daily briefing"), "week": _("Weekly briefing"), "month": _("Monthly briefing")}
    span = f"{start:%d/%m/%Y}" if start == end else f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    return Briefing(
        period=period,
        start=start,
        end=end,
        title=f"{titles[period]} · {span}",
        chart=chart,
        incidents_opened=incidents.filter(created_at__gte=since, created_at__lt=until).count(),
        incidents_closed=incidents.filter(closed_at__gte=since, closed_at__lt=until).count(),
        top_alerts=list(alerts.filter(parent__isnull=True).order_by("priority", "-severity", "first_seen_at")[:8]),
        sections=sections,
    )


def _figure(value, suffix: str) -> str:
    from django.utils.formats import number_format

    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, 1, force_grouping=True) + suffix
    return number_format(value, 0, force_grouping=True) + suffix


def pdf_bytes(briefing: Briefing, city_name: str = "") -> bytes:
    """The briefing as an A4 PDF: the headline numbers, a bar chart of alerts per day, each domain's section."""
    from ioc.core.pdf import new_pdf, title

    pdf = new_pdf()
    title(pdf, city_name.upper() if city_name else _("Operations center"), size=11)
    title(pdf, briefing.title, size=15)
    pdf.ln(2)
    total = sum(n for _label, n in briefing.chart)
    pdf.multi_cell(
        0,
        6,
        _("Alerts: %(a)s · incidents opened: %(o)s · incidents closed: %(c)s")
        % {"a": total, "o": briefing.incidents_opened, "c": briefing.incidents_closed},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _bars(pdf, briefing.chart)
    if briefing.top_alerts:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, _("The most urgent alerts"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for alert in briefing.top_alerts:
            when = timezone.localtime(alert.first_seen_at)
            pdf.multi_cell(
                0, 5, f"P{alert.priority} · {when:%d/%m %H:%M} · {alert.title}", new_x="LMARGIN", new_y="NEXT"
            )
    for section in briefing.sections:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, section.label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        if section.alerts:
            detail = ", ".join(f"{label.lower()} {n}" for label, n in section.by_severity.items())
            pdf.multi_cell(
                0, 5, _("Alerts: %(n)s (%(d)s)") % {"n": section.alerts, "d": detail}, new_x="LMARGIN", new_y="NEXT"
            )
        for label, value in section.figures:
            pdf.cell(120, 5, label)
            pdf.cell(0, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")
        for line in section.lines:
            pdf.multi_cell(0, 5, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _bars(pdf, per_day: list[tuple[str, int]]) -> None:
    """Alerts per hour or day as bars (drawn, no chart library needed on the server)."""
    if not per_day:
        return
    top = max(n for _label, n in per_day) or 1
    x0, y0, width, height = pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.l_margin - pdf.r_margin, 35
    step = width / len(per_day)
    pdf.set_fill_color(47, 129, 247)
    pdf.set_font("DejaVu", size=7)
    for i, (day, n) in enumerate(per_day):
        bar = height * n / top
        pdf.rect(x0 + i * step + step * 0.15, y0 + height - bar, step * 0.7, bar, style="F")
        if len(per_day) <= 7 or i % max(1, len(per_day) // 10) == 0:
            pdf.text(x0 + i * step + step * 0.1, y0 + height + 4, day)
        if len(per_day) <= 31 and n:
            pdf.text(x0 + i * step + step * 0.35, y0 + height - bar - 1, str(n))
    pdf.set_y(y0 + height + 7)
    pdf.set_font("DejaVu", size=10)


def send(period: str) -> int:
    """Periodic: tell every leader their briefing is ready (in the app and by email, by their settings)."""
    from django.contrib.auth import get_user_model

    from ioc.core.services.notify import notify

    leaders = list(get_user_model().objects.filter(is_active=True, profile__role=Role.LEADER))
    if not leaders:
        return 0
    briefing = build(leaders[0], period)
    total = sum(n for _label, n in briefing.chart)
    notify(
        leaders,
        title=briefing.title,
        body=_("Alerts: %(a)s · incidents opened: %(o)s · incidents closed: %(c)s")
        % {"a": total, "o": briefing.incidents_opened, "c": briefing.incidents_closed},
        url=f"/dashboard/briefing/?period={period}",
        severity=Severity.WARNING,  # past the default "from warning" setting: every leader gets it
    )
    return len(leaders)


def send_daily() -> int:
    return send("day")


def send_weekly() -> int:
    """Runs every morning; sends on Mondays only (the week before)."""
    return send("week") if timezone.localdate().weekday() == 0 else 0
