"""A small SORT-style multi-object tracker: constant-velocity prediction, IoU/centre-distance cost, Hungarian
assignment (scipy). A track that loses its detection coasts on its velocity for `max_age` frames and is picked up
again by a later detection near where it should be, so an object hidden for a moment keeps its id (and is not
counted twice)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ioc.cameras.analysis.detect import Detection


@dataclass
class Track:
    id: int
    box: np.ndarray  # x1, y1, x2, y2
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    hits: int = 1
    misses: int = 0
    votes: Counter = field(default_factory=Counter)
    previous: tuple[float, float] | None = None  # the anchor one frame ago
    area: float = 0.0  # smoothed box area, to notice when the object is partly hidden
    methods: Counter = field(default_factory=Counter)  # how its detections were made (blob, split, flow)

    @property
    def estimated(self) -> bool:
        """Mostly seen as a piece of a merged group (split or flow): its count is an estimate."""
        return 2 * (sum(self.methods.values()) - self.methods["blob"]) > self.hits

    @property
    def method(self) -> str:
        """How it was mostly found: "tracked" (one blob), "split" (cut out of a group) or "flow" (a wall of riders)."""
        found = self.methods.most_common(1)[0][0] if self.methods else "blob"
        return "tracked" if found == "blob" else found

    @property
    def anchor(self) -> tuple[float, float]:
        return float(self.box[0] + self.box[2]) / 2, float(self.box[1] + self.box[3]) / 2

    @property
    def cls(self) -> str:
        return self.votes.most_common(1)[0][0] if self.votes else "car"


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _inside(inner: np.ndarray, outer: np.ndarray) -> float:
    """The share of `inner`'s area that lies within `outer`."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max((inner[2] - inner[0]) * (inner[3] - inner[1]), 1e-9)


class Tracker:
    def __init__(self, *, max_age: int = 25, min_hits: int = 3):
        self.max_age, self.min_hits = max_age, min_hits
        self.tracks: list[Track] = []
        self.next_id = 1

    def update(self, detections: list[Detection]) -> list[Track]:
        """Advance one frame; returns the confirmed tracks (seen at least `min_hits` times), coasting ones included."""
        for track in self.tracks:
            track.previous = track.anchor
            if track.misses > 10:
                track.velocity = track.velocity * 0.95  # a long-lost object may have stopped
            track.box = track.box + np.tile(track.velocity, 2)
        boxes = [np.array([d.x1, d.y1, d.x2, d.y2], dtype=float) for d in detections]
        matched_tracks, matched_dets = set(), set()
        # A blob covering two or more followed objects is them merged (passing side by side, one in front of the
        # other): each keeps moving on its own prediction until they part, rather than one taking the blob's centre.
        for j, box in enumerate(boxes):
            covered = [i for i, t in enumerate(self.tracks) if t.hits >= self.min_hits and _inside(t.box, box) > 0.5]
            if len(covered) >= 2:
                matched_dets.add(j)
                for i in covered:
                    self.tracks[i].misses = 0
                    matched_tracks.add(i)
        if self.tracks and boxes:
            cost = np.full((len(self.tracks), len(boxes)), 9.0)
            for i, track in enumerate(self.tracks):
                size = max(track.box[2] - track.box[0], track.box[3] - track.box[1], 1.0)
                reach = size * min(0.75 + 0.1 * track.misses, 1.5)  # a coasting track may have drifted a little
                tx, ty = track.anchor
                for j, box in enumerate(boxes):
                    overlap = _iou(track.box, box)
                    distance = np.hypot((box[0] + box[2]) / 2 - tx, (box[1] + box[3]) / 2 - ty)
                    if overlap > 0.05:
                        cost[i, j] = 1.0 - overlap
                    elif distance < reach:
                        cost[i, j] = 1.0 + distance / reach
            for i in matched_tracks:
                cost[i, :] = 9.0
            for j in matched_dets:
                cost[:, j] = 9.0
            rows, cols = linear_sum_assignment(cost)
            for i, j in zip(rows, cols, strict=True):
                if cost[i, j] >= 2.0:
                    continue
                track, box = self.tracks[i], boxes[j]
                area = (box[2] - box[0]) * (box[3] - box[1])
                track.hits += 1
                shrunk = area < 0.6 * track.area and _inside(box, track.box) > 0.8
                if track.hits > 3 and shrunk and detections[j].method == "blob":
                    # Much smaller than it was and within where it should be: partly hidden (a sign, another
                    # vehicle). The visible part's centre moves slower than the object, so keep the prediction; the
                    # size adapts slowly, in case the object really is smaller (two that had merged, parting).
                    track.area = 0.85 * track.area + 0.15 * area
                    track.misses = 0
                    matched_tracks.add(i)
                    matched_dets.add(j)
                    continue
                old = np.array(track.previous)
                new = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
                step = (new - old) / (track.misses + 1)
                limit = 0.5 * max(box[2] - box[0], box[3] - box[1])  # a real object doesn't jump half its size
                step = np.clip(step, -limit, limit)
                track.velocity = step if track.hits == 2 else 0.7 * track.velocity + 0.3 * step
                track.area = area if track.hits == 2 else 0.8 * track.area + 0.2 * area
                track.box, track.misses = box, 0
                track.methods[detections[j].method] += 1
                if not detections[j].partial:
                    track.votes[detections[j].cls] += 1
                matched_tracks.add(i)
                matched_dets.add(j)
        for i, track in enumerate(self.tracks):
            if i not in matched_tracks:
                track.misses += 1
        self.tracks = [t for t in self.tracks if t.misses <= self.max_age]
        followed = [t.box for t in self.tracks if t.misses == 0]
        for j, box in enumerate(boxes):
            if j not in matched_dets:
                if detections[j].method == "blob" and any(_inside(box, other) > 0.6 for other in followed):
                    continue  # a fragment of an object already followed (part of it matched the road)
                votes = Counter() if detections[j].partial else Counter({detections[j].cls: 1})
                area = float((box[2] - box[0]) * (box[3] - box[1]))
                methods = Counter({detections[j].method: 1})
                track = Track(self.next_id, box, votes=votes, area=area, methods=methods)
                self.next_id += 1
                self.tracks.append(track)
        return [t for t in self.tracks if t.hits >= self.min_hits]
