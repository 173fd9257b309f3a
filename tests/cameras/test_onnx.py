"""The ONNX detector with tiny models built here (no weights are downloaded): loading, the three output formats,
class mapping, NMS, and refusals of models it cannot read."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from ioc.cameras.analysis.onnx import ModelError, OnnxDetector
from ioc.cameras.analysis.pipeline import count_file
from ioc.cameras.synthetic import write_video

SIDE = 64  # the model's input is 1×3×64×64


def constant_model(path, output: np.ndarray):
    """A graph whose output is `output` whatever the image (the image is read, times zero, so it is an input)."""
    const = numpy_helper.from_array(output.astype(np.float32), "prediction")
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
        helper.make_node("Add", ["prediction", "nothing"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIDE, SIDE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
        [const, numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def rows(*boxes, num_classes=80, objectness=False):
    """[cx, cy, w, h, (obj,) scores...] per box: (cx, cy, w, h, class id, score)."""
    out = []
    for cx, cy, w, h, cls, score in boxes:
        scores = np.zeros(num_classes)
        scores[cls] = score
        out.append([cx, cy, w, h, *([1.0] if objectness else []), *scores])
    return np.array(out)


BOXES = (
    (16, 16, 8, 12, 3, 0.9),  # a motorbike (COCO 3)...
    (16.5, 16, 8, 12, 3, 0.8),  # ...found twice: NMS keeps the better one
    (40, 40, 16, 10, 2, 0.7),  # a car (COCO 2)
    (50, 10, 4, 4, 9, 0.95),  # a traffic light: not something the IOC counts
    (30, 50, 6, 6, 0, 0.2),  # a person below the score threshold
)


def frame():
    return np.zeros((128, 128, 3), dtype=np.uint8)  # twice the model's side: boxes scale ×2


def check(detections):
    by_class = sorted((d.cls, round(d.x1), round(d.y1), round(d.x2), round(d.y2)) for d in detections)
    assert by_class == [("car", 64, 70, 96, 90), ("motorbike", 24, 20, 40, 44)]
    assert max(d.score for d in detections if d.cls == "motorbike") == pytest.approx(0.9)


def test_yolov8_output(tmp_path):
    model = constant_model(tmp_path / "v8.onnx", rows(*BOXES).T[None])  # [1, 84, N]
    detector = OnnxDetector(model)
    assert detector.format == "yolov8"
    check(detector.detect(frame()))


def test_yolov5_output(tmp_path):
    model = constant_model(tmp_path / "v5.onnx", rows(*BOXES, objectness=True)[None])  # [1, N, 85]
    detector = OnnxDetector(model)
    assert detector.format == "yolov5"
    check(detector.detect(frame()))


def test_rtdetr_output(tmp_path):
    normalised = [(cx / SIDE, cy / SIDE, w / SIDE, h / SIDE, c, s) for cx, cy, w, h, c, s in BOXES]
    model = constant_model(tmp_path / "detr.onnx", rows(*normalised)[None])  # [1, N, 84], boxes 0–1
    detector = OnnxDetector(model)
    assert detector.format == "rtdetr"
    check(detector.detect(frame()))


def test_letterbox_of_a_wide_frame(tmp_path):
    model = constant_model(tmp_path / "v8.onnx", rows((32, 32, 16, 8, 7, 0.8)).T[None])  # a truck in the centre
    wide = np.zeros((180, 640, 3), dtype=np.uint8)  # ratio 0.1, padded above and below
    (truck,) = OnnxDetector(model).detect(wide)
    assert truck.cls == "truck" and round(truck.x1) == 240 and round(truck.x2) == 400
    assert round(truck.y1) == 50 and round(truck.y2) == 130


def test_models_it_cannot_read_are_refused(tmp_path):
    with pytest.raises(ModelError, match="neither YOLOv5, YOLOv8 nor RT-DETR"):
        OnnxDetector(constant_model(tmp_path / "odd.onnx", np.zeros((1, 10, 7))))
    with pytest.raises(ModelError, match="3-dimensional"):
        OnnxDetector(constant_model(tmp_path / "flat.onnx", np.zeros((84, 5))))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="not a usable ONNX model"):
        OnnxDetector(junk)
    with pytest.raises(ModelError, match="does not exist"):
        OnnxDetector(tmp_path / "missing.onnx")


def test_the_pipeline_runs_on_the_onnx_detector(tmp_path):
    model = constant_model(tmp_path / "v8.onnx", rows((16, 16, 8, 12, 3, 0.9)).T[None])
    clip = write_video(tmp_path / "still.mp4", 128, 128, [], 30)
    result = count_file(str(clip), ["0,64,128,64"], ["0,0,64,0,64,64,0,64"], detector=OnnxDetector(model))
    assert result["lines"][0] == {
        "name": "line1",
        "in": {},
        "out": {},
        "estimated": {"in": {}, "out": {}},
        "methods": {},
    }  # it never moves
    assert result["zones"][0]["peak"] == 1 and result["zones"][0]["visitors"] == 1
