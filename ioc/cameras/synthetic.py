"""Synthetic junction video: textured, noisy road scenes with people, motorbikes, cars and trucks moving on known
paths, so the counts are known. Used by the tests, the benchmarks and the demo's camera simulator (no downloads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

SIZES = {"person": (14, 34), "motorbike": (22, 32), "car": (70, 40), "truck": (150, 72), "bus": (170, 64)}
COLOURS = {
    "person": (40, 60, 200),
    "motorbike": (30, 30, 30),
    "car": (200, 200, 210),
    "truck": (40, 140, 230),
    "bus": (60, 170, 60),
}


@dataclass(frozen=True)
class Mover:
    """An object entering at frame `start`, centred at (x, y) then, moving (vx, vy) pixels a frame."""

    cls: str
    x: float
    y: float
    vx: float
    vy: float
    start: int = 0
    jitter: float = 0.0  # pixels of random shake (a box jittering on a line)
    stop: int = -1  # frame at which it stands still...
    wait: int = 0  # ...for this many frames

    def box(self, frame: int, rng: np.random.Generator) -> tuple[int, int, int, int] | None:
        if frame < self.start:
            return None
        t = frame - self.start
        if self.stop >= self.start and frame > self.stop:
            t = (self.stop - self.start) + max(frame - self.stop - self.wait, 0)
        w, h = SIZES[self.cls]
        cx, cy = self.x + self.vx * t, self.y + self.vy * t
        if self.jitter:
            cx, cy = cx + rng.uniform(-self.jitter, self.jitter), cy + rng.uniform(-self.jitter, self.jitter)
        return int(cx - w / 2), int(cy - h / 2), int(cx + w / 2), int(cy + h / 2)


def background(width: int, height: int, seed: int = 7) -> np.ndarray:
    """Asphalt-like texture with lane marks and a kerb, reproducible from the seed."""
    rng = np.random.default_rng(seed)
    texture = rng.normal(95, 18, (height // 4 + 1, width // 4 + 1)).astype(np.float32)
    texture = cv2.resize(cv2.GaussianBlur(texture, (5, 5), 0), (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 6, (height, width)).astype(np.float32)
    grey = np.clip(texture + grain, 0, 255).astype(np.uint8)
    image = cv2.merge([grey, grey, (grey * 0.97).astype(np.uint8)])
    for x in range(width // 8, width, width // 4):
        cv2.line(image, (x, 0), (x, height), (210, 210, 210), 2)
    cv2.rectangle(image, (0, 0), (width, height // 14), (120, 130, 120), -1)
    return image


def frames(
    width: int,
    height: int,
    movers: list[Mover],
    count: int,
    *,
    seed: int = 7,
    noise: float = 4.0,
    occluders: tuple = (),
):
    """Yield `count` BGR frames; `occluders` are (x1, y1, x2, y2) boxes drawn over everything (a tree, a sign)."""
    base = background(width, height, seed)
    rng = np.random.default_rng(seed + 1)
    for index in range(count):
        frame = base.copy()
        for mover in movers:
            box = mover.box(index, rng)
            if box is None:
                continue
            x1, y1, x2, y2 = box
            if x2 < 0 or y2 < 0 or x1 >= width or y1 >= height:
                continue
            cv2.rectangle(frame, (x1, y1), (x2, y2), COLOURS[mover.cls], -1)
            cv2.rectangle(frame, (x1 + 3, y1 + 3), (x2 - 3, y1 + (y2 - y1) // 3), (90, 90, 90), -1)
        for x1, y1, x2, y2 in occluders:
            cv2.rectangle(frame, (x1, y1), (x2, y2), (40, 90, 40), -1)
        if noise:
            grain = rng.normal(0, noise, frame.shape).astype(np.int16)
            frame = np.clip(frame.astype(np.int16) + grain, 0, 255).astype(np.uint8)
        yield frame


def write_video(
    path: Path,
    width: int,
    height: int,
    movers: list[Mover],
    count: int,
    *,
    fps: float = 25.0,
    seed: int = 7,
    noise: float = 4.0,
    occluders: tuple = (),
) -> Path:
    """Encode the scene as MPEG-4 Part 2 in an .mp4 (OpenCV's bundled FFmpeg writes it without extra codecs)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write MPEG-4 video here")
    try:
        for frame in frames(width, height, movers, count, seed=seed, noise=noise, occluders=occluders):
            writer.write(frame)
    finally:
        writer.release()
    return path
