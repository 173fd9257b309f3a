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
    night: bool = False,
    rain: bool = False,
):
    """Yield `count` BGR frames; `occluders` are (x1, y1, x2, y2) boxes drawn over everything (a tree, a sign).

    `night`: a dark road under weak street lights, vehicles with headlights whose beams light the road ahead of
    them (bright patches that move with the vehicle: not vehicles). `rain`: streaks across the lens every frame,
    a few drops on it, and less contrast."""
    base = background(width, height, seed)
    if night:
        base = (base * 0.35).astype(np.uint8)
    rng = np.random.default_rng(seed + 1)
    # Drawn only for rain: the other scenes keep the noise they always had.
    drops = (
        [(int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(4, 10))) for _ in range(6)]
        if rain
        else []
    )
    for index in range(count):
        frame = base.copy()
        lights = np.zeros(frame.shape[:2], np.float32) if night else None
        for mover in movers:
            box = mover.box(index, rng)
            if box is None:
                continue
            x1, y1, x2, y2 = box
            if x2 < 0 or y2 < 0 or x1 >= width or y1 >= height:
                continue
            colour = COLOURS[mover.cls]
            if night:
                colour = tuple(int(c * 0.4) for c in colour)
            cv2.rectangle(frame, (x1, y1), (x2, y2), colour, -1)
            cv2.rectangle(
                frame, (x1 + 3, y1 + 3), (x2 - 3, y1 + (y2 - y1) // 3), (54, 54, 54) if night else (90, 90, 90), -1
            )
            if night and mover.cls != "person":
                _headlights(lights, mover, (x1, y1, x2, y2))
        if night:
            glow = cv2.GaussianBlur(lights, (9, 9), 0)[..., None]
            frame = np.clip(frame.astype(np.float32) + glow, 0, 255).astype(np.uint8)
        for x1, y1, x2, y2 in occluders:
            cv2.rectangle(frame, (x1, y1), (x2, y2), (40, 90, 40), -1)
        if rain:
            frame = _rain(frame, rng, drops)
        if noise:
            grain = rng.normal(0, noise, frame.shape).astype(np.int16)
            frame = np.clip(frame.astype(np.int16) + grain, 0, 255).astype(np.uint8)
        yield frame


def _headlights(lights: np.ndarray, mover: Mover, box: tuple[int, int, int, int]) -> None:
    """The lamps at the vehicle's front and the beam they throw on the road ahead (brightness added)."""
    x1, y1, x2, y2 = box
    forward = 1 if mover.vy > 0 or mover.vx > 0 else -1
    vertical = abs(mover.vy) >= abs(mover.vx)
    lamps = 1 if mover.cls == "motorbike" else 2
    if vertical:
        front = y2 if forward > 0 else y1
        length = int((y2 - y1) * 1.6)
        for k in range(lamps):
            cx = x1 + (x2 - x1) * (k + 1) // (lamps + 1)
            cv2.circle(lights, (cx, front), 3, 220, -1)
        beam = np.array(
            [[x1, front], [x2, front], [x2 + 6, front + forward * length], [x1 - 6, front + forward * length]]
        )
    else:
        front = x2 if forward > 0 else x1
        length = int((x2 - x1) * 1.2)
        for k in range(lamps):
            cy = y1 + (y2 - y1) * (k + 1) // (lamps + 1)
            cv2.circle(lights, (front, cy), 3, 220, -1)
        beam = np.array(
            [[front, y1], [front, y2], [front + forward * length, y2 + 6], [front + forward * length, y1 - 6]]
        )
    patch = np.zeros_like(lights)
    cv2.fillConvexPoly(patch, beam.astype(np.int32), 110)
    np.maximum(lights, patch, out=lights)


def _rain(frame: np.ndarray, rng: np.random.Generator, drops: list) -> np.ndarray:
    """Rain on the lens: lower contrast, streaks that change every frame, a few blurred drops that stay."""
    out = cv2.addWeighted(frame, 0.8, np.full_like(frame, 128), 0.2, 0)
    height, width = frame.shape[:2]
    for _ in range(120):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        length = int(rng.integers(8, 20))
        cv2.line(out, (x, y), (x + length // 4, y + length), (200, 200, 200), 1)
    for x, y, r in drops:
        roi = out[max(y - r, 0) : y + r, max(x - r, 0) : x + r]
        if roi.size:
            roi[:] = cv2.GaussianBlur(roi, (0, 0), 3)
    return out


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
    night: bool = False,
    rain: bool = False,
) -> Path:
    """Encode the scene as MPEG-4 Part 2 in an .mp4 (OpenCV's bundled FFmpeg writes it without extra codecs)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write MPEG-4 video here")
    try:
        scene = frames(
            width, height, movers, count, seed=seed, noise=noise, occluders=occluders, night=night, rain=rain
        )
        for frame in scene:
            writer.write(frame)
    finally:
        writer.release()
    return path
