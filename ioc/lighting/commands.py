"""Commands to lamp controllers and their answers over MQTT, through core's MQTT module.

Out: `ioc/lighting/{lamp}/command` with {"id", "level"} (0 = off), QoS 1, re-sent until acknowledged.
In (served by `ioc ingest-mqtt`): `ioc/lighting/{lamp}/ack` with {"id"}, and `ioc/lighting/{lamp}/telemetry` with
{"on", "level", "power_w", "voltage", "current_a", "energy_kwh", "burning_hours", "at"?}; a cabinet gateway sends
all its lamps in one message on `ioc/lighting/cabinet/{cabinet}/telemetry`: {"at"?, "lamps": {lamp: {...}, ...}}
(only its own lamps are taken), so a network of thousands of lamps is a few dozen messages a minute.
"""

from __future__ import annotations

import json

from django.utils.dateparse import parse_datetime

from ioc.core import mqtt
from ioc.core.payloads import PayloadError, load_json
from ioc.lighting import services

MAX_PER_RUN = 5000


def dispatch_due() -> int:
    """Publish pending commands and re-send unacknowledged ones. Returns how many went out."""
    if not mqtt.configured():
        return 0
    commands = services.due_commands()[:MAX_PER_RUN]
    if not commands:
        return 0
    # Marked sent before they go out: a controller may acknowledge faster than we could mark them afterwards, and
    # an acknowledgement must never be overwritten by "sent". A publish that fails is retried as unacknowledged.
    services.mark_sent(commands)
    mqtt.publish(
        [(f"ioc/lighting/{c.lamp.code}/command", json.dumps({"id": c.pk, "level": c.level})) for c in commands]
    )
    return len(commands)


def _lamp(topic: str) -> str:
    return topic.split("/")[2]


def on_telemetry(messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
    records, positions, refused = [], [], []
    for index, (topic, payload) in enumerate(messages):
        try:
            record = load_json(payload)
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


MAX_LAMPS_PER_MESSAGE = 5000


def on_cabinet_telemetry(messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
    from ioc.lighting.models import Lamp

    refused = []
    for index, (topic, payload) in enumerate(messages):
        cabinet = topic.split("/")[3]
        try:
            body = load_json(payload)
            lamps = body["lamps"]
            if not isinstance(lamps, dict) or not lamps or len(lamps) > MAX_LAMPS_PER_MESSAGE:
                raise ValueError
            at = parse_datetime(str(body["at"])) if "at" in body else None
            if "at" in body and (at is None or at.tzinfo is None):
                refused.append((index, "'at' must be an ISO 8601 date-time with its offset"))
                continue
        except PayloadError as exc:
            refused.append((index, str(exc)))
            continue
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            refused.append(
                (index, f'a cabinet message is {{"at"?, "lamps": {{lamp: readings}}}} (≤ {MAX_LAMPS_PER_MESSAGE})')
            )
            continue
        own = set(
            Lamp.objects.filter(circuit__cabinet__code=cabinet, code__in=list(lamps)).values_list("code", flat=True)
        )
        records = [
            {**values, "lamp": code, **({"at": at} if at else {})}
            for code, values in lamps.items()
            if code in own and isinstance(values, dict)
        ]
        problems = services.ingest(records) if records else []
        others = sorted(set(lamps) - own)
        if others or problems:
            reasons = [f"not lamps of cabinet {cabinet}: {', '.join(others[:20])}"] if others else []
            reasons += [f"{records[i]['lamp']}: {reason}" for i, reason in problems[:20]]
            refused.append((index, "; ".join(reasons)[:500]))
    return refused


def on_ack(messages: list[tuple[str, bytes]]) -> list[tuple[int, str]]:
    refused = []
    for index, (topic, payload) in enumerate(messages):
        try:
            command = int(load_json(payload)["id"])
        except PayloadError as exc:
            refused.append((index, str(exc)))
            continue
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            refused.append((index, 'an acknowledgement is {"id": <command id>}'))
            continue
        if not services.acknowledge(command, _lamp(topic)):
            refused.append((index, f"no pending command {command} for lamp {_lamp(topic)}"))
    return refused


def mqtt_handlers() -> dict:
    return {
        "ioc/lighting/+/telemetry": on_telemetry,
        "ioc/lighting/+/ack": on_ack,
        "ioc/lighting/cabinet/+/telemetry": on_cabinet_telemetry,
    }
