"""Commands to lamp controllers and their answers over MQTT, through the sensors domain's MQTT module.

Out: `ioc/lighting/{lamp}/command` with {"id", "level"} (0 = off), QoS 1, re-sent until acknowledged.
In (served by `ioc ingest-mqtt`): `ioc/lighting/{lamp}/ack` with {"id"}, and `ioc/lighting/{lamp}/telemetry` with
{"on", "level", "power_w", "voltage", "current_a", "energy_kwh", "burning_hours", "at"?}.
"""

from __future__ import annotations

import json
import os

from django.conf import settings
from django.utils.dateparse import parse_datetime

from ioc.lighting import services

MAX_PER_RUN = 5000


def dispatch_due() -> int:
    """Publish pending commands and re-send unacknowledged ones. Returns how many went out."""
    host = settings.IOC["MQTT_HOST"]
    if not host:
        return 0
    from ioc.sensors.mqtt import publish

    commands = services.due_commands()[:MAX_PER_RUN]
    if not commands:
        return 0
    publish(
        [(f"ioc/lighting/{c.lamp.code}/command", {"id": c.pk, "level": c.level}) for c in commands],
        host=host,
        port=settings.IOC["MQTT_PORT"],
        username=os.environ.get("IOC_MQTT_USER"),
        password=os.environ.get("IOC_MQTT_PASSWORD"),
    )
    services.mark_sent(commands)
    return len(commands)


def _lamp(topic: str) -> str:
    return topic.split("/")[2]


def on_telemetry(messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
    records, positions, refused = [], [], []
    for index, (topic, payload) in enumerate(messages):
        try:
            record = json.loads(payload)
            if not isinstance(record, dict):
                raise ValueError("the payload is a JSON object")
            if "at" in record:
                moment = parse_datetime(str(record["at"]))
                if moment is None or moment.tzinfo is None:
                    raise ValueError("'at' must be an ISO 8601 date-time with its offset")
                record["at"] = moment
        except (ValueError, UnicodeDecodeError) as exc:
            refused.append((index, str(exc)))
            continue
        record["lamp"] = _lamp(topic)
        records.append(record)
        positions.append(index)
    return refused + [(positions[i], reason) for i, reason in services.ingest(records)]


def on_ack(messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
    refused = []
    for index, (topic, payload) in enumerate(messages):
        try:
            command = int(json.loads(payload)["id"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            refused.append((index, 'an acknowledgement is {"id": <command id>}'))
            continue
        if not services.acknowledge(command, _lamp(topic)):
            refused.append((index, f"no pending command {command} for lamp {_lamp(topic)}"))
    return refused


def mqtt_handlers() -> dict:
    return {"ioc/lighting/+/telemetry": on_telemetry, "ioc/lighting/+/ack": on_ack}
