"""A small lighting network in Đoàn Kết: one cabinet with a main-road and a minor-road circuit of five lamps each."""

from datetime import datetime

import pytest

from ioc.lighting.models import Cabinet, Circuit, Lamp, ScheduleRule
from ioc.lighting.planning import TZ
from ioc.lighting.services import save_rule

LAT, LON = 22.405, 103.455


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def network(units):
    cabinet = Cabinet.objects.create(code="TD01", name="Tủ Trần Hưng Đạo", lat=LAT, lon=LON, unit=units["Đoàn Kết"])
    circuits = {
        road: Circuit.objects.create(cabinet=cabinet, code=f"TD01-{i}", name=f"Tuyến {road}", road_class=road)
        for i, road in enumerate(("main", "minor"), start=1)
    }
    lamps = {
        road: [
            Lamp.objects.create(code=f"{c.code}-{n}", circuit=c, lat=LAT + n * 0.0003, lon=LON, rated_w=100)
            for n in range(1, 6)
        ]
        for road, c in circuits.items()
    }
    save_rule(ScheduleRule(name="Thiên văn", kind="astro", on_offset_min=10, off_offset_min=-10))
    save_rule(ScheduleRule.dimming("Ngõ 50%", "minor", "23:00", "05:00", 50))
    return {"cabinet": cabinet, "circuits": circuits, "lamps": lamps}
