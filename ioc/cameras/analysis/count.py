"""Line crossings and zone occupancy from tracks.

A line counts a track each time its centre passes from one side to the other by more than a margin and within
the segment: a box jittering on the line never leaves the margin band, so it is not counted again and again, while
a track that jumped back to the first side (it slipped onto the next vehicle in the lane) counts that one too.
"In" is crossing from the left of the line's direction (x1,y1 → x2,y2) to its right as seen on screen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import cv2
import numpy as np

STILL_SEEN_S = 0.1  # a track with a detection this recently is an object still in view, not a lost one


@dataclass
class LineCounter:
    x1: float
    y1: float
    x2: float
    y2: float
    margin: float = 4.0
    name: str = ""
    counts: dict = field(default_factory=lambda: {"in": Counter(), "out": Counter()})
    estimated: dict = field(default_factory=lambda: {"in": Counter(), "out": Counter()})  # of `counts`
    methods: Counter = field(default_factory=Counter)  # crossings by how the object was found (tracked/split/flow)
    repeat_s: float = 0.4
    _side: dict = field(default_factory=dict)
    _recent: list = field(default_factory=list)  # (time, position along the line, direction, track id)
    _seen: dict = field(default_factory=dict)  # track id → (when it last had a detection of its own, x, y)

    def _signed(self, x: float, y: float) -> tuple[float, float]:
        """(signed distance from the line, position along the segment 0–1)."""
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        length = max(np.hypot(dx, dy), 1e-9)
        return (dx * (y - self.y1) - dy * (x - self.x1)) / length, ((x - self.x1) * dx + (y - self.y1) * dy) / length**2

    def update(
        self,
        track_id: int,
        x: float,
        y: float,
        cls: str,
        size: float = 0.0,
        now: float = 0.0,
        estimated: bool = False,
        method: str = "tracked",
        seen: bool = True,
    ) -> str | None:
        """Feed a track's centre (and its box's larger side, and the time in seconds); returns 'in' or 'out' on
        the frame it is counted.

        The side must be clear by `margin` pixels or a fifth of the object's size, whichever is larger; a crossing
        in the same direction within `repeat_s` seconds and half an object's size along the line of an earlier
        one is the same object seen again (a lost and re-found track), not a second one — unless the earlier track
        is still seen (`seen`: it had a detection this frame) half an object away: then they are two riders, one
        behind the other."""
        if seen:
            self._seen[track_id] = (now, x, y)
        distance, along = self._signed(x, y)
        if abs(distance) <= max(self.margin, 0.2 * size):
            return None  # inside the band: no side yet
        side = 1 if distance > 0 else -1
        before = self._side.get(track_id)
        self._side[track_id] = side
        if before is None or before == side or not -0.05 <= along <= 1.05:
            return None
        direction = "in" if side > 0 else "out"
        position = along * self.length
        for when, where, earlier, other in self._recent:
            if earlier == direction and now - when <= self.repeat_s and abs(where - position) < 0.5 * max(size, 8):
                when_seen, ox, oy = self._seen.get(other, (-1.0, x, y))
                if now - when_seen > STILL_SEEN_S or np.hypot(ox - x, oy - y) < 0.5 * max(size, 8):
                    return None
        self._recent = [r for r in self._recent if now - r[0] <= self.repeat_s] + [(now, position, direction, track_id)]
        self._seen = {k: v for k, v in self._seen.items() if now - v[0] <= self.repeat_s + 1.0}
        self.counts[direction][cls] += 1
        self.estimated[direction][cls] += estimated
        self.methods[method] += 1
        return direction

    @property
    def length(self) -> float:
        return float(np.hypot(self.x2 - self.x1, self.y2 - self.y1))


@dataclass
class ZoneMonitor:
    points: list[tuple[float, float]]
    name: str = ""
    crowd_threshold: int = 0  # people at once; 0 = no crowd events
    crowd_seconds: float = 10.0
    peak: int = 0
    occupancy: Counter = field(default_factory=Counter)
    dwell: dict = field(default_factory=dict)  # track id → [first seen s, last seen s]
    crowd_events: list = field(default_factory=list)
    _crowd_since: float | None = None
    _crowd_peak: int = 0

    def __post_init__(self):
        self._polygon = np.array(self.points, dtype=np.float32).reshape(-1, 1, 2)

    def contains(self, x: float, y: float) -> bool:
        return cv2.pointPolygonTest(self._polygon, (float(x), float(y)), False) >= 0

    def update(self, tracks: list[tuple[int, float, float, str]], seconds: float) -> Counter:
        """Occupancy by class this frame; dwell per track; a crowd event once occupancy has held long enough."""
        now = Counter()
        for track_id, x, y, cls in tracks:
            if self.contains(x, y):
                now[cls] += 1
                span = self.dwell.setdefault(track_id, [seconds, seconds])
                span[1] = seconds
        self.occupancy = now
        total = sum(now.values())
        self.peak = max(self.peak, total)
        if self.crowd_threshold and total >= self.crowd_threshold:
            if self._crowd_since is None:
                self._crowd_since, self._crowd_peak = seconds, total
            self._crowd_peak = max(self._crowd_peak, total)
            if seconds - self._crowd_since >= self.crowd_seconds and (
                not self.crowd_events or self.crowd_events[-1]["end"] is not None
            ):
                self.crowd_events.append({"start": self._crowd_since, "end": None, "peak": self._crowd_peak})
            if self.crowd_events and self.crowd_events[-1]["end"] is None:
                self.crowd_events[-1]["peak"] = self._crowd_peak
        else:
            if self.crowd_events and self.crowd_events[-1]["end"] is None:
                self.crowd_events[-1]["end"] = seconds
            self._crowd_since = None
        return now

    def summary(self) -> dict:
        stays = [last - first for first, last in self.dwell.values()]
        return {
            "name": self.name,
            "peak": self.peak,
            "visitors": len(self.dwell),
            "mean_dwell_s": round(sum(stays) / len(stays), 2) if stays else 0.0,
            "max_dwell_s": round(max(stays), 2) if stays else 0.0,
            "crowd_events": self.crowd_events,
            "now": dict(self.occupancy),
        }
