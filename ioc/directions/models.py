"""Directions (chỉ đạo): a leader's instruction to one or more units, followed to its accepted end."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.files import UnguessableName
from ioc.core.models import AdministrativeUnit, Department
from ioc.directions import choices


class Direction(models.Model):
    Status = choices.DirectionStatus
    Priority = choices.DirectionPriority
    Subject = choices.SubjectKind

    title = models.CharField(_("title"), max_length=300)
    instruction = models.TextField(_("instruction"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    due_at = models.DateTimeField(_("deadline"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # An operator may issue on a leader's behalf: who directed, as written on the direction.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True, db_index=True)
    # What it is about, if anything: its kind, its id and how to show it (kept even if the subject changes).
    subject_kind = models.CharField(max_length=20, choices=Subject.choices, blank=True)
    subject_id = models.CharField(max_length=50, blank=True)
    subject_label = models.CharField(max_length=300, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["subject_kind", "subject_id"])]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """One unit a direction goes to: a department or a ward, leading it or supporting."""

    Role = choices.TargetRole

    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="targets")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    ward = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("direction's unit")
        verbose_name_plural = _("direction's units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, ward__isnull=True)
                | models.Q(department__isnull=True, ward__isnull=False),
                name="direction_target_one_unit",
            )
        ]

    def __str__(self) -> str:
        return str(self.department or self.ward)


class Event(models.Model):
    """One line of a direction's timeline."""

    Action = choices.EventAction

    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="events")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    text = models.TextField(blank=True)
    attachment = models.FileField(upload_to=UnguessableName("directions"), null=True, blank=True)

    class Meta:
        verbose_name = _("direction event")
        verbose_name_plural = _("direction events")
        ordering = ["at", "id"]
