"""Uploaded ONNX detectors: checked and tried on a real frame before a camera may use them.

The trial runs the model on the chosen camera's latest analysed frame (or, with none, a generated junction frame)
and says what it found and how long it took, so an administrator sees at once whether the model reads this
camera's picture — before the worker swaps it in.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import cv2
from django.conf import settings
from django.utils.translation import gettext as _

from ioc.cameras.analysis.onnx import ModelError, OnnxDetector
from ioc.cameras.choices import class_label
from ioc.cameras.models import Camera
from ioc.cameras.services import live_frame_path

MAGIC = b"\x08"  # an ONNX file is a protobuf ModelProto: field 1 (ir_version), varint


def trial_frame(camera: Camera | None):
    if camera is not None and live_frame_path(camera.pk).exists():
        frame = cv2.imread(str(live_frame_path(camera.pk)))
        if frame is not None:
            return frame, camera.name
    from ioc.cameras.scenes import H, W, dense_junction
    from ioc.cameras.synthetic import frames

    *_, frame = frames(W, H, dense_junction(seed=1, groups=4), 60)
    return frame, _("a generated junction frame")


def check_upload(upload, camera: Camera | None = None) -> dict:
    """Check an uploaded file (size, type, output format) and try it on a frame; raises ModelError saying why it
    cannot be used. Returns the facts kept with the model."""
    if upload.size > settings.MAX_MODEL_BYTES:
        raise ModelError(_("The file is larger than %(n)s MB.") % {"n": settings.MAX_MODEL_BYTES // (1024 * 1024)})
    if not upload.name.lower().endswith(".onnx"):
        raise ModelError(_("Only ONNX files (.onnx) are accepted: export the model with its tool's ONNX export."))
    head = upload.read(1)
    upload.seek(0)
    if head != MAGIC:
        raise ModelError(_("This is not an ONNX file."))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        detector = OnnxDetector(path)
        frame, source = trial_frame(camera)
        started = time.perf_counter()
        try:
            found = detector.detect(frame)
        except Exception as exc:
            raise ModelError(_("The model failed on %(s)s: %(e)s") % {"s": source, "e": str(exc)[:200]}) from None
        milliseconds = (time.perf_counter() - started) * 1000
    tally = Counter(d.cls for d in found)
    what = ", ".join(f"{n} {class_label(c).lower()}" for c, n in tally.most_common()) or _("nothing")
    return {
        "size": upload.size,
        "output_format": detector.format,
        "input_size": f"{detector.width}×{detector.height}",
        "trial": (
            _("%(what)s on %(source)s in %(ms)s ms") % {"what": what, "source": source, "ms": round(milliseconds)}
        )[:300],
    }
