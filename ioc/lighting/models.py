"""Street-lighting assets (cabinets, circuits, lamps on poles), their live state, maintenance, schedules,
overrides, commands and energy per night."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.models import AdministrativeUnit, Department
from ioc.lighting import choices


class Cabinet(models.Model):
    """A lighting cabinet (tủ điện) feeding one or more circuits."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    has_power = models.BooleanField(default=True)
    door_open = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lighting cabinet")
        verbose_name_plural = _("lighting cabinets")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Circuit(models.Model):
    RoadClass = choices.CircuitRoadClass

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="circuits")
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    road_class = models.CharField(_("road class"), max_length=10, choices=RoadClass.choices, default=RoadClass.MAIN)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Lamp(models.Model):
    Kind = choices.LampKind

    Fault = choices.LampFault

    code = models.CharField(_("code"), max_length=50, unique=True)
    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="lamps")
    pole = models.CharField(_("pole"), max_length=50, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.LED)
    rated_w = models.PositiveIntegerField(_("rated power (W)"))
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    # Live state, from telemetry.
    is_on = models.BooleanField(default=False)
    level = models.PositiveSmallIntegerField(default=0)
    power_w = models.FloatField(null=True, blank=True)
    voltage = models.FloatField(null=True, blank=True)
    current_a = models.FloatField(null=True, blank=True)
    energy_kwh = models.FloatField(null=True, blank=True)
    burning_hours = models.FloatField(null=True, blank=True)
    switches = models.PositiveIntegerField(default=0)  # on/off changes in the current flicker window
    switches_since = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True, db_index=True)
    fault = models.CharField(max_length=10, choices=Fault.choices, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("street lamp")
        verbose_name_plural = _("street lamps")

    def __str__(self) -> str:
        return self.code


class MaintenanceRecord(models.Model):
    lamp = models.ForeignKey(Lamp, on_delete=models.CASCADE, related_name="maintenance")
    done_on = models.DateField(_("date"))
    action = models.CharField(_("action"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class ScheduleRule(models.Model):
    """One layer of the plan. Kinds apply in this order, each painting over the ones before: the astronomical
    clock (on at sunset + offset, off at sunrise + offset), time profiles, special days, weather; then overrides.
    Within a kind, a higher priority paints last."""

    Kind = choices.ScheduleRuleKind

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    priority = models.SmallIntegerField(_("priority"), default=0)
    road_class = models.CharField(_("road class"), max_length=10, blank=True, choices=Circuit.RoadClass.choices)
    circuits = models.ManyToManyField(Circuit, blank=True, help_text=_("none: every circuit of the road class"))
    on_offset_min = models.SmallIntegerField(_("on: minutes after sunset"), default=0)
    off_offset_min = models.SmallIntegerField(_("off: minutes after sunrise"), default=0)
    # [{"from": "22:00", "to": "05:00", "level": 50}, ...] in local time over the night.
    intervals = models.JSONField(default=list, blank=True)
    # Special days: "YYYY-MM-DD", "MM-DD" every year, or a holiday name from the `holidays` package ("tet").
    days = models.JSONField(default=list, blank=True)
    # Weather: "fog" (visibility below the threshold, m) or "rain" (precipitation above it, mm/h).
    condition = models.CharField(max_length=10, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level (%)"), default=100)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("lighting schedule")
        verbose_name_plural = _("lighting schedules")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def dimming(cls, name: str, road_class: str, start: str, end: str, level: int, **fields) -> "ScheduleRule":
        """A time profile for one road class: `level` % from `start` to `end` (HH:MM, may pass midnight)."""
        return cls(
            name=name,
            kind=cls.Kind.PROFILE,
            road_class=road_class,
            intervals=[{"from": start, "to": end, "level": level}],
            **fields,
        )


class Override(models.Model):
    """An operator's manual level for a circuit until it expires."""

    circuit = models.ForeignKey(Circuit, on_delete=models.CASCADE, related_name="overrides")
    level = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("manual override")
        verbose_name_plural = _("manual overrides")


class Command(models.Model):
    """A switching or dimming command to a lamp's controller, acknowledged over MQTT, retried until it is."""

    Status = choices.CommandStatus

    lamp = models.ForeignKey(Lamp, on_delete=models.CASCADE, related_name="commands")
    level = models.PositiveSmallIntegerField()  # 0 = off
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("lamp command")
        verbose_name_plural = _("lamp commands")


class NightEnergy(models.Model):
    """A lamp's consumption over one night (the evening's date), from its energy counter."""

    lamp = models.ForeignKey(Lamp, on_delete=models.CASCADE, related_name="nights")
    night = models.DateField(db_index=True)
    energy_kwh = models.FloatField(default=0)
    anomalies = models.PositiveIntegerField(default=0)  # readings refused (counter backwards, impossible values)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lamp", "night"], name="lamp_night_once")]
