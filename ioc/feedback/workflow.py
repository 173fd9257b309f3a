"""The report state machine: which action moves a report from which states to which, and who may take it.

Overdue is not a state: it is computed from `due_at` for open reports.
"""

from ioc.core.models import Role
from ioc.feedback.models import Status as S

OPERATORS = (Role.ADMIN, Role.OPERATOR)
OFFICERS = (Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER)

# action: (from states, to state, roles that may take it (None = the citizen, by tracking code))
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...] | None]] = {
    "triage": ((S.SUBMITTED, S.RETURNED), S.TRIAGE, OPERATORS),
    "assign": ((S.SUBMITTED, S.TRIAGE, S.RETURNED, S.REOPENED), S.ASSIGNED, OPERATORS),
    "reject": ((S.SUBMITTED, S.TRIAGE, S.RETURNED), S.REJECTED, OPERATORS),
    "duplicate": ((S.SUBMITTED, S.TRIAGE, S.RETURNED), S.DUPLICATE, OPERATORS),
    "reroute": ((S.SUBMITTED, S.TRIAGE, S.RETURNED, S.ASSIGNED), S.ASSIGNED, OPERATORS),
    "start": ((S.ASSIGNED, S.REOPENED), S.IN_PROGRESS, (*OPERATORS, *OFFICERS)),
    "return": ((S.ASSIGNED, S.IN_PROGRESS), S.RETURNED, (*OPERATORS, *OFFICERS)),
    "extend": ((S.IN_PROGRESS,), S.EXTENDED, (*OPERATORS, *OFFICERS)),
    "not_responsible": ((S.ASSIGNED, S.IN_PROGRESS), S.NOT_RESPONSIBLE, (*OPERATORS, *OFFICERS)),
    "resolve": ((S.ASSIGNED, S.IN_PROGRESS, S.EXTENDED, S.REOPENED), S.RESOLVED, (*OPERATORS, *OFFICERS)),
    "publish": ((S.RESOLVED,), S.PUBLISHED, OPERATORS),
    "reopen": ((S.RESOLVED, S.PUBLISHED), S.REOPENED, None),
}

# Open311's two statuses: a report is closed once the city has answered it one way or another.
CLOSED = {S.RESOLVED, S.PUBLISHED, S.REJECTED, S.DUPLICATE, S.NOT_RESPONSIBLE}
# Shown on the public map and list (rejected ones may be abusive; duplicates point to the original).
PUBLIC = set(S.values) - {S.REJECTED}
# Where the deadline still runs.
RUNNING = set(S.values) - CLOSED


def allowed_actions(status: str, role: str | None) -> list[str]:
    """The actions a role may take on a report in this state (for the officer's buttons)."""
    return [
        action
        for action, (sources, _target, roles) in TRANSITIONS.items()
        if status in sources and roles is not None and role in roles
    ]


def action_labels():
    """Button labels for the actions, translated."""
    from django.utils.translation import gettext_lazy as _

    return {
        "triage": _("Take into triage"),
        "assign": _("Accept and assign"),
        "reject": _("Reject"),
        "duplicate": _("Mark as duplicate"),
        "reroute": _("Re-route"),
        "start": _("Start work"),
        "return": _("Return: wrong unit"),
        "extend": _("Extend the deadline"),
        "not_responsible": _("Not our responsibility"),
        "resolve": _("Resolve"),
        "publish": _("Publish"),
        "reopen": _("Reopen"),
    }
