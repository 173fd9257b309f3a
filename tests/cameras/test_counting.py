"""The camera pipeline on generated video (textured, noisy road; objects on known paths): counts per class and
direction, jitter, occlusion, overlaps, zones and crowds, and refusals of bad input."""

import json
import random
import subprocess
import sys
from collections import Counter

import pytest

from ioc.cameras.analysis.pipeline import count_file
from ioc.cameras.analysis.video import VideoError
from ioc.cameras.synthetic import Mover, write_video

W, H = 640, 360
LINE = "0,180,640,180"  # across the road; "in" is downwards on screen


def video(tmp_path, movers, frames, name="scene.mp4", **kwargs):
    return str(write_video(tmp_path / name, W, H, movers, frames, **kwargs))


def totals(result, line=0):
    out = {d: Counter(result["lines"][line][d]) for d in ("in", "out")}
    return out["in"], out["out"]


def test_exact_counts_per_class_and_direction(tmp_path):
    classes = ["person", "motorbike", "car", "motorbike", "truck", "person", "car", "motorbike"]
    movers = []
    for i, cls in enumerate(classes):
        down = i % 2 == 0
        movers.append(Mover(cls, 60 + i * 72, -40 if down else H + 40, 0, 4 if down else -4, start=12 + i * 12))
    movers.append(Mover("bus", 320, -40, 0, 5, start=240))  # alone: a bus is wider than a lane
    result = count_file(video(tmp_path, movers, 340), [LINE], [])
    got_in, got_out = totals(result)
    assert got_in == Counter(person=1, car=2, truck=1, bus=1)
    assert got_out == Counter(motorbike=3, person=1)
    assert result["frames"] == 340 and result["fps"] == 25.0


def test_lines_in_fractions_and_a_second_line(tmp_path):
    movers = [Mover("car", -40, 100, 5, 0, start=12), Mover("car", W + 40, 260, -5, 0, start=40)]
    result = count_file(video(tmp_path, movers, 200), ["0.5,0,0.5,1", "0.25,0,0.25,0.4"], [])
    # A vertical line drawn top to bottom: its right (on screen, y down) is the left of the image.
    assert totals(result, 0) == (Counter(car=1), Counter(car=1))
    assert sum(totals(result, 1)[0].values()) + sum(totals(result, 1)[1].values()) == 1  # only the upper car


def test_a_box_jittering_on_the_line_is_counted_once(tmp_path):
    movers = [
        # Stops on the line and shakes for three seconds, then goes on.
        Mover("car", 200, -30, 0, 3, start=12, jitter=3, stop=82, wait=75),
        # Creeps over the line at a third of a pixel a frame while shaking.
        Mover("motorbike", 450, 150, 0, 0.35, start=12, jitter=2.5),
    ]
    result = count_file(video(tmp_path, movers, 260), [LINE], [])
    assert totals(result) == (Counter(car=1, motorbike=1), Counter())


def test_an_object_hidden_at_the_line_is_not_counted_twice(tmp_path):
    # A roadside sign hides the lane around the line: the motorbike is lost there and found again below it.
    movers = [Mover("motorbike", 300, -30, 0, 4, start=12), Mover("car", 500, H + 30, 0, -4, start=20)]
    result = count_file(video(tmp_path, movers, 160, occluders=((270, 160, 330, 205),)), [LINE], [])
    assert totals(result) == (Counter(motorbike=1), Counter(car=1))


def test_dense_traffic_with_overlaps_counts_at_least_95_percent_and_never_more(tmp_path):
    """Sixty road users in nine lanes 68 px apart, one direction a lane, close behind each other: cars (70 px)
    and trucks are wider than a lane, so their boxes overlap the motorbikes and people beside them."""
    rng = random.Random(4)
    movers, free_at = [], [0] * 9
    lane_speed = [rng.uniform(3.5, 5.5) for _ in range(9)]
    for i in range(60):
        lane = rng.randrange(9)
        cls = rng.choice(["motorbike", "motorbike", "motorbike", "car", "person", "truck" if i % 15 == 0 else "car"])
        down = lane % 2 == 0
        speed = lane_speed[lane] * rng.uniform(0.97, 1.03)
        start = max(12 + i * 5, free_at[lane])
        free_at[lane] = start + 18  # the next one in this lane follows about 80 px behind
        x = 48 + 68 * lane
        movers.append(Mover(cls, x, -50 if down else H + 50, 0, speed if down else -speed, start=start))
    frames = max(m.start for m in movers) + 140
    result = count_file(video(tmp_path, movers, frames), [LINE], [])
    got_in, got_out = totals(result)
    truth = {d: Counter(m.cls for m in movers if (m.vy > 0) == (d == "in")) for d in ("in", "out")}
    # Per direction, misses and extras both count against the 95 %. (Which class a vehicle gets is less sure when
    # tracks swap between neighbours: the note on issue 6 gives that figure.)
    for direction, got in (("in", got_in), ("out", got_out)):
        expected = sum(truth[direction].values())
        assert abs(sum(got.values()) - expected) <= 0.05 * expected, (direction, got, truth[direction])


def test_zone_occupancy_dwell_and_a_crowd(tmp_path):
    # Eight people walk slowly through a square for several seconds; a crowd is 6 at once for 2 s.
    movers = [Mover("person", 220 + 30 * (i % 4), 120 + 60 * (i // 4), 0.4, 0.3, start=5) for i in range(8)]
    result = count_file(video(tmp_path, movers, 200), [], ["150,60,500,60,500,300,150,300"], crowd=6, crowd_seconds=2)
    zone = result["zones"][0]
    assert zone["peak"] >= 6 and zone["visitors"] >= 6
    assert zone["max_dwell_s"] >= 4
    assert len(zone["crowd_events"]) == 1 and zone["crowd_events"][0]["peak"] >= 6


def test_bad_input_is_refused_clearly(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video")
    with pytest.raises(VideoError, match="not a video"):
        count_file(str(text), [LINE], [])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        count_file(str(empty), [LINE], [])
    with pytest.raises(VideoError, match="no such file"):
        count_file(str(tmp_path / "missing.mp4"), [LINE], [])
    clip = video(tmp_path, [], 5)
    with pytest.raises(ValueError, match="outside the 640×360 frame"):
        count_file(clip, ["0,180,900,180"], [])
    with pytest.raises(ValueError, match="four numbers"):
        count_file(clip, ["0,180,640"], [])
    with pytest.raises(ValueError, match="three"):
        count_file(clip, [], ["1,2,3,4"])


def test_cli_prints_json(tmp_path):
    clip = video(tmp_path, [Mover("car", 320, -30, 0, 5, start=5)], 120)
    done = subprocess.run(
        [sys.executable, "-m", "ioc.cli", "cameras", "count", clip, "--line", LINE, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["lines"][0]["in"] == {"car": 1} and result["frames"] == 120
    bad = subprocess.run(
        [sys.executable, "-m", "ioc.cli", "cameras", "count", str(tmp_path), "--line", LINE],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "no such file" in bad.stderr and "Traceback" not in bad.stderr
