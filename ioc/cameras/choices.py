"""Every enumerated value of the cameras domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    DISABLED = "disabled", _("Disabled")
