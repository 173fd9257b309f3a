"""Core data every domain shares: units, departments, roles, calendar, alerts, incidents, audit, notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core import choices
from ioc.core.choices import Role, Severity  # noqa: F401 (kept importable from models)
from ioc.core.files import UnguessableName


class City(models.Model):
    """The city profile loaded by `ioc load-profile` (one row)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20)
    center_lat = models.FloatField()
    center_lon = models.FloatField()
    zoom = models.PositiveSmallIntegerField(default=13)
    attribution = models.TextField(blank=True)
    # City data that simulators, routing and the demo read, so another city's profile changes them.
    streets = models.JSONField(default=list, blank=True, help_text=_("Street names used for demo addresses"))
    places = models.JSONField(default=list, blank=True, help_text=_("Landmarks and junctions (demo cameras)"))
    routing = models.JSONField(
        default=dict, blank=True, help_text=_("Per domain, which department code each kind of case goes to")
    )
    demo_accounts = models.JSONField(default=list, blank=True, help_text=_("The demo's officer accounts"))
    # Schools, hospitals, landslide slopes…: an alert near one is answered sooner (its priority is raised).
    sensitive_places = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Places where alerts get a higher priority: name, kind, lat, lon, radius_m"),
    )

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class AdministrativeUnit(models.Model):
    """A province, city, ward or commune for a period. Codes are reused, so code + period identifies it."""

    Level = choices.AdministrativeUnitLevel

    code = models.CharField(_("official code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The unit that took this one over in a reform: data keeps its unit at the time and rolls up through this.
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors")
    geometry = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    approximate = models.BooleanField(_("approximate boundary"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Bounding box and a label point, derived from the geometry on load, for fast filtering and map labels.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    label_lat = models.FloatField(null=True, blank=True)
    label_lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_period_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Department(models.Model):
    """A city department (phòng ban) or the police: where alerts, incidents and reports are routed."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_police = models.BooleanField(_("police"), default=False)
    email = models.EmailField(blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """A user's role and the unit or department they belong to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(default=False)
    # The KPI tiles this user keeps on the strip (registry keys, in order); empty: the role's default few.
    kpi_tiles = models.JSONField(_("KPI tiles"), default=list, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A bearer token for a machine client. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed login, kept for the lockout window."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)


class LoginLock(models.Model):
    """A locked login: for one address (too many failures from it), or for the whole account (no address: too many
    failures from many addresses — until it expires or an administrator unlocks it by deleting the lock)."""

    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="one_lock_per_username_and_address")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip or '*'}"


class CalendarDay(models.Model):
    """A one-off change to the working calendar: an extra day off, or a make-up working day (ngày làm bù)."""

    Kind = choices.CalendarDayKind

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


class Incident(models.Model):
    """The operator's work item opened from one or more alerts: assigned, followed and closed."""

    Status = choices.IncidentStatus

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.WARNING)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    sop_done = models.JSONField(default=list, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Alert(models.Model):
    """A signal raised by a domain. Repeats of the same source and kind inside the fold window add to `count`."""

    Status = choices.AlertStatus

    kind = models.CharField(_("kind"), max_length=100)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(_("title"), max_length=300)
    message = models.TextField(_("message"), blank=True)
    source = models.CharField(_("source"), max_length=200)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    count = models.PositiveIntegerField(default=1)
    # Repeats with the same kind and group key fold into one alert: the source by default, or the place (AlertKind).
    group_key = models.CharField(max_length=200, blank=True, db_index=True)
    # Related alerts (many lamps of one circuit, sensors of one ward) share a roll-up key; the first open one is the
    # parent and the others hang under it in the feed.
    rollup_key = models.CharField(max_length=200, blank=True, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    # 1 (answer first) to 4, from severity, kind and place; respond_by is the acknowledgement clock it sets.
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    respond_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("snooze reason"), max_length=300, blank=True)
    dismissed = models.BooleanField(_("dismissed as noise"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Closed by the domain because its condition ended (a reading back to normal), not by a person; with why.
    resolved_by_condition = models.BooleanField(_("resolved by itself"), default=False)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-last_seen_at"]
        indexes = [
            models.Index(fields=["-last_seen_at", "id"]),
            models.Index(fields=["source", "kind", "status"]),
            models.Index(fields=["status", "first_seen_at"]),
            models.Index(fields=["unit", "-last_seen_at"]),
            models.Index(fields=["group_key", "kind", "status"]),
            models.Index(fields=["status", "respond_by"]),
        ]

    def __str__(self) -> str:
        return self.title


class IncidentEvent(models.Model):
    """One line of an incident's timeline."""

    Action = choices.IncidentEventAction

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=Action.choices)
    text = models.TextField(blank=True)
    attachment = models.FileField(upload_to=UnguessableName("incidents"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]


class OperatingProcedure(models.Model):
    """The city's own checklist for an alert kind; overrides the domain's default SOP."""

    kind = models.CharField(_("alert kind"), max_length=100, unique=True)
    steps = models.TextField(_("steps, one per line"))

    class Meta:
        verbose_name = _("operating procedure")
        verbose_name_plural = _("operating procedures")

    def step_list(self) -> list[str]:
        return [s.strip() for s in self.steps.splitlines() if s.strip()]


class AuditLog(models.Model):
    """Who created, changed, exported or read personal data, and when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit log line")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.INFO)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_prefs")
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=False)
    min_severity = models.PositiveSmallIntegerField(
        _("from severity"), choices=Severity.choices, default=Severity.WARNING
    )
    # Alerts arrive as a digest every this many minutes (critical ones at once); 0 sends each at once.
    digest_minutes = models.PositiveSmallIntegerField(_("digest every (minutes)"), default=15)
    domains = models.JSONField(_("only these fields"), default=list, blank=True)
    units = models.ManyToManyField("AdministrativeUnit", blank=True, verbose_name=_("only these units"))
    # Quiet hours (Vietnam time): nothing but critical alerts between these hours; equal hours = never quiet.
    quiet_from = models.PositiveSmallIntegerField(_("quiet from (hour)"), default=0)
    quiet_to = models.PositiveSmallIntegerField(_("quiet until (hour)"), default=0)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")


class DeadLetter(models.Model):
    """A message a worker could not use, kept with the reason and its raw payload, to read and to replay."""

    MAX_PAYLOAD = 64 * 1024

    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    worker = models.CharField(_("worker"), max_length=50, db_index=True, default="mqtt")
    topic = models.CharField(_("topic or source"), max_length=300)
    payload = models.TextField(_("raw payload"))
    reason = models.CharField(_("reason"), max_length=500)
    attempts = models.PositiveSmallIntegerField(_("replays tried"), default=0)
    replayed_at = models.DateTimeField(_("last replayed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")

    def __str__(self) -> str:
        return f"{self.topic}: {self.reason}"


class WorkerStatus(models.Model):
    """A long-running worker's counters, saved every few seconds by the worker and shown by the health endpoint."""

    name = models.CharField(_("worker"), max_length=100, unique=True)
    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(null=True)
    state = models.CharField(max_length=20, default="running")
    started_at = models.DateTimeField(null=True)
    heartbeat_at = models.DateTimeField(null=True)
    received = models.BigIntegerField(default=0)
    stored = models.BigIntegerField(default=0)
    refused = models.BigIntegerField(default=0)
    dead_lettered = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # What the worker says of its input, e.g. a camera runner's scene: {"conditions": [...], "confidence": 0.89}.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("worker status")
        verbose_name_plural = _("worker statuses")

    def __str__(self) -> str:
        return self.name


class KpiTarget(models.Model):
    """A figure's target, set by an administrator (the plan's own targets are the defaults in settings)."""

    key = models.CharField(_("figure"), max_length=100, unique=True, help_text=_("The KPI tile's key"))
    target = models.FloatField(_("target"))
    amber_margin = models.FloatField(_("amber band"), default=5, help_text=_("How far from the target is still amber"))

    class Meta:
        verbose_name = _("figure target")
        verbose_name_plural = _("figure targets")

    def __str__(self) -> str:
        return f"{self.key}: {self.target:g}"
