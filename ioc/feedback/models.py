"""Citizen field reports (phản ánh hiện trường): categories with their questions, reports, photos, timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.files import UnguessableName
from ioc.core.models import AdministrativeUnit, Department
from ioc.feedback import choices
from ioc.feedback.choices import Status  # noqa: F401 (kept importable from models)


class Category(models.Model):
    """A kind of problem citizens report (an Open311 service), routed to a department with a deadline."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="report_categories")
    also_police = models.BooleanField(_("also to the police"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=15)
    duplicate_radius_m = models.PositiveIntegerField(_("radius for similar reports (m)"), default=100)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CategoryAttribute(models.Model):
    """One of a category's own extra questions (an Open311 service attribute)."""

    Datatype = choices.CategoryAttributeDatatype

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=50)
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    description = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    values = models.JSONField(default=list, blank=True, help_text="[{'key': ..., 'name': ...}] for list types")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="attribute_code_unique")]

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"


class Report(models.Model):
    """A citizen's report. `id` is the Open311 service_request_id; `tracking_code` is the citizen's key."""

    tracking_code = models.CharField(max_length=12, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("description"))
    attributes = models.JSONField(default=dict, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    address = models.CharField(_("address"), max_length=300, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="reports")
    police = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    public_reply = models.TextField(_("public reply"), blank=True)
    # Personal data (Decree 13/2023): never public; shown to the roles that handle the report, each read audited.
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=50, default="web")
    submitted_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rating = models.BooleanField(null=True, blank=True)  # satisfied / not satisfied
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Folded text (no diacritics, lower case) so officers' searches match with or without Vietnamese marks.
    search_text = models.TextField(blank=True, editable=False)
    overdue_alerted = models.BooleanField(default=False)
    # The reporter agreed that the city shows their photos beside the result on "what the city did".
    showcase_ok = models.BooleanField(_("photos may be shown with the result"), default=False)
    # The channels the reporter wants updates on ("email", "sms", "zalo"); empty: every channel their contact allows.
    notify_channels = models.JSONField(_("updates by"), default=list, blank=True)

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["category", "status"]),
            models.Index(fields=["unit", "-submitted_at"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["-updated_at"]),
            models.Index(fields=["-submitted_at", "-id"], name="report_newest_first"),
            models.Index(fields=["lat", "lon"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}: {self.description[:50]}"

    def save(self, *args, **kwargs):
        from ioc.core.text import fold, nfc

        self.description = nfc(self.description)
        self.address = nfc(self.address)
        self.search_text = fold(f"{self.tracking_code} {self.description} {self.address}")
        if kwargs.get("update_fields") and "description" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Photo(models.Model):
    """A re-encoded photo without metadata; the citizen's, or the officer's proof of resolution."""

    Kind = choices.PhotoKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    image = models.ImageField(upload_to=UnguessableName("reports"))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    hidden = models.BooleanField(_("redacted"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class Event(models.Model):
    """One line of a report's timeline: a transition, a public reply or an internal note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True, choices=Status.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=Status.choices)
    text = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]


class ReplyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return self.name


class Open311Key(models.Model):
    """An Open311 api_key for an app that posts reports; only its hash is kept."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class BannedSender(models.Model):
    """An abusive sender, by phone, email or address; their new reports are refused."""

    value = models.CharField(_("phone, email or IP"), max_length=200, unique=True)
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("banned sender")
        verbose_name_plural = _("banned senders")


class Open311Submission(models.Model):
    """A POST made with an Idempotency-Key: a client retrying after a lost answer gets the same report back."""

    key = models.ForeignKey(Open311Key, on_delete=models.CASCADE)
    idempotency_key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # of the request's fields and files: the same key, the same request
    report = models.ForeignKey(Report, null=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "idempotency_key"], name="one_submission_per_key")]


class SignInCode(models.Model):
    """A one-time code a citizen asked for to sign in with their phone or email (only its keyed hash is kept)."""

    contact = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
