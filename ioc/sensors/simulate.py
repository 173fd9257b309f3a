"""Demo sensor network for Lai Châu: rain gauges, stream levels, slope soil moisture and tilt, air quality, weather,
a server room. Diurnal cycles, rain events that raise the streams after a delay, occasional silent devices, and a
flash-flood scenario now and then — all through the same ingest function the MQTT worker uses."""

from __future__ import annotations

import logging
import math
import random
from datetime import timedelta
from threading import Event

from django.db import close_old_connections
from django.utils import timezone

from ioc.core.services.geo import current_units
from ioc.sensors.models import Entity, Rule
from ioc.sensors.services import ingest_telemetry, write_entities

log = logging.getLogger(__name__)

# type, count, attributes (name: (base, daily amplitude, unit code)), expected interval s
NETWORK = [
    ("RainGauge", 8, {"precipitation": (0.0, 0.0, "MMT")}, 300),
    ("WaterLevelSensor", 6, {"waterLevel": (0.6, 0.05, "MTR")}, 300),
    ("SoilMoistureSensor", 8, {"soilMoisture": (32.0, 2.0, "P1"), "tilt": (0.2, 0.02, "DD")}, 600),
    ("AirQualityObserved", 5, {"pm25": (28.0, 12.0, "GQ"), "pm10": (45.0, 15.0, "GQ")}, 600),
    (
        "WeatherObserved",
        3,
        {
            "temperature": (19.0, 5.0, "CEL"),
            "relativeHumidity": (80.0, 10.0, "P1"),
            "visibility": (4000.0, 2500.0, "MTR"),
        },
        600,
    ),
    ("ServerRoomSensor", 1, {"temperature": (23.0, 1.0, "CEL")}, 300),
]
RULES = [
    ("Mưa lớn (mm/giờ)", "RainGauge", "precipitation", "above", 30, 20, "major"),
    ("Mực nước suối vượt báo động", "WaterLevelSensor", "waterLevel", "above", 2.0, 1.6, "critical"),
    ("Độ ẩm đất sườn dốc cao", "SoilMoistureSensor", "soilMoisture", "above", 45, 40, "major"),
    ("Bụi mịn PM2.5 cao", "AirQualityObserved", "pm25", "above", 75, 55, "warning"),
    ("Sương mù dày", "WeatherObserved", "visibility", "below", 200, 500, "warning"),
    ("Phòng máy chủ quá nóng", "ServerRoomSensor", "temperature", "above", 30, 27, "major"),
]


def ensure_network(rng: random.Random) -> list[Entity]:
    """Create the demo devices (with places inside today's wards) and their rules, if missing."""
    from ioc.core.services.geo import random_point_in

    if Entity.objects.exists():
        return list(Entity.objects.all())
    units = [u for u in current_units() if u.geometry]
    bodies = []
    for kind, count, attrs, _interval in NETWORK:
        for n in range(1, count + 1):
            lat, lon = random_point_in(rng.choice(units).geometry, rng)
            body = {
                "id": f"urn:ngsi-ld:{kind}:LC-{n:02d}",
                "type": kind,
                "location": {"type": "Point", "coordinates": [lon, lat]},
            }
            body.update(
                {
                    name: {"type": "Property", "value": base, "unitCode": code}
                    for name, (base, _amp, code) in attrs.items()
                }
            )
            bodies.append(body)
    write_entities(bodies, "create")
    for kind, _count, _attrs, interval in NETWORK:
        Entity.objects.filter(type=kind).update(expected_interval_s=interval)
    for name, kind, attr, direction, threshold, clear_at, severity in RULES:
        Rule.objects.get_or_create(
            name=name,
            defaults={
                "entity_type": kind,
                "attr": attr,
                "direction": direction,
                "threshold": threshold,
                "clear_at": clear_at,
                "severity": severity,
            },
        )
    return list(Entity.objects.all())


class Weather:
    """A shared state: a rain event raises rainfall, then (later) stream levels and soil moisture."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rain = 0.0  # mm/h
        self.wetness = 0.0  # accumulated, drives streams and soil
        self.flood = False

    def step(self) -> None:
        if self.rain <= 0 and self.rng.random() < 0.03:
            self.rain = self.rng.uniform(5, 25)
            self.flood = self.rng.random() < 0.25  # now and then a flash-flood scenario
        elif self.rain > 0:
            self.rain = max(0.0, self.rain + self.rng.uniform(-4, 6 if self.flood else 2))
            if self.flood and self.rain < 40:
                self.rain += 8
            if self.rng.random() < 0.08:
                self.rain, self.flood = 0.0, False
        self.wetness = max(0.0, self.wetness * 0.97 + self.rain / 20)


def reading(rng, weather: Weather, entity: Entity, name: str, base: float, amp: float, hour: float) -> float:
    daily = math.sin((hour - 9) / 24 * 2 * math.pi)
    if name == "precipitation":
        return round(max(0.0, weather.rain * rng.uniform(0.6, 1.3)), 1)
    if name == "waterLevel":
        return round(base + weather.wetness * 0.35 * rng.uniform(0.8, 1.2) + amp * daily, 2)
    if name == "soilMoisture":
        return round(min(60, base + weather.wetness * 2.2 + rng.uniform(-0.5, 0.5)), 1)
    if name == "tilt":
        return round(base + max(0, weather.wetness - 8) * 0.05 + rng.uniform(-0.01, 0.01), 3)
    if name == "visibility":
        fog = 3500 if 4 <= hour <= 8 else 0  # morning fog in the valley
        return round(max(50, base + amp * daily - fog - weather.rain * 60 + rng.uniform(-200, 200)))
    if name in ("pm25", "pm10"):
        evening = 1.6 if 17 <= hour <= 21 else 1.0  # cooking fires and traffic
        return round(max(2, (base + amp * daily) * evening * (0.4 if weather.rain else 1) + rng.uniform(-4, 4)), 1)
    return round(base + amp * daily + rng.uniform(-0.3, 0.3), 1)


def tick(rng, weather: Weather, entities: list[Entity], at) -> None:
    weather.step()
    attrs_by_type = {kind: attrs for kind, _c, attrs, _i in NETWORK}
    hour = timezone.localtime(at).hour + timezone.localtime(at).minute / 60
    messages = []
    for entity in entities:
        if rng.random() < 0.01:
            continue  # a device misses a report now and then
        if entity.entity_id.endswith("LC-07") and entity.type == "RainGauge":
            continue  # one gauge is broken: the stale rule notices
        values = {
            name: reading(rng, weather, entity, name, base, amp, hour)
            for name, (base, amp, _code) in attrs_by_type.get(entity.type, {}).items()
        }
        messages.append((entity.entity_id, values, at))
    ingest_telemetry(messages)


def run(stop: Event, *, seed: int | None = None, seconds: float = 10.0) -> None:
    rng = random.Random(seed)
    if not list(current_units()):
        log.warning("no units: load a profile first")
        return
    entities = ensure_network(rng)
    weather = Weather(rng)
    from ioc.sensors.models import Reading

    if not Reading.objects.filter(observed_at__lt=timezone.now() - timedelta(hours=1)).exists():
        now = timezone.now()
        for minutes in range(24 * 60, 0, -10):  # a day of history, every 10 minutes
            tick(rng, weather, entities, now - timedelta(minutes=minutes))
    while not stop.wait(seconds):
        try:
            tick(rng, weather, entities, timezone.now())
        finally:
            close_old_connections()
