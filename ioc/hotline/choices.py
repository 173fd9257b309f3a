"""Every enumerated value of the hotline domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallChannel(models.TextChoices):
    HOTLINE = "1022", _("City hotline 1022")
    POLICE = "113", _("Police 113")
    FIRE = "114", _("Fire and rescue 114")
    AMBULANCE = "115", _("Ambulance 115")


class CallTopic(models.TextChoices):
    FIRE = "fire", _("Fire")
    ACCIDENT = "accident", _("Traffic accident")
    FLOODING = "flooding", _("Flooding")
    LANDSLIDE = "landslide", _("Landslide")
    PUBLIC_ORDER = "public_order", _("Public order")
    MEDICAL = "medical", _("Medical emergency")
    INFRASTRUCTURE = "infrastructure", _("Roads, power and water")
    ENVIRONMENT = "environment", _("Waste and pollution")
