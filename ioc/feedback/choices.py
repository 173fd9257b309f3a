"""Every enumerated value of the feedback domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryAttributeDatatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    TRIAGE = "triage", _("In triage")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    RESOLVED = "resolved", _("Resolved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    RETURNED = "returned", _("Returned to triage")
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    REOPENED = "reopened", _("Reopened")


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Reported")
    RESOLUTION = "resolution", _("Resolution")
