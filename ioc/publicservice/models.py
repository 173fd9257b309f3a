"""Administrative procedures (thủ tục hành chính) and the files (hồ sơ) handled under them, with the national
portal's vocabulary: status codes 1–10, channels 1–3, and the 766/QĐ-TTg indicator rules as an editable table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.models import AdministrativeUnit
from ioc.publicservice import choices
from ioc.publicservice.choices import Channel, FileStatus, Timeliness  # noqa: F401 (kept importable from models)


class Procedure(models.Model):
    OnlineLevel = choices.ProcedureOnlineLevel

    code = models.CharField(_("procedure code (MaTTHC)"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field (lĩnh vực)"), max_length=200, db_index=True)
    level = models.CharField(_("level"), max_length=50, blank=True)
    agency = models.CharField(_("responsible agency"), max_length=200, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    fee = models.BooleanField(_("fee-bearing"), default=False)
    online_level = models.CharField(
        _("online level"), max_length=20, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    online_payment = models.BooleanField(_("online payment enabled"), default=False)
    published = models.BooleanField(_("published on the portal"), default=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["field", "name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceFile(models.Model):
    """A file (hồ sơ). Dates are the portal's; derived fields are computed once on import for fast indicators."""

    code = models.CharField(_("file code (MaHoSo)"), max_length=60, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="files")
    agency = models.CharField(_("handling agency (DonViXuLy)"), max_length=200)
    # Indexed through (unit, received_date) below: every extra index slows million-row imports.
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    received_at = models.DateTimeField(_("received (NgayTiepNhan)"))
    due_at = models.DateTimeField(_("appointment (NgayHenTra)"))
    finished_at = models.DateTimeField(_("finished (NgayKetThucXuLy)"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), choices=FileStatus.choices)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices, default=Channel.IN_PERSON)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    supplement_days = models.FloatField(default=0)
    paid_online = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    satisfied = models.BooleanField(null=True, blank=True)
    due_computed = models.BooleanField(default=False, help_text="NgayHenTra was missing and was computed")
    # Derived on import (the portal's rule): dates in Vietnam, the deadline moved by the days waiting for the
    # citizen, and the verdict for finished files. Unfinished files are judged at the end of a period.
    received_date = models.DateField()  # indexed as the prefix of (received_date, agency)
    due_date = models.DateField()
    effective_due_date = models.DateField()
    finished_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, blank=True, choices=Timeliness.choices)
    handling_days = models.FloatField(null=True, blank=True)
    late_alerted = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administrative file")
        verbose_name_plural = _("administrative files")
        indexes = [
            models.Index(fields=["received_date", "agency"]),
            models.Index(fields=["unit", "received_date"]),
            models.Index(fields=["finished_date", "effective_due_date"]),
        ]

    def __str__(self) -> str:
        return self.code


class IndicatorRule(models.Model):
    """One indicator of Decision 766/QĐ-TTg: its column, points, and the rate that earns full points.

    Editable because the official per-indicator points of some groups must be verified against the Decision.
    """

    key = models.CharField(max_length=10, unique=True)
    column = models.CharField(max_length=30)
    name = models.CharField(max_length=300)
    points = models.FloatField()
    full_at = models.FloatField(default=1.0, help_text="rate (0–1) from which the full points are earned")
    enabled = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class ImportRun(models.Model):
    """One import of a CSV/XLSX file: counts and each refused row with its line number and reason."""

    kind = models.CharField(max_length=20)  # "files" or "procedures"
    filename = models.CharField(max_length=300)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    # The first KEEP_REFUSED refused rows [{"line": n, "code": ..., "reason": ...}], and how many there were.
    refused = models.JSONField(default=list)
    refused_count = models.PositiveIntegerField(default=0)
    all_or_nothing = models.BooleanField(default=False)
    applied = models.BooleanField(default=False)
    state = models.CharField(max_length=20, default="done")  # queued, running, done, failed
    path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    user = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)

    KEEP_REFUSED = 500

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at"]

    def refuse(self, line: int, code, reason) -> None:
        """Count a refused row; keep its details only for the first KEEP_REFUSED (a bad file stays small)."""
        self.refused_count += 1
        if len(self.refused) < self.KEEP_REFUSED:
            self.refused.append({"line": line, "code": str(code or "")[:100], "reason": str(reason)[:300]})
