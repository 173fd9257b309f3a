"""Generated Vietnamese junction scenes with known truth, for the tests and benchmarks of dense counting: motorbikes
riding two and three abreast and touching, pedestrians crossing between them, a bus hiding riders; by day, at night
(headlights and their reflections on the road) and in rain (streaks on the lens)."""

from __future__ import annotations

import random
from collections import Counter

from ioc.cameras.synthetic import SIZES, Mover

W, H = 640, 360
LINE = "0,180,640,180"  # "in" is downwards on screen


def dense_junction(seed: int = 11, groups: int = 16, with_bus: bool = True) -> list[Mover]:
    """Rush hour: groups of 1–3 motorbikes abreast (touching: no gap between their boxes), a car now and then,
    people crossing the road between the groups; downwards on the left half, upwards on the right half."""
    rng = random.Random(seed)
    movers: list[Mover] = []
    width = SIZES["motorbike"][0]
    free_at = {"down": 12, "up": 12}
    for group in range(groups):
        direction = "down" if group % 2 == 0 else "up"
        start = free_at[direction]
        speed = rng.uniform(3.6, 4.4)
        kind = rng.random()
        if kind < 0.12:
            members = [("car", 0)]
        else:
            abreast = rng.choice([1, 2, 2, 3, 3, 3])
            members = [("motorbike", i * width) for i in range(abreast)]
        left = rng.randrange(40, 200) if direction == "down" else rng.randrange(360, 520)
        for cls, offset in members:
            x = left + offset + (SIZES[cls][0] - width) / 2 if cls == "car" else left + offset + width / 2
            y, vy = (-40, speed) if direction == "down" else (H + 40, -speed)
            movers.append(Mover(cls, x, y, 0, vy, start=start))
        free_at[direction] = start + rng.randrange(16, 24)  # the next group about 70–100 px behind
    # People crossing the road between the groups (they never cross the counting line: they walk along it).
    for i in range(4):
        movers.append(
            Mover(
                "person", -10 if i % 2 == 0 else W + 10, 120 + 40 * i, 2.2 if i % 2 == 0 else -2.2, 0, start=30 + 45 * i
            )
        )
    if with_bus:
        # A bus going up hides the riders beside it for part of their way.
        last = free_at["up"]
        movers.append(Mover("bus", 470, H + 50, 0, -4.0, start=last))
        movers.append(Mover("motorbike", 370, H + 40, 0, -4.1, start=last + 2))
    return movers


def truth(movers: list[Mover]) -> dict[str, Counter]:
    """What crosses the counting line, per direction and class (people walking along it are not counted)."""
    result = {"in": Counter(), "out": Counter()}
    for mover in movers:
        if mover.vy > 0:
            result["in"][mover.cls] += 1
        elif mover.vy < 0:
            result["out"][mover.cls] += 1
    return result


def frames_needed(movers: list[Mover]) -> int:
    return max(m.start for m in movers) + 130
