"""Camera analytics on one core of this machine:
- classical pipeline (motion gate, MOG2 + blobs, tracker, line and zone) frames per second at 640×360 and 1280×720,
  with frames already decoded, and the decoding cost of the same clip (MPEG-4 Part 2: what OpenCV's wheel can write);
- the ONNX path with a generated model (random weights, YOLOv8-shaped output) at 320×320 and 640×640 input;
- memory per camera (resident size added by one more analyser);
- how many cameras one 2-core machine sustains analysing 5 frames a second while decoding all 25.
Target (issue #6): ≥ 200 FPS at 640×360 for the classical pipeline.
"""

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from ioc.cameras.analysis.count import LineCounter, ZoneMonitor  # noqa: E402
from ioc.cameras.analysis.pipeline import Analyzer  # noqa: E402
from ioc.cameras.synthetic import Mover, write_video  # noqa: E402


def one_core():
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def scene(width, height, frames, seed=1):
    rng = random.Random(seed)
    scale = width / 640
    movers = []
    for i in range(frames // 4):
        lane = rng.randrange(9)
        down = lane % 2 == 0
        speed = rng.uniform(4, 7) * scale
        cls = rng.choices(["motorbike", "car", "person", "truck"], [70, 18, 10, 2])[0]
        x = (48 + 68 * lane) * scale
        movers.append(Mover(cls, x, -50 if down else height + 50, 0, speed if down else -speed, start=10 + i * 4))
    return movers


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def decoded(path):
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames = []
    started = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    return frames, (time.perf_counter() - started) / max(len(frames), 1)


def analyser(width, height, detector=None):
    options = {"detector": detector} if detector else {}
    return Analyzer(
        lines=[LineCounter(0, height / 2, width, height / 2)],
        zones=[
            ZoneMonitor(
                [
                    (width * 0.25, height * 0.2),
                    (width * 0.75, height * 0.2),
                    (width * 0.75, height * 0.8),
                    (width * 0.25, height * 0.8),
                ]
            )
        ],
        fps=25,
        **options,
    )


def classical(folder, frames_count):
    results = {}
    for width, height in ((640, 360), (1280, 720)):
        path = write_video(folder / f"clip{width}.mp4", width, height, scene(width, height, frames_count), frames_count)
        frames, decode_s = decoded(path)
        best = 0.0
        for _ in range(3):
            run = analyser(width, height)
            started = time.perf_counter()
            crossings = sum(len(run.process(frame)) for frame in frames)
            best = max(best, len(frames) / (time.perf_counter() - started))
        results[(width, height)] = (best, decode_s, crossings, len(frames))
        print(
            f"classical pipeline {width}×{height}: {best:,.0f} frames/s on one core "
            f"({crossings} crossings in {len(frames)} frames); decoding {1 / decode_s:,.0f} frames/s"
        )
    return results


def onnx_model(path, side):
    """A small convolutional network with random weights and a YOLOv8-shaped output [1, 84, N]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes, inits, channels, name = [], [], 3, "images"
    for i, out in enumerate((16, 32, 64, 128)):
        weight = numpy_helper.from_array((rng.standard_normal((out, channels, 3, 3)) * 0.1).astype(np.float32), f"w{i}")
        inits.append(weight)
        nodes.append(helper.make_node("Conv", [name, f"w{i}"], [f"c{i}"], strides=[2, 2], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
        name, channels = f"r{i}", out
    head = numpy_helper.from_array((rng.standard_normal((84, channels, 1, 1)) * 0.01).astype(np.float32), "head")
    inits.append(head)
    nodes.append(helper.make_node("Conv", [name, "head"], ["h"]))
    cells = (side // 16) ** 2
    inits.append(numpy_helper.from_array(np.array([1, 84, cells], dtype=np.int64), "shape"))
    nodes.append(helper.make_node("Reshape", ["h", "shape"], ["output0"]))
    graph = helper.make_graph(
        nodes,
        "bench",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 84, cells])],
        inits,
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def onnx_path(folder, frames):
    import onnxruntime

    from ioc.cameras.analysis.onnx import OnnxDetector

    for side in (320, 640):
        detector = OnnxDetector(onnx_model(folder / f"bench{side}.onnx", side))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        detector.session = onnxruntime.InferenceSession(
            str(folder / f"bench{side}.onnx"), options, providers=["CPUExecutionProvider"]
        )
        run = analyser(640, 360, detector)
        run.motion_gate = False
        sample = frames[:100]
        started = time.perf_counter()
        for frame in sample:
            run.process(frame)
        fps = len(sample) / (time.perf_counter() - started)
        print(
            f"ONNX path (generated 4-conv model, {side}×{side} input, 640×360 frames): {fps:,.1f} frames/s on one core"
        )


def memory(frames):
    before = rss_mib()
    runs = []
    for _ in range(10):
        run = analyser(640, 360)
        for frame in frames[:50]:
            run.process(frame)
        runs.append(run)
    per_camera = (rss_mib() - before) / 10
    print(f"memory per camera (640×360, classical): {per_camera:.1f} MiB resident")
    return per_camera


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=500)
    args = parser.parse_args()
    one_core()
    folder = Path(tempfile.mkdtemp(prefix="ioc-benchcam-"))
    results = classical(folder, args.frames)
    frames, _ = decoded(folder / "clip640.mp4")
    onnx_path(folder, frames)
    memory(frames)
    for (width, height), (fps, decode_s, _c, _n) in results.items():
        per_camera = 25 * decode_s + 5 / fps  # decode every frame at 25 fps, analyse 5 of them
        print(
            f"cameras per 2-core machine at {width}×{height}, 25 fps decoded, 5 analysed: {2 / per_camera:,.0f} "
            f"(one camera uses {per_camera * 100:.1f}% of a core)"
        )


if __name__ == "__main__":
    main()
