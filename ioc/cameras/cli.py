"""`ioc cameras ...`: count a recorded video offline, or run the camera workers."""

from __future__ import annotations

import sys

from ioc.core.cli import migrate, run_until_stopped


def add_commands(sub, common) -> None:
    q = sub.add_parser("count", help="count what crosses lines and stays in zones in a recorded video")
    q.add_argument("video")
    q.add_argument("--line", action="append", help="x1,y1,x2,y2 in pixels or fractions of the frame; repeatable")
    q.add_argument("--zone", action="append", help="x1,y1,x2,y2,x3,y3,... (three points or more); repeatable")
    q.add_argument("--model", help="an ONNX detector (YOLO or RT-DETR output); default: the classical detector")
    q.add_argument("--crowd", type=int, default=0, help="people at once in a zone that make a crowd")
    q.add_argument("--crowd-seconds", type=float, default=10.0)
    q.add_argument("--json", action="store_true", help="print the result as JSON")
    q.set_defaults(func=count)
    q = sub.add_parser("worker", parents=[common], help="analyse the registered cameras' streams")
    q.add_argument("--camera", type=int, action="append", help="camera id (repeatable); default: all enabled")
    q.set_defaults(func=worker)


def worker(args) -> int:
    """Analyse the cameras' streams until SIGTERM or Ctrl-C."""
    import logging

    from ioc.cameras.models import Camera
    from ioc.cameras.workers import run_cameras

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    migrate()
    ids = args.camera or list(Camera.objects.exclude(status=Camera.Status.DISABLED).values_list("pk", flat=True))

    def run(stop):
        runners = run_cameras(ids, stop)
        print(f"analysing {len(runners)} camera(s)", flush=True)
        stop.wait()

    run_until_stopped(run)
    return 0


def count(args) -> int:
    """Analyse a recorded file offline and print the counts (no database needed)."""
    from ioc.cameras.analysis.pipeline import count_file, dumps
    from ioc.cameras.analysis.video import VideoError

    detector = None
    try:
        if args.model:
            from ioc.cameras.analysis.onnx import OnnxDetector

            detector = OnnxDetector(args.model)
        result = count_file(
            args.video,
            args.line or [],
            args.zone or [],
            detector=detector,
            crowd=args.crowd,
            crowd_seconds=args.crowd_seconds,
        )
    except (VideoError, ValueError) as exc:  # ModelError is a ValueError
        print(f"ioc cameras count: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(dumps(result))
        return 0
    print(f"{result['frames']} frames at {result['fps']} fps ({result['analysed_frames']} analysed)")
    for line in result["lines"]:
        for direction in ("in", "out"):
            counts = ", ".join(f"{cls} {n}" for cls, n in sorted(line[direction].items())) or "0"
            print(f"{line['name']} {direction}: {counts}")
    for zone in result["zones"]:
        print(
            f"{zone['name']}: peak {zone['peak']}, {zone['visitors']} visitors, mean stay {zone['mean_dwell_s']} s, "
            f"{len(zone['crowd_events'])} crowd event(s)"
        )
    return 0
