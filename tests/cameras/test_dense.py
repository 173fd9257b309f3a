"""Vietnamese rush hour on generated junction scenes with known truth: motorbikes two and three abreast touching,
people crossing between them, a bus hiding riders; by day, at night with headlights, in rain."""

from collections import Counter

import pytest

from ioc.cameras.analysis.count import LineCounter
from ioc.cameras.analysis.pipeline import count_file
from ioc.cameras.scenes import LINE, H, W, dense_junction, frames_needed, truth
from ioc.cameras.synthetic import Mover, write_video


def analyse(tmp_path, movers, **scene):
    path = write_video(tmp_path / "junction.mp4", W, H, movers, frames_needed(movers), **scene)
    return count_file(str(path), [LINE], [])


def per_direction(result, movers):
    expected = truth(movers)
    line = result["lines"][0]
    return {d: (Counter(line[d]), expected[d]) for d in ("in", "out")}


def test_riders_abreast_are_counted_one_by_one_at_least_90_percent_per_direction(tmp_path):
    movers = dense_junction(seed=21, groups=32)
    result = analyse(tmp_path, movers)
    for direction, (got, expected) in per_direction(result, movers).items():
        counted, real = sum(got.values()), sum(expected.values())
        assert abs(counted - real) <= 0.10 * real, (direction, got, expected)
        right_class = sum(min(got[c], expected[c]) for c in expected)
        assert right_class >= 0.85 * counted, (direction, got, expected)
    # Most riders were cut out of merged groups: the counts say so, and the scene is dense.
    estimated = sum(sum(v.values()) for v in result["lines"][0]["estimated"].values())
    assert estimated >= 10
    assert "dense" in result["scene"]["conditions"] and result["scene"]["confidence"] < 0.98


# Rain blurs the outlines riders are cut along: its worst direction is a little below the 90 % of day and night.
@pytest.mark.parametrize(("condition", "tolerance"), [("night", 0.10), ("rain", 0.12)])
def test_headlights_and_rain_streaks_do_not_become_vehicles(tmp_path, condition, tolerance):
    movers = dense_junction(seed=21, groups=32)
    result = analyse(tmp_path, movers, **{condition: True})
    # Lamps, the road they light and streaks on the lens add nothing; riders in the beam of the vehicle behind
    # them are still found: at night within a tenth per direction, as by day.
    for direction, (got, expected) in per_direction(result, movers).items():
        counted, real = sum(got.values()), sum(expected.values())
        assert abs(counted - real) <= tolerance * real, (direction, got, expected)
        right_class = sum(min(got[c], expected[c]) for c in expected)
        assert right_class >= 0.85 * counted, (direction, got, expected)
    assert condition in result["scene"]["conditions"]
    assert not result["scene"]["beyond"]


def test_a_quiet_clear_scene_is_trusted(tmp_path):
    movers = [Mover("motorbike", 120 + 60 * i, -40, 0, 4, start=12 + 30 * i) for i in range(3)]
    movers.append(Mover("car", 480, H + 40, 0, -4, start=40))
    result = analyse(tmp_path, movers)
    assert per_direction(result, movers)["in"][0] == Counter(motorbike=3)
    assert result["scene"] == {"conditions": [], "confidence": 0.98, "beyond": False}


def test_a_wall_of_riders_too_dense_to_cut_is_counted_as_flow(tmp_path):
    width = 22  # one motorbike's width in the generated scenes
    movers = [Mover("motorbike", 100 + width * i + width / 2, -40, 0, 4, start=12) for i in range(6)]
    movers += [Mover("motorbike", 380 + width * i + width / 2, H + 40, 0, -4, start=40) for i in range(5)]
    result = analyse(tmp_path, movers)
    got = per_direction(result, movers)
    assert abs(sum(got["in"][0].values()) - 6) <= 1 and abs(sum(got["out"][0].values()) - 5) <= 1, got
    # The counts say how they were made: a loop detector's estimate from the width, not riders followed one by one.
    assert result["lines"][0]["methods"].get("flow", 0) >= 8, result["lines"][0]["methods"]


def test_riders_one_behind_the_other_are_two_but_a_refound_track_is_one():
    line = LineCounter(0, 180, 640, 180)
    # Rider 1 crosses; rider 2, just behind at the same place along the line, crosses 0.3 s later while rider 1 is
    # still seen 40 px ahead: two riders.
    line.update(1, 300, 170, "motorbike", 32, 0.0)
    assert line.update(1, 300, 190, "motorbike", 32, 0.04) == "in"
    line.update(2, 302, 150, "motorbike", 32, 0.04)
    line.update(1, 300, 220, "motorbike", 32, 0.30)
    line.update(2, 302, 170, "motorbike", 32, 0.30)
    assert line.update(2, 302, 190, "motorbike", 32, 0.34) == "in"
    # Rider 3 crosses and its track is lost (no detection of its own since); a new track picks it up on the other
    # side: the same rider, not counted again.
    line.update(3, 500, 170, "motorbike", 32, 1.0)
    assert line.update(3, 500, 190, "motorbike", 32, 1.04) == "in"
    line.update(3, 500, 194, "motorbike", 32, 1.2, seen=False)
    line.update(4, 501, 170, "motorbike", 32, 1.2)
    assert line.update(4, 501, 196, "motorbike", 32, 1.24) is None
    assert line.counts["in"] == Counter(motorbike=3)
