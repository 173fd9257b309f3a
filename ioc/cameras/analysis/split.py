"""Splitting merged blobs in dense motorbike traffic.

Riders two and three abreast touch: background subtraction gives one blob for all of them, and one blob counts
once. A blob is split when
- its height is a motorbike's at that place in the frame and its width several motorbikes' (the expected size per
  image region is learnt from the camera's own isolated motorbikes, starting from the perspective prior), and
- the picture inside shows it: strong vertical edges where the riders meet (helmets and shoulders part even when
  the bikes touch; a car's roof is one smooth surface), looked for near each expected boundary.
The pieces are motorbikes found by splitting (`Detection.method == "split"`, a lower score), so the counts can say
which method produced them.
"""

from __future__ import annotations

from collections import deque

import cv2
import numpy as np

# A motorbike at a typical junction view, as a share of the frame's width and height (scale 1.0): 22×32 at 640×360.
PRIOR_WIDTH, PRIOR_HEIGHT = 0.034, 0.089
GRID = (4, 3)  # image regions (columns, rows) each with its own expected size: the perspective


class SizeModel:
    """The expected size of one motorbike per image region: the median of isolated ones seen there lately (kept
    between updates: medians on every blob of every frame were an eighth of the analysis time)."""

    def __init__(self, width: int, height: int, scale: float = 1.0, keep: int = 60):
        self.width, self.height = width, height
        self.prior = (PRIOR_WIDTH * width * scale, PRIOR_HEIGHT * height * scale)
        self.seen = {(col, row): deque(maxlen=keep) for col in range(GRID[0]) for row in range(GRID[1])}
        self._expected: dict[tuple[int, int], tuple[float, float]] = {}
        self._learnt = 0

    def _cell(self, cx: float, cy: float) -> tuple[int, int]:
        col = min(max(int(cx / self.width * GRID[0]), 0), GRID[0] - 1)
        row = min(max(int(cy / self.height * GRID[1]), 0), GRID[1] - 1)
        return col, row

    def learn(self, cx: float, cy: float, w: float, h: float) -> None:
        cell = self._cell(cx, cy)
        self.seen[cell].append((w, h))
        self._learnt += 1
        if len(self.seen[cell]) < 20 or self._learnt % 10 == 0:
            self._expected.pop(cell, None)  # worked out again when next asked

    def expected(self, cx: float, cy: float) -> tuple[float, float]:
        cell = self._cell(cx, cy)
        if cell not in self._expected:
            sizes = self.seen[cell]
            if len(sizes) < 5:
                self._expected[cell] = self.prior
            else:
                self._expected[cell] = (
                    float(np.median([s[0] for s in sizes])),
                    float(np.median([s[1] for s in sizes])),
                )
        return self._expected[cell]


def split_points(grey: np.ndarray, x: int, y: int, w: int, h: int, single_width: float) -> list[int]:
    """Column offsets (within the blob) where it should be cut, or [] when it looks like one object."""
    pieces = round(w / single_width)
    if pieces < 2:
        return []
    pieces = min(pieces, 4)
    top = grey[y : y + max(int(h * 0.5), 2), x : x + w].astype(np.float32)
    if top.shape[1] < 4:
        return []
    profile = np.abs(np.diff(top.mean(axis=0)))  # how much each column differs from the next
    if profile.size < 3:
        return []
    # A boundary between riders is an edge inside the blob nearly as strong as the blob's own sides; a car's roof
    # has none. Noise sets a floor.
    sides = float(max(profile[:3].max(), profile[-3:].max()))
    needed = max(3.0 * float(np.median(profile)), 0.25 * sides, 4.0)
    reach = max(int(single_width * 0.35), 1)
    cuts = []
    for k in range(1, pieces):
        guess = round(k * w / pieces)
        lo, hi = max(guess - reach, 1), min(guess + reach, profile.size - 1)
        if hi <= lo:
            continue
        window = profile[lo:hi]
        best = int(np.argmax(window))
        if window[best] >= needed:
            cuts.append(lo + best + 1)
    # Pieces narrower than half a motorbike are edges of one object, not riders.
    bounds = [0, *cuts, w]
    if any(b - a < 0.5 * single_width for a, b in zip(bounds, bounds[1:], strict=False)):
        return []
    return cuts


def blob_grey(small: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
