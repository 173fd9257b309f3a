"""Device telemetry over MQTT, served by core's consumer (`ioc ingest-mqtt`, `ioc.core.mqtt`).

Topic `ioc/devices/{entity id}/telemetry`, payload a JSON object of attribute → value with an optional
`observedAt`. Readings are unique per time, so a message the broker redelivers is stored once. Malformed messages,
unknown devices and a device over its rate are refused one by one; the core puts them in the dead letters.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ioc.core.payloads import load_json
from ioc.sensors.ngsild import NgsiError, observed
from ioc.sensors.services import ingest_telemetry

TOPIC = "ioc/devices/+/telemetry"


class DeviceTelemetry:
    """A batch handler for device telemetry, limiting each device to `per_device_per_second` messages.

    The rate is judged by each message's own time (its observedAt, else its arrival): after an outage the backlog
    arrives in a burst, and readings a device sent at its normal pace must not be refused for arriving together."""

    def __init__(self, per_device_per_second: int = 20):
        self.per_device = per_device_per_second
        self._per_second: dict[str, dict[int, int]] = defaultdict(dict)

    def _limited(self, device: str, moment: float) -> bool:
        buckets = self._per_second[device]
        second = int(moment)
        buckets[second] = buckets.get(second, 0) + 1
        while len(buckets) > 120:  # keep two minutes of a device's history: the oldest second goes first
            del buckets[next(iter(buckets))]
        return buckets[second] > self.per_device

    def __call__(self, messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
        readings, positions, refused = [], [], []
        arrived = time.time()
        for index, (topic, payload) in enumerate(messages):
            parts = topic.split("/")
            device = parts[2] if len(parts) == 4 else ""
            try:
                body = load_json(payload)  # PayloadError (a ValueError): invalid, too deep, NUL characters
                if not isinstance(body, dict) or not body:
                    raise ValueError("payload must be a non-empty JSON object of attribute → value")
                at = observed(body.pop("observedAt", None), "observedAt")
                if self._limited(device, at.timestamp() if at else arrived):
                    raise ValueError("too many messages from this device (rate limit)")
            except (ValueError, NgsiError) as exc:
                refused.append((index, getattr(exc, "detail", None) or str(exc)))
                continue
            readings.append((device, body, at))
            positions.append(index)
        return refused + [(positions[i], reason) for i, reason in (ingest_telemetry(readings) if readings else [])]


def mqtt_handlers() -> dict:
    return {TOPIC: DeviceTelemetry()}
