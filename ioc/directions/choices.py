"""Every enumerated value of the directions domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported done")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


class DirectionPriority(models.IntegerChoices):
    NORMAL = 1, _("Normal")
    URGENT = 2, _("Urgent")
    VERY_URGENT = 3, _("Very urgent")


class TargetRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORT = "support", _("Supporting unit")


class SubjectKind(models.TextChoices):
    """What a direction is about (none: a direction on its own, e.g. "check every landslide point")."""

    INCIDENT = "incident", _("Incident")
    ALERT = "alert", _("Alert")
    REPORT = "report", _("Citizen report")
    FILE = "file", _("Administrative file")


class EventAction(models.TextChoices):
    ISSUED = "issued", _("Direction issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the unit")
    PROGRESS = "progress", _("Progress report")
    DONE = "done", _("Reported done")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Sent back")
    ESCALATED = "escalated", _("Past its deadline")
    CANCELLED = "cancelled", _("Cancelled")
