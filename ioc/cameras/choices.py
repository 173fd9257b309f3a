"""Every enumerated value of the cameras domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    DISABLED = "disabled", _("Disabled")


class ObjectClass(models.TextChoices):
    """What the detectors count, in the words an officer reads."""

    PERSON = "person", _("Pedestrians")
    BICYCLE = "bicycle", _("Bicycles")
    MOTORBIKE = "motorbike", _("Motorbikes")
    CAR = "car", _("Cars")
    BUS = "bus", _("Buses")
    TRUCK = "truck", _("Trucks")


def class_label(cls: str) -> str:
    """A counted class's name for people (the key itself for a class a custom model adds)."""
    return str(ObjectClass(cls).label) if cls in ObjectClass.values else cls


class SceneCondition(models.TextChoices):
    """What the analysis says of a camera's picture (ioc.cameras.analysis.scene)."""

    NIGHT = "night", pgettext_lazy("camera scene", "Night")
    RAIN = "rain", pgettext_lazy("camera scene", "Rain on the lens")
    DENSE = "dense", pgettext_lazy("camera scene", "Dense traffic")
    TOO_DARK = "too_dark", pgettext_lazy("camera scene", "Too dark to count")
