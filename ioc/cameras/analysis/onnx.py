"""An operator-supplied ONNX detector run by onnxruntime (CPU, or CUDA where present).

Output formats understood, told apart by shape and the number of classes:
- YOLOv8/YOLO11: [1, 4 + nc, N] — centre x, y, width, height in input pixels, then class scores;
- YOLOv5/v7:     [1, N, 5 + nc] — box, objectness, class scores;
- RT-DETR:       [1, N, 4 + nc] — box normalised to 0–1, class scores.
Class ids are COCO's unless a map is given; only the classes the IOC counts are kept. No weights ship or download.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ioc.cameras.analysis.detect import Detection, nms

COCO_TO_IOC = {0: "person", 1: "bicycle", 2: "car", 3: "motorbike", 5: "bus", 7: "truck"}
MAX_MODEL_BYTES = 500 * 1024 * 1024


class ModelError(ValueError):
    """The model file cannot be used (missing, not ONNX, or an output this detector cannot read)."""


class OnnxDetector:
    def __init__(
        self,
        path: str | Path,
        *,
        classes: dict[int, str] | None = None,
        num_classes: int = 80,
        min_score: float = 0.35,
        iou: float = 0.5,
    ):
        import onnxruntime

        path = Path(path)
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist")
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ModelError("model file is larger than 500 MB")
        providers = [
            p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in onnxruntime.get_available_providers()
        ]
        try:
            self.session = onnxruntime.InferenceSession(str(path), providers=providers)
        except Exception as exc:
            raise ModelError(f"not a usable ONNX model: {str(exc)[:200]}") from None
        model_input = self.session.get_inputs()[0]
        shape = model_input.shape
        if len(shape) != 4 or shape[1] not in (3, "3"):
            raise ModelError(f"the model's input must be 1×3×H×W, it is {shape}")
        self.input_name = model_input.name
        self.height = shape[2] if isinstance(shape[2], int) else 640
        self.width = shape[3] if isinstance(shape[3], int) else 640
        self.classes = classes or COCO_TO_IOC
        self.num_classes = num_classes
        self.min_score, self.iou = min_score, iou
        outputs = self.session.get_outputs()
        self.output_shape = outputs[0].shape
        self.format = self._format(self.output_shape)

    def _format(self, shape) -> str:
        if len(shape) != 3:
            raise ModelError(f"the model's output must be 3-dimensional, it is {shape}")
        nc = self.num_classes
        if shape[1] == 4 + nc:
            return "yolov8"
        if shape[2] == 5 + nc:
            return "yolov5"
        if shape[2] == 4 + nc:
            return "rtdetr"
        raise ModelError(f"output {shape} is neither YOLOv5, YOLOv8 nor RT-DETR for {nc} classes")

    def _letterbox(self, frame: np.ndarray) -> tuple[np.ndarray, float, float, float]:
        height, width = frame.shape[:2]
        ratio = min(self.width / width, self.height / height)
        new_w, new_h = round(width * ratio), round(height * ratio)
        pad_x, pad_y = (self.width - new_w) / 2, (self.height - new_h) / 2
        canvas = np.full((self.height, self.width, 3), 114, dtype=np.uint8)
        top, left = int(pad_y), int(pad_x)
        canvas[top : top + new_h, left : left + new_w] = cv2.resize(frame, (new_w, new_h))
        blob = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
        return blob, ratio, left, top

    def detect(self, frame: np.ndarray) -> list[Detection]:
        blob, ratio, left, top = self._letterbox(frame)
        raw = self.session.run(None, {self.input_name: blob})[0]
        return self.decode(raw, ratio, left, top, frame.shape[1], frame.shape[0])

    def decode(self, raw: np.ndarray, ratio: float, left: float, top: float, width: int, height: int):
        """Boxes in the frame's pixels, per-class NMS, only the IOC's classes."""
        if raw.ndim != 3 or raw.shape[0] != 1:
            raise ModelError(f"unexpected output shape {raw.shape}")
        rows = raw[0].T if self.format == "yolov8" else raw[0]
        boxes = rows[:, :4].astype(np.float32)
        if self.format == "yolov5":
            scores = rows[:, 5:] * rows[:, 4:5]
        else:
            scores = rows[:, 4:]
        if self.format == "rtdetr":
            boxes = boxes * np.array([self.width, self.height, self.width, self.height], dtype=np.float32)
        class_ids = scores.argmax(axis=1)
        best = scores[np.arange(len(scores)), class_ids]
        keep = best >= self.min_score
        found = []
        for (cx, cy, w, h), cls_id, score in zip(boxes[keep], class_ids[keep], best[keep], strict=True):
            name = self.classes.get(int(cls_id))
            if name is None:
                continue
            x1 = np.clip((cx - w / 2 - left) / ratio, 0, width)
            y1 = np.clip((cy - h / 2 - top) / ratio, 0, height)
            x2 = np.clip((cx + w / 2 - left) / ratio, 0, width)
            y2 = np.clip((cy + h / 2 - top) / ratio, 0, height)
            if x2 > x1 and y2 > y1:
                found.append(Detection(float(x1), float(y1), float(x2), float(y2), name, float(score)))
        return nms(found, self.iou)
