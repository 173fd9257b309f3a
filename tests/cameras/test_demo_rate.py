"""The demo's cameras follow the hours of a small city: the live clip plays as often as the history says that hour
has traffic (the demo once counted 841 crossings in a quarter-hour at 03:25 against a four-week average of 56)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, Sum

from ioc.cameras import simulate
from ioc.cameras.analysis.pipeline import count_file
from ioc.cameras.models import CountBin

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_live_quarter_hour_matches_the_history_of_that_hour(units, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    import random

    (camera,) = simulate.ensure_cameras(random.Random(1))[:1]
    simulate.backfill(camera, days=7)
    clip = count_file(camera.stream_url, ["0,0.5,1,0.5"], [])["lines"][0]
    per_play = sum(clip["in"].values()) + sum(clip["out"].values())
    for hour, minute in ((3, 25), (7, 30), (17, 10), (22, 45)):
        moment = datetime(2026, 11, 25, hour, minute, tzinfo=VN)  # a Wednesday
        live = per_play * 900 / (simulate.SECONDS + simulate.quiet_gap(moment))
        quarters = CountBin.objects.filter(
            camera=camera, minutes=15, start__hour=hour, start__week_day__in=[2, 3, 4, 5, 6]
        )
        history = quarters.values("start").annotate(n=Sum("count")).aggregate(mean=Avg("n"))["mean"]
        assert 0.7 * history <= live <= 1.4 * history, (hour, live, history)
    assert simulate.quiet_gap(datetime(2026, 11, 25, 3, 25, tzinfo=VN)) > 30 * 60  # night: long quiet spells
    assert simulate.quiet_gap(datetime(2026, 11, 25, 17, 10, tzinfo=VN)) < 2 * 60  # rush hour: nearly back to back
