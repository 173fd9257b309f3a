"""Detectors behind one interface: `detect(frame) -> list[Detection]` in frame pixels.

The default needs no weights: background subtraction and blob analysis, classified by size and shape relative to
the frame (a camera's perspective is set by its `scale`: 1.0 = the sizes of a typical junction view at 640×360).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ioc.cameras.analysis.split import SizeModel, blob_grey, split_points

NIGHT_ROAD = 60  # the road's median grey level below which the scene is a night scene
LIGHT_ABOVE_ROAD = 70  # grey levels above the road: a lamp or the road it lights, not a body
GLOW_ABOVE_ROAD = 15  # ... and, next to such light, its glow
LIT_BODY_BELOW = 12  # grey levels below that level: a body in the light
RAIN_TRANSIENT = 0.01  # share of the view that is foreground for one frame only, above which it is raining
RAIN_STOPPED = 0.0008  # ... and below which it stopped


@dataclass(frozen=True, slots=True)
class Detection:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str
    score: float = 1.0
    partial: bool = False  # touches the frame's edge: its size says little about its class
    # "blob": one moving blob; "split": one of several riders a merged blob was cut into along their outlines;
    # "flow": one of the riders a wall of them too dense to cut stands for (its width over one rider's)
    method: str = "blob"

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
        self.subtractor = self._subtractor()
        self.kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self.frames = 0
        self.learn_frames = learn_frames
        self.sizes: SizeModel | None = None  # one motorbike's expected size per image region (dense traffic)
        self.near = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
        self.around = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
        self._previous: np.ndarray | None = None
        self.road = 0.0
        self.transient = 0.0
        self.raining = False
        self.busy = 0.0

    def _measure_rain(self, mask: np.ndarray, held: np.ndarray) -> None:
        # What did not hold and lies away from anything that did, as a share of the view: rain and snow on the lens
        # make it high for minutes on end (the leading edge of a fast bus does not hold either, but touches the bus).
        stray = cv2.bitwise_and(mask, cv2.bitwise_not(cv2.dilate(held, self.around)))
        transient = cv2.countNonZero(stray) / mask.size
        self.transient = 0.5 * self.transient + 0.5 * transient
        # Once raining, it stays so until the streaks are nearly gone (the median filter itself lowers the share).
        raining = self.transient > (RAIN_STOPPED if self.raining else RAIN_TRANSIENT)
        if raining != self.raining:
            # The picture is filtered differently from now on: learn the background again (a few frames).
            self.raining = raining
            self.subtractor = self._subtractor()
            self.frames = 0

    def _without_lights(self, mask: np.ndarray, grey: np.ndarray) -> np.ndarray:
        """Night: headlights and the road they light are far brighter than the road; they move with the vehicles
        but are not vehicles. Takes them out of `mask` (in place) and returns the picture riders' outlines are read
        from: only what is darker than the road, as the street lights alone would show it."""
        light = (grey > self.road + LIGHT_ABOVE_ROAD).astype(np.uint8)
        if not light.any():
            return np.minimum(grey, np.uint8(self.road))
        # A rider caught in the beam of the vehicle behind is lit too, but darker than the lit road around it (the
        # light adds to both). Each patch of light's own level is the lit road's: the brighter quarter of it (the
        # riders it falls on are the darker part). Those pixels stay foreground.
        count, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
        level = np.full(count, 255, np.int16)
        for patch in range(1, count):
            x, y, w, h, pixels = stats[patch]
            if w < 5 or h < 5:
                continue  # a lamp: too small to hold a rider once its rim is taken off
            values = grey[y : y + h, x : x + w][labels[y : y + h, x : x + w] == patch]
            level[patch] = np.partition(values, (3 * pixels) // 4)[(3 * pixels) // 4]
        lit = level[labels]
        lit_body = (lit - grey > LIT_BODY_BELOW) & (cv2.erode(light, self.kernel, iterations=2) > 0)
        # The glow at the light's edges is fainter but still brighter than the road: left in, it joins a beam to
        # the riders ahead and makes them taller than riders.
        glow = cv2.dilate(light, self.kernel, iterations=2) & (grey > self.road + GLOW_ABOVE_ROAD)
        mask[((light | glow) > 0) & ~lit_body] = 0
        # Take the light away from the riders it falls on (lit level minus the road's), so they keep their outlines;
        # the rest of the light is road (a lamp's rim would draw an outline of its own).
        road = int(self.road)
        unlit = np.where(lit_body, grey.astype(np.int16) - (lit - road), np.where(light > 0, road, grey))
        return np.clip(unlit, 0, road).astype(np.uint8)

    def _subtractor(self):
        return cv2.createBackgroundSubtractorMOG2(history=self.history, varThreshold=25, detectShadows=False)

    def _small(self, frame: np.ndarray) -> tuple[np.ndarray, float]:
        """The frame at the working width, in colour: a red shirt on grey asphalt has the same grey level."""
        height, width = frame.shape[:2]
        factor = self.work_width / width if width > self.work_width else 1.0
        if factor != 1.0:
            frame = cv2.resize(frame, (self.work_width, round(height * factor)), interpolation=cv2.INTER_AREA)
        if self.raining:  # a median removes the thin streaks of rain a Gaussian only spreads
            return cv2.medianBlur(frame, 3), factor
        return cv2.GaussianBlur(frame, (3, 3), 0), factor

    def detect(self, frame: np.ndarray) -> list[Detection]:
        small, factor = self._small(frame)
        self.frames += 1
        # Learn fast while the first frames build the background, then slowly: a car waiting at a red light for a
        # few seconds must stay foreground rather than fade into the road.
        learning = -1 if self.frames <= self.learn_frames else 1.0 / self.history
        mask = self.subtractor.apply(small, learningRate=learning)
        grey = blob_grey(small)
        if self.frames % 8 == 1 or self.frames <= self.learn_frames:  # the road fills most of the view: its brightness
            self.road = float(np.median(grey[::4, ::4]))
        if self.frames <= self.learn_frames:
            self._previous = mask
            return []
        if self.road < NIGHT_ROAD:
            grey = self._without_lights(mask, grey)
        # Foreground must hold for two frames running (near where it was): rain streaks and splashes last one frame,
        # a moving vehicle overlaps itself from one frame to the next.
        held = cv2.bitwise_and(mask, cv2.dilate(self._previous, self.near))
        self._previous = mask
        if self.frames % 4 == 0:  # rain changes over minutes: every fourth frame is enough to tell
            self._measure_rain(mask, held)
        mask = held
        # Close first so an object's parts that match the road (a windscreen, a helmet) join up, then open to drop
        # the sensor noise.
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, self.kernel, iterations=2)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, self.kernel)
        self.busy = 0.9 * self.busy + 0.1 * cv2.countNonZero(mask) / mask.size  # how much of the view moves
        count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
        frame_area = small.shape[0] * small.shape[1]
        if self.sizes is None:
            self.sizes = SizeModel(small.shape[1], small.shape[0], self.scale)
        found = []
        for x, y, w, h, pixels in stats[1:count]:
            share = w * h / frame_area / (self.scale * self.scale)
            if share < 0.0008 or share > 0.4 or pixels < 0.25 * w * h:
                continue  # noise, a sparse speckle box, or a lighting change over the whole view
            cls = classify(share, h / max(w, 1))
            partial = x <= 1 or y <= 1 or x + w >= small.shape[1] - 1 or y + h >= small.shape[0] - 1
            cx, cy = x + w / 2, y + h / 2
            single_w, single_h = self.sizes.expected(cx, cy)
            if cls == "motorbike" and not partial:
                self.sizes.learn(cx, cy, w, h)
            # Two to four riders wide (more is a bus or a truck, even while it enters the view with a rider's height).
            abreast = 1.6 * single_w <= w <= 4.5 * single_w
            if cls in ("car", "motorbike") and abreast and _rider_height(h, single_h, partial):
                cuts = split_points(grey, x, y, w, h, single_w)
                if cuts:
                    for a, b in zip([0, *cuts], [*cuts, w], strict=True):
                        box = ((x + a) / factor, y / factor, (x + b) / factor, (y + h) / factor)
                        found.append(Detection(*box, "motorbike", 0.4, partial, "split"))
                    continue
            elif (
                w > 4.5 * single_w
                and h < 0.33 * w
                and _inner(y, h, single_h, small)
                and _rider_height(h, single_h, False)
            ):
                # A wall of riders (five or more abreast, touching): no outline to cut along. Count it as a loop
                # detector would, from the width it covers: so many riders side by side, marked as flow. (Flatter than
                # any bus or truck, which are also taller than a rider.)
                riders = round(w / single_w)
                for k in range(riders):
                    box = (
                        (x + k * w / riders) / factor,
                        y / factor,
                        (x + (k + 1) * w / riders) / factor,
                        (y + h) / factor,
                    )
                    found.append(Detection(*box, "motorbike", 0.3, partial, "flow"))
                continue
            found.append(Detection(x / factor, y / factor, (x + w) / factor, (y + h) / factor, cls, 0.5, partial))
        return found


def _inner(y: int, h: int, single_h: float, small: np.ndarray) -> bool:
    """Clear of the top and bottom of the view by a rider's height: not a bus or truck still entering or leaving."""
    return y > single_h and y + h < small.shape[0] - single_h


def _rider_height(h: float, single_h: float, partial: bool) -> bool:
    """A blob as tall as one rider there (a group entering at the frame's edge shows only part of its height)."""
    return (0.4 if partial else 0.7) * single_h <= h <= 1.35 * single_h


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
