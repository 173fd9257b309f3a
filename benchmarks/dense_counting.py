"""Counting accuracy on generated Vietnamese junction scenes with known truth (ioc.cameras.scenes): motorbikes two
and three abreast touching, people crossing between them, a bus hiding riders — by day, at night with headlights,
in rain. Prints, per scene and direction, the truth, the count, how many of the counted were estimates (riders cut
out of merged groups) and the share with the right class; then per condition the mean and the worst direction, and
the analysis speed on the dense scene at 640×360 on one core.
Targets (issue #17): ≥ 90 % per direction on dense scenes; classes right for ≥ 85 % of counted vehicles; ≥ 200 FPS.

    PYTHONPATH=. python benchmarks/dense_counting.py [--seeds 11-20] [--groups 16]
        [--conditions day,night,rain] [--no-speed]
"""

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402

from ioc.cameras.analysis.count import LineCounter  # noqa: E402
from ioc.cameras.analysis.pipeline import Analyzer, count_file, parse_line  # noqa: E402
from ioc.cameras.scenes import LINE, H, W, dense_junction, frames_needed, truth  # noqa: E402
from ioc.cameras.synthetic import frames, write_video  # noqa: E402


def evaluate(folder: Path, seed: int, groups: int, condition: str) -> list[tuple]:
    movers = dense_junction(seed, groups=groups)
    scene = {condition: True} if condition != "day" else {}
    path = write_video(folder / f"{condition}-{seed}.mp4", W, H, movers, frames_needed(movers), **scene)
    result = count_file(str(path), [LINE], [])
    expected = truth(movers)
    rows = []
    for direction in ("in", "out"):
        got = Counter(result["lines"][0][direction])
        estimated = sum(result["lines"][0]["estimated"][direction].values())
        counted, real = sum(got.values()), sum(expected[direction].values())
        right = sum(min(got[c], expected[direction][c]) for c in expected[direction])
        accuracy = 1 - abs(counted - real) / real
        rows.append((condition, seed, direction, real, counted, estimated, right, accuracy, result["scene"]))
    return rows


def speed(frames_count: int = 600, **scene) -> float:
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    movers = dense_junction(11, groups=40)
    decoded = list(frames(W, H, movers, frames_count, **scene))
    analyzer = Analyzer(lines=[LineCounter(*parse_line(LINE, (W, H)), name="l")], zones=[], fps=25)
    started = time.perf_counter()
    for frame in decoded:
        analyzer.process(frame)
    return frames_count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="11-20")
    parser.add_argument("--groups", type=int, default=16)
    parser.add_argument("--conditions", default="day,night,rain", help="which of day, night, rain to run")
    parser.add_argument("--no-speed", action="store_true", help="skip the frames/s measurement")
    args = parser.parse_args()
    first, last = (int(x) for x in args.seeds.split("-"))
    folder = Path(tempfile.mkdtemp(prefix="ioc-dense-"))
    print("condition seed dir  truth counted estimated class-right accuracy  scene")
    summary: dict[str, list[float]] = {}
    classes: dict[str, list[float]] = {}
    for condition in args.conditions.split(","):
        for seed in range(first, last + 1):
            for cond, s, d, real, counted, estimated, right, accuracy, scene in evaluate(
                folder, seed, args.groups, condition
            ):
                summary.setdefault(cond, []).append(accuracy)
                classes.setdefault(cond, []).append(right / counted if counted else 0.0)
                conditions = ",".join(scene["conditions"]) or "clear"
                print(
                    f"{cond:<9} {s:<4} {d:<4} {real:>5} {counted:>7} {estimated:>9} {right:>11} {accuracy:>8.1%}  "
                    f"{conditions} ({scene['confidence']:.2f})"
                )
    for condition, values in summary.items():
        print(
            f"{condition}: mean {sum(values) / len(values):.1%} per direction, worst {min(values):.1%}; "
            f"class right for {sum(classes[condition]) / len(classes[condition]):.1%} of counted"
        )
    if not args.no_speed:
        print(f"dense junction 640×360, one core: {speed():.0f} frames/s analysed (frames pre-decoded)")
        print(f"... at night: {speed(night=True):.0f} frames/s")


if __name__ == "__main__":
    main()
