"""An administrator uploads an ONNX detector in the admin: it is checked and tried on a camera's latest frame before
it is kept, a file that fails leaves nothing behind, and a camera given it analyses with it."""

import threading
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from ioc.cameras import services
from ioc.cameras.analysis.onnx import OnnxDetector
from ioc.cameras.models import Camera, DetectorModel
from ioc.cameras.workers import CameraRunner
from tests.cameras.test_onnx import BOXES, constant_model, rows

ADD = "/admin/cameras/detectormodel/add/"


def a_camera():
    return Camera.objects.create(name="Ngã tư Trần Phú", stream_url="rtsp://10.0.0.9/live", lat=22.4, lon=103.45)


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/octet-stream")


def stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "detectors"
    return list(folder.rglob("*")) if folder.exists() else []


def test_a_model_is_tried_on_the_cameras_frame_then_used(units, users, client_for, tmp_path, settings):
    camera = a_camera()
    services.save_live_frame(camera, np.zeros((128, 128, 3), dtype=np.uint8))
    model = constant_model(tmp_path / "yolo11n.onnx", rows(*BOXES).T[None])
    admin = client_for(users["admin"])
    response = admin.post(ADD, {"name": "YOLO11n", "file": upload(model), "try_on": camera.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = DetectorModel.objects.get()
    assert (saved.output_format, saved.input_size) == ("yolov8", "64×64")
    assert "Ngã tư Trần Phú" in saved.trial and "ms" in saved.trial and saved.trial[0] == "1"
    assert saved.uploaded_by == users["admin"] and saved.size == model.stat().st_size

    Camera.objects.filter(pk=camera.pk).update(detector=saved)
    runner = CameraRunner(camera.pk, threading.Event())
    assert isinstance(runner._detector(Camera.objects.select_related("detector").get(pk=camera.pk)), OnnxDetector)


def test_files_that_cannot_be_used_are_refused_and_not_kept(units, users, client_for, tmp_path, settings):
    admin = client_for(users["admin"])
    text = tmp_path / "model.onnx"
    text.write_text("not a model")
    odd = constant_model(tmp_path / "odd.onnx", np.zeros((1, 10, 7)))
    weights = constant_model(tmp_path / "v8.onnx", rows(*BOXES).T[None])
    cases = [
        (upload(text), "Đây không phải tệp ONNX."),
        (upload(odd), "is neither YOLOv5, YOLOv8 nor RT-DETR"),
        (upload(weights, "v8.pt"), "Chỉ nhận tệp ONNX (.onnx)"),
    ]
    for file, reason in cases:
        page = admin.post(ADD, {"name": "x", "file": file}).content.decode()
        assert 'class="errorlist' in page and reason in page, page[:3000]
    settings.MAX_MODEL_BYTES = 1000
    assert "Tệp lớn hơn 0 MB." in admin.post(ADD, {"name": "big", "file": upload(weights)}).content.decode()
    assert not DetectorModel.objects.exists() and stored_files(settings) == []


def test_only_administrators_upload_models(units, users, client_for, tmp_path):
    model = constant_model(tmp_path / "v8.onnx", rows(*BOXES).T[None])
    response = client_for(users["operator"]).post(ADD, {"name": "x", "file": upload(model)})
    assert response.status_code in (302, 403) and not DetectorModel.objects.exists()
