"""Reading directions: who sees which, the lists each user works from, and the figures leaders read."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from ioc.core.models import Role
from ioc.core.permissions import has_role
from ioc.directions.models import Direction

OPEN = (Direction.Status.ISSUED, Direction.Status.IN_PROGRESS, Direction.Status.REPORTED)
ISSUERS = (Role.LEADER, Role.OPERATOR, Role.ADMIN)


def visible_directions(user):
    """Leaders, operators and administrators see every direction; an officer those sent to their department or
    ward."""
    qs = Direction.objects.select_related("issued_by", "on_behalf_of", "unit").prefetch_related(
        "targets__department", "targets__ward"
    )
    if has_role(user, *ISSUERS):
        return qs
    profile = getattr(user, "profile", None)
    if has_role(user, Role.DEPARTMENT_OFFICER) and profile.department_id:
        return qs.filter(targets__department_id=profile.department_id).distinct()
    if has_role(user, Role.WARD_OFFICER) and profile.unit_id:
        return qs.filter(targets__ward_id=profile.unit_id).distinct()
    return qs.none()


def listing(user, tab: str):
    """The tab's directions: open (to do), waiting for the leader (reported), overdue, done."""
    qs = visible_directions(user)
    now = timezone.now()
    if tab == "reported":
        return qs.filter(status=Direction.Status.REPORTED).order_by("due_at")
    if tab == "overdue":
        return qs.filter(status__in=OPEN, due_at__lt=now).order_by("due_at")
    if tab == "done":
        return qs.filter(status__in=(Direction.Status.ACCEPTED, Direction.Status.CANCELLED)).order_by("-closed_at")[
            :100
        ]
    return qs.filter(status__in=(Direction.Status.ISSUED, Direction.Status.IN_PROGRESS)).order_by("due_at")


def for_subject(kind: str, key, user=None) -> list[Direction]:
    """The directions given on one incident, alert, report or file (shown on its page), those the user sees."""
    qs = visible_directions(user) if user is not None else Direction.objects.all()
    return list(qs.filter(subject_kind=kind, subject_id=str(key)).order_by("-issued_at")[:20])


def _scoped(user, unit=None):
    qs = visible_directions(user) if user is not None else Direction.objects.all()
    return qs.filter(unit=unit) if unit is not None else qs


def count_open(user, unit=None) -> int:
    return _scoped(user, unit).filter(status__in=OPEN).count()


def count_overdue(user, unit=None) -> int:
    return _scoped(user, unit).filter(status__in=OPEN, due_at__lt=timezone.now()).count()


def on_time_pct(user, unit=None, days: int = 30, periods_back: int = 0) -> float | None:
    """Directions accepted in the last `days` days that were closed by their deadline, in percent."""
    end = timezone.now() - timedelta(days=days * periods_back)
    accepted = _scoped(user, unit).filter(
        status=Direction.Status.ACCEPTED, closed_at__gte=end - timedelta(days=days), closed_at__lt=end
    )
    total = accepted.count()
    if not total:
        return None
    return round(100 * accepted.filter(Q(closed_at__lte=F("due_at"))).count() / total, 1)


def subject_panel(kind: str, key: str, user) -> str:
    """The directions given on a record, with "give a direction" for those who may, on that record's page."""
    from django.template.loader import render_to_string

    directions = for_subject(kind, key, user)  # one query, in the user's scope
    can_issue = has_role(user, *ISSUERS)
    if not directions and not can_issue:
        return ""
    return render_to_string(
        "directions/_panel.html",
        {"directions": directions, "can_issue": can_issue, "subject": f"{kind}:{key}", "now": timezone.now()},
    )


def subject_link(kind: str, key: str, user) -> tuple[str, str] | None:
    """ "Give a direction" on one record of a list, for those who may."""
    from django.urls import reverse
    from django.utils.http import urlencode
    from django.utils.translation import gettext as _

    if not has_role(user, *ISSUERS):
        return None
    return str(_("Give a direction")), f"{reverse('directions:new')}?{urlencode({'subject': f'{kind}:{key}'})}"


def on_time_pct_before(user, unit=None) -> float | None:
    return on_time_pct(user, unit, periods_back=1)


def attention(user) -> list[dict]:
    """For a leader's first screen: directions past their deadline, and those waiting for acceptance."""
    from django.utils.translation import gettext as _

    if not has_role(user, *ISSUERS):
        return []
    qs = visible_directions(user).filter(status__in=OPEN)
    items = [
        {"title": d.title, "url": f"/dashboard/directions/{d.pk}/", "note": _("Direction overdue")}
        for d in qs.filter(due_at__lt=timezone.now()).order_by("due_at")[:10]
    ]
    items += [
        {"title": d.title, "url": f"/dashboard/directions/{d.pk}/", "note": _("Waiting for acceptance")}
        for d in qs.filter(status=Direction.Status.REPORTED).order_by("due_at")[:10]
    ]
    return items


def work(user) -> list[dict]:
    """The directions the officer's unit has to carry out."""
    from django.utils.translation import gettext as _

    if has_role(user, *ISSUERS):
        return []
    open_ones = visible_directions(user).filter(status__in=(Direction.Status.ISSUED, Direction.Status.IN_PROGRESS))
    return [
        {"title": d.title, "url": f"/dashboard/directions/{d.pk}/", "due_at": d.due_at, "what": _("Direction")}
        for d in open_ones.order_by("due_at")[:100]
    ]


def briefing(user, since, until) -> list[str]:
    """For the leaders' briefing: directions given, accepted, and those now overdue."""
    from django.utils.translation import gettext as _

    qs = visible_directions(user)
    return [
        _("Directions given: %(n)s") % {"n": qs.filter(issued_at__gte=since, issued_at__lt=until).count()},
        _("Directions accepted: %(n)s") % {"n": qs.filter(closed_at__gte=since, closed_at__lt=until).count()},
        _("Directions overdue now: %(n)s") % {"n": count_overdue(user)},
    ]


def by_unit(user, days: int = 90) -> list[dict]:
    """Directions of the last `days` days per lead unit: given, done on time, done late, open and overdue now."""
    from ioc.directions.models import Target

    now = timezone.now()
    since = now - timedelta(days=days)
    rows: dict[str, dict] = {}
    targets = Target.objects.filter(
        role=Target.Role.LEAD, direction__in=visible_directions(user).filter(issued_at__gte=since)
    ).select_related("direction", "department", "ward")
    for target in targets:
        d = target.direction
        row = rows.setdefault(str(target), {"unit": str(target), "given": 0, "on_time": 0, "late": 0, "overdue": 0})
        row["given"] += 1
        if d.status == Direction.Status.ACCEPTED:
            row["on_time" if d.closed_at <= d.due_at else "late"] += 1
        elif d.status in OPEN and d.due_at < now:
            row["overdue"] += 1
    return sorted(rows.values(), key=lambda r: (-r["overdue"], -r["given"]))


def leader_panel(user) -> str:
    """Directions by unit, on the leader's page."""
    from django.template.loader import render_to_string

    if not has_role(user, *ISSUERS):
        return ""
    rows = by_unit(user)
    return render_to_string("directions/_by_unit.html", {"rows": rows}) if rows else ""
