"""Detectors behind one interface: `detect(frame) -> list[Detection]` in frame pixels.

The default needs no weights: background subtraction and blob analysis, classified by size and shape relative to
the frame (a camera's perspective is set by its `scale`: 1.0 = the sizes of a typical junction view at 640×360).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, slots=True)
class Detection:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str
    score: float = 1.0
    partial: bool = False  # touches the frame's edge: its size says little about its class

    @property
    def center(self) -> tuple[float, float]:
        return (self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2

    @property
    def area(self) -> float:
        return max(self.x2 - self.x1, 0) * max(self.y2 - self.y1, 0)


class ClassicalDetector:
    """MOG2 background subtraction on a downscaled colour frame, opened and closed, then blobs → boxes.

    Classes by the blob's area (as a share of the frame) and its height/width: people are small and tall,
    motorbikes small and upright-ish, cars wide, buses and trucks large.
    """

    def __init__(self, *, work_width: int = 320, scale: float = 1.0, history: int = 500, learn_frames: int = 10):
        self.work_width = work_width
        self.scale = scale
        self.history = history
        self.subtractor = cv2.createBackgroundSubtractorMOG2(history=history, varThreshold=25, detectShadows=False)
        self.kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self.frames = 0
        self.learn_frames = learn_frames

    def _small(self, frame: np.ndarray) -> tuple[np.ndarray, float]:
        """The frame at the working width, in colour: a red shirt on grey asphalt has the same grey level."""
        height, width = frame.shape[:2]
        factor = self.work_width / width if width > self.work_width else 1.0
        if factor != 1.0:
            frame = cv2.resize(frame, (self.work_width, round(height * factor)), interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(frame, (3, 3), 0), factor

    def detect(self, frame: np.ndarray) -> list[Detection]:
        small, factor = self._small(frame)
        self.frames += 1
        # Learn fast while the first frames build the background, then slowly: a car waiting at a red light for a
        # few seconds must stay foreground rather than fade into the road.
        learning = -1 if self.frames <= self.learn_frames else 1.0 / self.history
        mask = self.subtractor.apply(small, learningRate=learning)
        if self.frames <= self.learn_frames:
            return []
        # Close first so an object's parts that match the road (a windscreen, a helmet) join up, then open to drop
        # the sensor noise.
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, self.kernel, iterations=2)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, self.kernel)
        count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
        frame_area = small.shape[0] * small.shape[1]
        found = []
        for x, y, w, h, pixels in stats[1:count]:
            share = w * h / frame_area / (self.scale * self.scale)
            if share < 0.0008 or share > 0.4 or pixels < 0.25 * w * h:
                continue  # noise, a sparse speckle box, or a lighting change over the whole view
            cls = classify(share, h / max(w, 1))
            partial = x <= 1 or y <= 1 or x + w >= small.shape[1] - 1 or y + h >= small.shape[0] - 1
            found.append(Detection(x / factor, y / factor, (x + w) / factor, (y + h) / factor, cls, 0.5, partial))
        return found


def classify(share: float, tallness: float) -> str:
    """A blob's class from its share of the frame area and its height/width."""
    if share >= 0.025:
        return "bus" if tallness < 0.42 else "truck"
    if tallness >= 1.8 and share < 0.004:
        return "person"
    if tallness >= 1.0 and share < 0.006:
        return "motorbike"
    return "car"


def nms(detections: list[Detection], iou: float = 0.5) -> list[Detection]:
    """Non-maximum suppression per class (OpenCV's), keeping the higher score."""
    kept = []
    for cls in {d.cls for d in detections}:
        group = [d for d in detections if d.cls == cls]
        boxes = [[d.x1, d.y1, d.x2 - d.x1, d.y2 - d.y1] for d in group]
        for index in np.array(cv2.dnn.NMSBoxes(boxes, [d.score for d in group], 0.0, iou)).flatten():
            kept.append(group[int(index)])
    return kept
