"""Every enumerated value of the core domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeUnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("Leader")
    OPERATOR = "operator", _("IOC operator")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    CITIZEN = "citizen", _("Citizen")
    # The operations wall's own account: opens the big-screen view (a kiosk URL) and nothing else; changes nothing.
    WALL = "wall", _("Wall display (view only)")


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Make-up working day")


class Severity(models.IntegerChoices):
    INFO = 1, _("Information")
    WARNING = 2, _("Warning")
    MAJOR = 3, _("Major")
    CRITICAL = 4, _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    CLOSED = "closed", _("Closed")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class IncidentEventAction(models.TextChoices):
    CREATED = "created", _("Opened")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment")
    SOP = "sop", _("Checklist")
    ALERT_REPEATED = "alert_repeated", _("Alert repeated")
    ALERT_RESOLVED = "alert_resolved", _("Alert resolved by itself")
    CLOSED = "closed", _("Closed")
