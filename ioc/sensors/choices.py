"""Every enumerated value of the sensors domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Level")
    RATE = "rate", _("Change over a window")


class RuleDirection(models.TextChoices):
    ABOVE = "above", _("Above")
    BELOW = "below", _("Below")
