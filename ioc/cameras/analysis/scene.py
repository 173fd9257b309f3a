"""What a camera's picture is like and how far its counts can be trusted.

The default detector knows the road's brightness (night below NIGHT_ROAD, too dark to count below TOO_DARK), whether
rain streaks the lens, and how much of the view moves (dense traffic); the counts know how many riders were cut out
of merged groups. The confidence is the share of crossings counted right on the generated junction scenes
(benchmarks/dense_counting.py, 10 seeds each: dense daytime traffic 96.9 %, at night 96.4 %, in rain 94.5 %), so
0.95, 0.94 and 0.93 there; an estimate for the camera, not a measurement of it. A scene beyond the
default (too dark, or rain at night, or traffic covering most of the view) says so instead of reporting low counts as
the truth; an ONNX model is the way to class accuracy there.
"""

from __future__ import annotations

from ioc.cameras.analysis.detect import NIGHT_ROAD

TOO_DARK = 15  # the road's median grey level: nothing but lamps can be seen
DENSE = 0.08  # share of the view moving, above which riders merge into groups
JAMMED = 0.35  # ... above which the groups are too big to cut
BEYOND = 0.4  # a scene beyond the default detector gets at most this confidence, and only such a scene does


def assess(detector, estimated_share: float) -> dict:
    road = getattr(detector, "road", None)
    conditions = []
    confidence = 0.98
    if road is not None and road < TOO_DARK:
        conditions.append("too_dark")
    elif road is not None and road < NIGHT_ROAD:
        conditions.append("night")
        confidence -= 0.01
    if getattr(detector, "raining", False):
        conditions.append("rain")
        confidence -= 0.02
    busy = getattr(detector, "busy", 0.0)
    if busy > DENSE or estimated_share > 0.3:
        conditions.append("dense")
        confidence -= 0.03
    beyond = "too_dark" in conditions or {"night", "rain"} <= set(conditions) or busy > JAMMED
    if beyond:
        confidence = min(confidence, BEYOND)
    return {"conditions": conditions, "confidence": round(max(confidence, 0.1), 2), "beyond": beyond}
