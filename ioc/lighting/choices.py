"""Every enumerated value of the lighting domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CircuitRoadClass(models.TextChoices):
    MAIN = "main", _("Main road")
    MINOR = "minor", _("Minor road")
    PARK = "park", _("Park or square")


class LampKind(models.TextChoices):
    LED = "led", "LED"
    SODIUM = "sodium", _("High-pressure sodium")


class LampFault(models.TextChoices):
    NONE = "", _("No fault")
    OUT = "out", _("Out when it should be on")
    DAY = "day", _("On in daylight")
    POWER = "power", _("Power far from rated")
    FLICKER = "flicker", _("Flickering")
    SILENT = "silent", _("Not reporting")


class ScheduleRuleKind(models.TextChoices):
    ASTRO = "astro", _("Astronomical clock")
    PROFILE = "profile", _("Time profile")
    SPECIAL = "special", _("Special days")
    WEATHER = "weather", _("Weather")


class CommandStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    ACKED = "acked", _("Acknowledged")
    FAILED = "failed", _("Failed")


# The lamp faults that raise an alert of their own kind (lighting.out, lighting.day, ...).
FAULT_KINDS = tuple(f.value for f in LampFault if f.value)
