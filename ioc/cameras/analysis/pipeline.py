"""One camera's analysis: motion gate → detector → tracker → line counters and zones, frame by frame."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import cv2
import numpy as np

from ioc.cameras.analysis.count import LineCounter, ZoneMonitor
from ioc.cameras.analysis.detect import ClassicalDetector
from ioc.cameras.analysis.scene import assess
from ioc.cameras.analysis.track import Tracker
from ioc.cameras.analysis.video import VideoError, open_video


def parse_line(text: str, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """'x1,y1,x2,y2' in pixels, or in fractions of the frame when every value is within 0–1."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(f"line {text!r}: four numbers x1,y1,x2,y2 expected") from None
    if len(values) != 4:
        raise ValueError(f"line {text!r}: four numbers x1,y1,x2,y2 expected")
    return tuple(_to_pixels(values, size, f"line {text!r}"))


def parse_zone(text: str, size: tuple[int, int]) -> list[tuple[float, float]]:
    """'x1,y1,x2,y2,x3,y3,...' (at least three points), pixels or fractions as for lines."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(f"zone {text!r}: pairs of numbers expected") from None
    if len(values) < 6 or len(values) % 2:
        raise ValueError(f"zone {text!r}: at least three x,y points expected")
    values = _to_pixels(values, size, f"zone {text!r}")
    return list(zip(values[0::2], values[1::2], strict=True))


def _to_pixels(values: list[float], size: tuple[int, int], what: str) -> list[float]:
    width, height = size
    if all(0 <= v <= 1 for v in values):
        return [v * (width if i % 2 == 0 else height) for i, v in enumerate(values)]
    for i, v in enumerate(values):
        if not 0 <= v <= (width if i % 2 == 0 else height):
            raise ValueError(f"{what} is outside the {width}×{height} frame")
    return values


@dataclass
class Analyzer:
    lines: list[LineCounter]
    zones: list[ZoneMonitor]
    fps: float
    detector: object = field(default_factory=ClassicalDetector)
    tracker: Tracker = field(default_factory=Tracker)
    motion_gate: bool = True
    frames: int = 0
    analysed: int = 0
    _last_small: np.ndarray | None = None

    def _still(self, frame: np.ndarray) -> bool:
        """True when nothing moved since the last frame and no object is being followed: detection is skipped."""
        small = cv2.resize(frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), (64, 36))
        previous, self._last_small = self._last_small, small
        if previous is None or self.tracker.tracks:
            return False
        return float(cv2.absdiff(small, previous).max()) < 12

    def process(self, frame: np.ndarray) -> list[tuple[int, str, str, str, bool]]:
        """Analyse one frame; returns the crossings it produced as (line index, track class, direction, line name,
        estimated: a rider cut out of a merged group)."""
        if frame is None or frame.size == 0:
            raise VideoError("an empty frame")
        self.frames += 1
        seconds = self.frames / self.fps
        if self.motion_gate and self.frames > 1 and self._still(frame):
            if isinstance(self.detector, ClassicalDetector):
                self.detector.frames += 1
            for zone in self.zones:
                zone.update([], seconds)
            return []
        self.analysed += 1
        tracks = self.tracker.update(self.detector.detect(frame))
        crossings = []
        for track in tracks:
            x, y = track.anchor
            size = float(max(track.box[2] - track.box[0], track.box[3] - track.box[1]))
            for index, line in enumerate(self.lines):
                direction = line.update(
                    track.id, x, y, track.cls, size, seconds, track.estimated, track.method, track.misses == 0
                )
                if direction:
                    crossings.append((index, track.cls, direction, line.name, track.estimated))
        placed = [(t.id, *t.anchor, t.cls) for t in tracks]
        for zone in self.zones:
            zone.update(placed, seconds)
        return crossings

    def scene(self) -> dict:
        """What the picture is like and how far the counts can be trusted (see ioc.cameras.analysis.scene)."""
        counted = sum(sum(line.counts[d].values()) for line in self.lines for d in ("in", "out"))
        estimated = sum(sum(line.estimated[d].values()) for line in self.lines for d in ("in", "out"))
        return assess(self.detector, estimated / counted if counted else 0.0)

    def summary(self) -> dict:
        return {
            "lines": [
                {
                    "name": line.name,
                    "in": dict(line.counts["in"]),
                    "out": dict(line.counts["out"]),
                    "estimated": {d: dict(line.estimated[d]) for d in ("in", "out")},
                    "methods": dict(line.methods),
                }
                for line in self.lines
            ],
            "scene": self.scene(),
            "zones": [zone.summary() for zone in self.zones],
            "frames": self.frames,
            "analysed_frames": self.analysed,
            "fps": round(self.fps, 3),
        }


def count_file(
    path: str,
    lines: list[str],
    zones: list[str],
    *,
    detector=None,
    crowd: int = 0,
    crowd_seconds: float = 10.0,
    max_frames: int | None = None,
) -> dict:
    """Analyse a recorded file from start to end and return the counts (what `ioc cameras count` prints)."""
    capture, fps, size = open_video(path)
    try:
        analyzer = Analyzer(
            lines=[LineCounter(*parse_line(text, size), name=f"line{i + 1}") for i, text in enumerate(lines)],
            zones=[
                ZoneMonitor(
                    parse_zone(text, size), name=f"zone{i + 1}", crowd_threshold=crowd, crowd_seconds=crowd_seconds
                )
                for i, text in enumerate(zones)
            ],
            fps=fps,
            detector=detector or ClassicalDetector(),
        )
        while max_frames is None or analyzer.frames < max_frames:
            ok, frame = capture.read()
            if not ok:
                break
            analyzer.process(frame)
    finally:
        capture.release()
    if analyzer.frames == 0:
        raise VideoError(f"{path}: no frame could be decoded")
    return analyzer.summary()


def dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
