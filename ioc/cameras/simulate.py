"""Demo cameras for Lai Châu: three junction views as synthetic video (generated here, no downloads), looped
through the real pipeline by the same runner `ioc cameras worker` uses, so the demo's counts come from analysis.

Two weeks of history are filled in once, from one analysis of each clip scaled by a daily traffic profile (morning
and late-afternoon peaks, quiet nights), so the heat map and the unusual-traffic check have something to compare."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from pathlib import Path
from threading import Event

from django.conf import settings
from django.utils import timezone

from ioc.cameras.analysis.pipeline import count_file
from ioc.cameras.models import Camera, CountBin, CountLine, Zone
from ioc.cameras.synthetic import Mover, write_video
from ioc.cameras.workers import run_cameras
from ioc.core.selectors import city_data
from ioc.core.services.geo import current_units, random_point_in, unit_at

log = logging.getLogger(__name__)
CAMERAS = 3  # one synthetic clip each
W, H, FPS, SECONDS = 640, 360, 10, 40
# Share of a day's traffic in each hour (Vietnamese city: 6–8 h and 16–18 h peaks).
PROFILE = [
    0.2,
    0.1,
    0.1,
    0.1,
    0.3,
    0.8,
    1.6,
    2.0,
    1.5,
    1.1,
    1.0,
    1.2,
    1.3,
    1.0,
    1.0,
    1.2,
    1.7,
    2.1,
    1.6,
    1.2,
    1.0,
    0.8,
    0.5,
    0.3,
]


def clip_for(index: int) -> Path:
    """A looping junction clip: mostly motorbikes both ways, some cars and people, a truck now and then."""
    path = Path(settings.DATA_DIR) / "cameras" / f"demo-{index + 1}.mp4"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(100 + index)
    movers, free_at = [], [0] * 9
    for i in range(int(SECONDS * FPS / 4)):
        lane = rng.randrange(9)
        start = max(10 + i * 4, free_at[lane])
        if start > SECONDS * FPS - 60:
            break
        free_at[lane] = start + 14
        cls = rng.choices(["motorbike", "car", "person", "truck", "bus"], [70, 15, 10, 3, 2])[0]
        down = lane % 2 == 0
        speed = rng.uniform(6, 9)
        movers.append(Mover(cls, 48 + 68 * lane, -50 if down else H + 50, 0, speed if down else -speed, start=start))
    # People crossing the square at the third camera gather in front of it for a while.
    if index == 2:
        movers += [Mover("person", 200 + 28 * (k % 6), 90 + 40 * (k // 6), 0.3, 0.1, start=30) for k in range(12)]
    write_video(path, W, H, movers, SECONDS * FPS, fps=FPS, seed=11 + index)
    return path


def ensure_cameras(rng: random.Random) -> list[Camera]:
    if Camera.objects.exists():
        return list(Camera.objects.exclude(status=Camera.Status.DISABLED))
    units = [u for u in current_units() if u.geometry]
    cameras = []
    places = city_data("places")[:CAMERAS]
    names = places + [f"Camera {n}" for n in range(len(places) + 1, CAMERAS + 1)]
    for index, name in enumerate(names):
        lat, lon = random_point_in(rng.choice(units).geometry, rng)
        camera = Camera.objects.create(
            name=name,
            stream_url=str(clip_for(index)),
            lat=lat,
            lon=lon,
            unit=unit_at(lat, lon),
            heading=rng.randrange(0, 360, 45),
            analysed_fps=FPS,
        )
        CountLine.objects.create(camera=camera, name="Vạch đếm", x1=0, y1=0.5, x2=1, y2=0.5)
        Zone.objects.create(
            camera=camera,
            name="Vỉa hè" if index < 2 else "Quảng trường",
            points=[[0.25, 0.15], [0.75, 0.15], [0.75, 0.85], [0.25, 0.85]],
            crowd_threshold=10 if index == 2 else 0,
            crowd_seconds=5,
        )
        cameras.append(camera)
    return cameras


# The history counts a quarter-hour as the clip's crossings × PER_QUARTER × the hour's share of traffic.
PER_QUARTER = 15 * 60 / SECONDS / 6  # a city junction is quieter than the clip's busy minute


def weight(moment) -> float:
    """The hour's share of a day's traffic (weekends a fifth quieter)."""
    return PROFILE[moment.hour] * (0.8 if moment.weekday() >= 5 else 1.0)


def quiet_gap(moment=None) -> float:
    """Seconds of empty road between two plays of the live clip, so a quarter-hour holds as many plays as the
    history counts for that hour: 900 / (SECONDS + gap) = PER_QUARTER × weight (at 03:00 about 40 minutes, at the
    17:00 peak about a minute)."""
    moment = timezone.localtime(moment) if moment else timezone.localtime()
    return max(900 / (PER_QUARTER * weight(moment)) - SECONDS, 0.0)


def backfill(camera: Camera, days: int = 14) -> None:
    """Fifteen-minute bins for the last days from one analysis of the clip, scaled by the hour's share."""
    if CountBin.objects.filter(camera=camera).exists():
        return
    result = count_file(camera.stream_url, ["0,0.5,1,0.5"], [])
    per_clip = {(d, cls): n for d in ("in", "out") for cls, n in result["lines"][0][d].items()}
    line = camera.lines.order_by("pk").first()
    rng = random.Random(camera.pk)
    now = timezone.localtime()
    start = (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    rows, moment = [], start
    while moment < now - timedelta(minutes=15):
        share = weight(moment)
        for (direction, cls), n in per_clip.items():
            count = round(n * PER_QUARTER * share * rng.uniform(0.8, 1.2))
            if count:
                rows.append(
                    CountBin(
                        camera=camera, line=line, cls=cls, direction=direction, minutes=15, start=moment, count=count
                    )
                )
        moment += timedelta(minutes=15)
    CountBin.objects.bulk_create(rows, batch_size=2000)


def run(stop: Event) -> None:
    if stop.is_set():
        return
    rng = random.Random(2026)
    cameras = ensure_cameras(rng)
    for camera in cameras:
        backfill(camera)
    log.info("analysing %s demo cameras", len(cameras))
    run_cameras([c.pk for c in cameras], stop, loop_files=True, realtime=True, quiet_between_loops=quiet_gap)
    stop.wait()
