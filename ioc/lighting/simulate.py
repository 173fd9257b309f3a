"""Demo street lighting for Lai Châu: about 2,700 lamps on 90 circuits from 30 cabinets, laid along straight road
stretches inside today's wards, with the city's schedule rules. Every minute the lamp controllers report through the
same ingest service the MQTT and HTTP paths use: they follow the plan (and any override, whose commands they
acknowledge), with a few dead lamps, one flickering, one burning by day, and now and then a cabinet losing power.
Past nights of the month are filled in from the plans so the energy figures have history."""

from __future__ import annotations

import logging
import math
import random
import zlib
from datetime import timedelta
from threading import Event

from django.utils import timezone

from ioc.core.selectors import city_data
from ioc.core.services.geo import current_units, random_point_in, unit_at
from ioc.lighting import planning, services
from ioc.lighting.models import Cabinet, Circuit, Command, Lamp, NightEnergy, ScheduleRule

log = logging.getLogger(__name__)
CABINETS, LAMPS_PER_CIRCUIT = 30, 30
ROADS = (("main", "đường chính", 150), ("minor", "ngõ nhánh", 70), ("park", "công viên", 100))


def ensure_rules() -> None:
    """The city's schedule: astronomical clock, dimming by road class at night, all night on holidays, brighter in
    fog and heavy rain."""
    if ScheduleRule.objects.exists():
        return
    holidays = [{"from": "17:00", "to": "07:00", "level": 100}]
    for rule in (
        ScheduleRule(name="Đồng hồ thiên văn", kind="astro", on_offset_min=10, off_offset_min=-10),
        ScheduleRule.dimming("Đường chính: 70% sau nửa đêm", "main", "00:00", "04:30", 70),
        ScheduleRule.dimming("Ngõ xóm: 50% từ 23 giờ", "minor", "23:00", "05:00", 50),
        ScheduleRule.dimming("Công viên: tắt sau 23 giờ", "park", "23:00", "05:00", 0),
        ScheduleRule(
            name="Tết và ngày lễ: sáng cả đêm", kind="special", days=["tet", "national-day"], intervals=holidays
        ),
        ScheduleRule(name="Sương mù: tăng độ sáng", kind="weather", condition="fog", threshold=200, level=100),
        ScheduleRule(
            name="Mưa lớn: tăng độ sáng", kind="weather", condition="rain", threshold=20, level=100, priority=1
        ),
    ):
        services.save_rule(rule)


def ensure_network(rng: random.Random) -> None:
    if Cabinet.objects.exists():
        return
    units = [u for u in current_units() if u.geometry]
    lamps = []
    streets = city_data("streets") or [unit.name for unit in units]
    for c in range(CABINETS):
        lat, lon = random_point_in(rng.choice(units).geometry, rng)
        cabinet = Cabinet.objects.create(
            code=f"TD{c + 1:02d}",
            name=f"Tủ {streets[c % len(streets)]} {c // 10 + 1}",
            lat=lat,
            lon=lon,
            unit=unit_at(lat, lon),
        )
        for r, (road, label, watts) in enumerate(ROADS):
            circuit = Circuit.objects.create(
                cabinet=cabinet,
                code=f"{cabinet.code}-{r + 1}",
                road_class=road,
                name=f"{streets[(c + r) % len(streets)]} ({label})",
            )
            bearing = rng.uniform(0, math.pi)
            for n in range(LAMPS_PER_CIRCUIT):
                step = (n + 1) * 30 / 111_000  # a lamp every 30 m along the street
                lamps.append(
                    Lamp(
                        code=f"{circuit.code}-{n + 1:02d}",
                        circuit=circuit,
                        pole=f"C{n + 1:02d}",
                        lat=lat + step * math.cos(bearing),
                        lon=lon + step * math.sin(bearing) / math.cos(math.radians(lat)),
                        kind="led" if rng.random() < 0.8 else "sodium",
                        rated_w=watts,
                        installed_on=timezone.localdate() - timedelta(days=rng.randrange(100, 2500)),
                        supplier=rng.choice(["Rạng Đông", "Điện Quang", "Philips"]),
                    )
                )
    Lamp.objects.bulk_create(lamps, batch_size=2000)


def backfill(days: int = 20) -> None:
    """Each lamp's energy for past nights, from the plans (so the month's savings have history)."""
    if NightEnergy.objects.exists():
        return
    tonight = planning.night_of(timezone.now())
    lamps = list(Lamp.objects.values_list("id", "circuit_id", "rated_w"))
    rows = []
    for back in range(1, days + 1):
        night = tonight - timedelta(days=back)
        plans = planning.plans(night)
        hours_at_level = {
            pk: sum((s.end - s.start).total_seconds() / 3600 * s.level / 100 for s in segs)
            for pk, segs in plans.items()
        }
        rows += [
            NightEnergy(lamp_id=pk, night=night, energy_kwh=round(w * hours_at_level[c] / 1000, 4))
            for pk, c, w in lamps
        ]
    NightEnergy.objects.bulk_create(rows, batch_size=5000)


def tick(rng: random.Random, state: dict) -> None:
    """One minute of controller reports."""
    now = timezone.now()
    night = planning.night_of(now)
    if state.get("night") != night or now - state.get("planned", now) > timedelta(minutes=5):
        state.update(night=night, plans=planning.plans(night), planned=now)
    for command in Command.objects.filter(status__in=["pending", "sent"]).select_related("lamp")[:5000]:
        services.acknowledge(command.pk, command.lamp.code)  # the simulated controllers obey at once
    dark_cabinet = state.get("dark_cabinet")
    records = []
    for lamp in Lamp.objects.select_related("circuit").only(
        "id", "code", "rated_w", "energy_kwh", "burning_hours", "circuit__id", "circuit__cabinet_id"
    ):
        if lamp.circuit.cabinet_id == dark_cabinet:
            continue  # no power: the controllers are silent
        level, _rule = planning.level_at(state["plans"][lamp.circuit_id], now)
        seed = zlib.crc32(lamp.code.encode()) % 1000  # stable across processes, unlike hash()
        if seed < 8:
            level = 0  # a dead lamp
        elif seed == 500:
            level = 100 if level == 0 else level  # burning by day
        elif seed == 900 and rng.random() < 0.5:
            level = 0 if rng.random() < 0.5 else 100  # flickering
        power = lamp.rated_w * level / 100 * rng.uniform(0.95, 1.05) if level else 0.0
        records.append(
            {
                "lamp": lamp.code,
                "at": now,
                "on": level > 0,
                "level": level,
                "power_w": round(power, 1),
                "voltage": round(rng.uniform(218, 232), 1),
                "current_a": round(power / 225, 3),
                "energy_kwh": round((lamp.energy_kwh or 0) + power / 60 / 1000, 5),
                "burning_hours": round((lamp.burning_hours or 0) + (1 / 60 if level else 0), 4),
            }
        )
    services.ingest(records, now)
    # Now and then a cabinet loses power for a while.
    if dark_cabinet is None and rng.random() < 0.01:
        cabinet = rng.choice(list(Cabinet.objects.all()))
        Cabinet.objects.filter(pk=cabinet.pk).update(has_power=False)
        state["dark_cabinet"], state["dark_until"] = cabinet.pk, now + timedelta(minutes=rng.randint(10, 40))
    elif dark_cabinet and now >= state["dark_until"]:
        Cabinet.objects.filter(pk=dark_cabinet).update(has_power=True, last_seen_at=now)
        state["dark_cabinet"] = None


def run(stop: Event) -> None:
    if stop.is_set():
        return
    rng = random.Random(7)
    ensure_rules()
    ensure_network(rng)
    backfill()
    log.info("%s lamps on %s circuits", Lamp.objects.count(), Circuit.objects.count())
    state: dict = {}
    while not stop.is_set():
        tick(rng, state)
        stop.wait(60)
