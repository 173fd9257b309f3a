"""Cameras, their counting lines and zones, and the counts they produce (1- and 15-minute bins)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.cameras import choices
from ioc.core.crypto import SealedTextField
from ioc.core.files import UnguessableName
from ioc.core.models import AdministrativeUnit, Department


class DetectorModel(models.Model):
    """An ONNX detector an administrator uploaded (YOLOv5/v8/11 or RT-DETR export), checked and tried on a frame
    before any camera may use it."""

    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("ONNX file"), upload_to=UnguessableName("detectors"))
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    output_format = models.CharField(_("output format"), max_length=20, blank=True)
    input_size = models.CharField(_("input size"), max_length=20, blank=True)
    trial = models.CharField(_("trial on a frame"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("detector model (ONNX)")
        verbose_name_plural = _("detector models (ONNX)")

    def __str__(self) -> str:
        return f"{self.name} ({self.output_format}, {self.input_size})"


class Camera(models.Model):
    Status = choices.CameraStatus

    name = models.CharField(_("name"), max_length=200)
    # The stream address without credentials; they are kept apart and never shown back.
    stream_url = models.CharField(_("stream URL (RTSP, HTTP or file)"), max_length=500)
    username = models.CharField(_("stream user"), max_length=100, blank=True)
    password = SealedTextField(_("stream password"), blank=True)  # encrypted at rest (core.crypto)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    heading = models.PositiveSmallIntegerField(_("view direction (degrees from north)"), default=0)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("owner")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFLINE)
    detector = models.ForeignKey(
        DetectorModel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("detector model (empty: the default detector)"),
    )
    model_path = models.CharField(
        _("ONNX model file on the server (instead of an uploaded one)"), max_length=500, blank=True
    )
    analysed_fps = models.FloatField(_("frames analysed per second"), default=5.0)
    snapshot_days = models.PositiveSmallIntegerField(_("keep snapshots (days)"), default=7)
    last_frame_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Bumped when lines or zones change, so a running worker picks them up.
    config_version = models.PositiveIntegerField(default=0)
    # What the analysis says of the picture lately: conditions (night, rain, dense, too_dark) and how far its
    # counts can be trusted (0–1), so a scene beyond the default detector is said, not reported as low counts.
    scene_conditions = models.JSONField(_("scene conditions"), default=list, blank=True)
    confidence = models.FloatField(_("confidence of the counts"), null=True, blank=True)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")

    def __str__(self) -> str:
        return self.name

    @property
    def scene_labels(self) -> list[str]:
        return [
            str(choices.SceneCondition(c).label) for c in self.scene_conditions if c in choices.SceneCondition.values
        ]

    @property
    def confidence_pct(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)


class CountLine(models.Model):
    """A counting line in fractions of the frame (0–1); "in" is crossing to the right of (x1,y1)→(x2,y2)."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=100)
    x1 = models.FloatField()
    y1 = models.FloatField()
    x2 = models.FloatField()
    y2 = models.FloatField()

    def __str__(self) -> str:
        return f"{self.camera} · {self.name}"


class Zone(models.Model):
    """A polygon in fractions of the frame; a crowd is `crowd_threshold` people at once for `crowd_seconds`."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=100)
    points = models.JSONField()  # [[x, y], ...]
    crowd_threshold = models.PositiveIntegerField(default=0)
    crowd_seconds = models.PositiveIntegerField(default=30)

    def __str__(self) -> str:
        return f"{self.camera} · {self.name}"


class CountBin(models.Model):
    """How many of a class crossed a line in one direction during a bin of 1 or 15 minutes."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, db_index=False)
    line = models.ForeignKey(CountLine, on_delete=models.CASCADE)
    cls = models.CharField(max_length=20)
    direction = models.CharField(max_length=3)
    minutes = models.PositiveSmallIntegerField()  # 1 or 15
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    # Of `count`, riders cut out of a merged group of several (an estimate, not an object followed alone).
    estimated = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "line", "cls", "direction", "minutes", "start"], name="count_bin_once"
            )
        ]
        indexes = [models.Index(fields=["camera", "minutes", "start"])]


class Snapshot(models.Model):
    """A frame kept as evidence for an alert; deleted after the camera's `snapshot_days`."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(db_index=True)
    image = models.ImageField(upload_to=UnguessableName("cameras"))
    reason = models.CharField(max_length=200)
