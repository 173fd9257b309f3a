"""Every enumerated value of the publicservice domain, as named constants (never a bare number in a query)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureOnlineLevel(models.TextChoices):
    FULL = "toan_trinh", _("Fully online")
    PARTIAL = "mot_phan", _("Partly online")
    NONE = "khong", _("Not online")


class FileStatus(models.IntegerChoices):
    NEW = 1, _("Newly registered")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT = 5, _("Supplement requested")
    FINANCIAL = 6, _("Financial obligation requested")
    WITHDRAWN = 7, _("Withdrawn by the citizen")
    STOPPED = 8, _("Processing stopped")
    DONE = 9, _("Processed")
    RETURNED = 10, _("Result returned")


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    DUE_SOON = "due_soon", _("Due soon")
    NOT_DUE = "not_due", _("Not yet due")


# The national portal's status codes grouped as the indicators of Decision 766/QĐ-TTg read them.
OPEN_STATUSES = (
    FileStatus.NEW,
    FileStatus.RECEIVED,
    FileStatus.PROCESSING,
    FileStatus.SUPPLEMENT,
    FileStatus.FINANCIAL,
)  # still being handled: can become late
FINISHED_STATUSES = (FileStatus.DONE, FileStatus.RETURNED)
JUDGED_STATUSES = OPEN_STATUSES + FINISHED_STATUSES  # every file the timeliness indicators count
GOOD_TIMELINESS = (Timeliness.EARLY, Timeliness.ON_TIME)
DECIDED_TIMELINESS = (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE)
ONLINE_CAPABLE = (ProcedureOnlineLevel.FULL, ProcedureOnlineLevel.PARTIAL)
