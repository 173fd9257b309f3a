"""Sensors as NGSI-LD entities, their readings (time series), rules and the MQTT dead-letter table."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.fields import FastJSONField
from ioc.core.models import AdministrativeUnit, Department
from ioc.sensors import choices
from ioc.sensors.vocabulary import device_name


class Entity(models.Model):
    """An NGSI-LD entity (a device or anything with context). `attrs` holds its attributes in normalized form."""

    entity_id = models.CharField(_("id (URI)"), max_length=256, unique=True)
    type = models.CharField(_("type"), max_length=256, db_index=True)
    extra_types = FastJSONField(default=list, blank=True)  # NGSI-LD lets an entity have several types
    # Indexed, so a type query reads the few entities with more types besides the type index (a JSON test would
    # scan the table).
    multi_typed = models.BooleanField(default=False, db_index=True)
    # A location that is not a point (a polygon, a line) has no lat/lon; geo-queries read these few besides the
    # lat/lon index.
    has_shape = models.BooleanField(default=False, db_index=True)
    scopes = FastJSONField(default=list, blank=True)  # NGSI-LD scopes, such as /LaiChau/DoanKet
    attrs = FastJSONField(default=dict)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("unit")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("owner department")
    )
    expected_interval_s = models.PositiveIntegerField(_("expected reporting interval (s)"), null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stale_alerted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["type", "lat", "lon"])]

    def __str__(self) -> str:
        return self.entity_id

    @property
    def types(self) -> list[str]:
        return [self.type, *(self.extra_types or [])]

    @property
    def label(self) -> str:
        """The name officers read (see vocabulary.device_name)."""
        return device_name(self)


class Reading(models.Model):
    """One numeric observation of one attribute. Unique per time, so a redelivered message is stored once."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="readings", db_index=False)
    attr = models.CharField(max_length=64)
    observed_at = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "attr", "observed_at"], name="reading_once")]


class Rule(models.Model):
    """A condition with hysteresis on one attribute, for an entity type or one entity: a level (`threshold`) or a
    change over a window (`rate`, e.g. water rising 0.5 m in 10 minutes); optionally only while another rule is
    triggered on a device within `radius_m` (heavy rain nearby AND a saturated slope → landslide risk)."""

    Kind = choices.RuleKind

    Direction = choices.RuleDirection

    name = models.CharField(_("name"), max_length=200)
    entity_type = models.CharField(_("entity type"), max_length=100, blank=True)
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE)
    attr = models.CharField(_("attribute"), max_length=64)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.ABOVE)
    threshold = models.FloatField(_("raise at"))
    clear_at = models.FloatField(_("clear at"), help_text=_("hysteresis: the alert clears only past this value"))
    severity = models.CharField(max_length=10, default="warning")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.THRESHOLD)
    window_minutes = models.PositiveIntegerField(default=10, help_text=_("for a change over a window"))
    requires = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("only while this rule is triggered nearby"),
    )
    radius_m = models.PositiveIntegerField(default=2000)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("threshold rule")
        verbose_name_plural = _("threshold rules")

    def __str__(self) -> str:
        return self.name


class RuleState(models.Model):
    """Whether a rule is currently triggered for an entity (so hysteresis holds between readings)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE)
    triggered = models.BooleanField(default=False)
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "entity"], name="rule_state_once")]


class Rollup(models.Model):
    """Count, sum, min and max of an attribute per minute, hour or day (kept longer than raw readings)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, db_index=False)
    attr = models.CharField(max_length=64)
    period = models.CharField(max_length=2)  # "1m", "1h", "1d"
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "attr", "period", "bucket"], name="rollup_once")]


class RetentionPolicy(models.Model):
    """How long raw readings and rollups are kept, per entity type ('' = default)."""

    entity_type = models.CharField(max_length=100, unique=True, blank=True)
    raw_days = models.PositiveIntegerField(default=30)
    rollup_days = models.PositiveIntegerField(default=730)

    def __str__(self) -> str:
        return self.entity_type or "default"


class Subscription(models.Model):
    """An NGSI-LD subscription: which entity changes to notify, and where (an HTTP endpoint)."""

    sub_id = models.CharField(max_length=256, unique=True)
    description = models.CharField(max_length=500, blank=True)
    entities = models.JSONField(default=list, blank=True)  # [{"type", "id"?, "idPattern"?}]
    watched_attributes = models.JSONField(default=list, blank=True)
    q = models.CharField(max_length=1000, blank=True)
    geo_q = models.JSONField(null=True, blank=True)
    attributes = models.JSONField(default=list, blank=True)  # what a notification carries ([] = all)
    format = models.CharField(max_length=20, default="normalized")
    endpoint = models.URLField(max_length=500)
    accept = models.CharField(max_length=40, default="application/json")
    throttling = models.PositiveIntegerField(default=0)  # seconds between two notifications
    expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    times_sent = models.PositiveIntegerField(default=0)
    last_notification = models.DateTimeField(null=True, blank=True)
    last_success = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)
    last_failure_reason = models.CharField(max_length=300, blank=True)
    # The @context it was created with, and the members kept as given: notificationTrigger, jsonldContext,
    # datasetId, lang, sysAttrs, showChanges.
    extras = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return self.sub_id


class AttributeInstance(models.Model):
    """One instance of an attribute in an entity's temporal representation, written through the NGSI-LD temporal
    API (any attribute type). Devices' numeric telemetry stays in `Reading`; the temporal API shows both."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="instances")
    attr = models.CharField(max_length=256)
    instance_id = models.CharField(max_length=80, unique=True)
    dataset_id = models.CharField(max_length=256, blank=True)
    observed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # Set on the instance that records an attribute's deletion (its value "urn:ngsi-ld:null"): read with
    # timeproperty=deletedAt, left out of every other reading of the history.
    deleted_at = models.DateTimeField(null=True, blank=True)
    data = FastJSONField()  # the instance in normalized form (type, value/object/…, sub-attributes)

    class Meta:
        indexes = [models.Index(fields=["entity", "attr", "observed_at"])]
