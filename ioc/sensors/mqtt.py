"""`ioc ingest-mqtt`: device telemetry from an MQTT broker (Mosquitto, EMQX) into the context store.

Topic `ioc/devices/{entity id}/telemetry`, payload a JSON object of attribute → value with an optional
`observedAt`. QoS 1 on a persistent session with manual acknowledgement: a message is acknowledged only after its
batch is committed, so a crash or a broker restart loses nothing, and a redelivered message is stored once (readings
are unique per time). Malformed messages go to the dead-letter table with the reason; the worker keeps running.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict, deque

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection

from ioc.sensors.models import DeadLetter
from ioc.sensors.ngsild import NgsiError, observed
from ioc.sensors.services import ingest_telemetry

log = logging.getLogger(__name__)
TOPIC = "ioc/devices/+/telemetry"
MAX_PAYLOAD = 64 * 1024


class IngestWorker:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 1883,
        *,
        client_id: str = "ioc-ingest",
        batch_size: int = 2000,
        flush_seconds: float = 0.2,
        per_device_per_second: int = 20,
        username: str | None = None,
        password: str | None = None,
    ):
        self.host, self.port = host, port
        self.batch_size, self.flush_seconds = batch_size, flush_seconds
        self.per_device = per_device_per_second
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, manual_ack=True
        )
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self._pending: list = []
        self._lock = threading.Lock()
        self._recent: dict[str, deque] = defaultdict(deque)
        self.stored = self.dead = 0
        # Other domains' topics (street-lighting telemetry and command acknowledgements), from the registry.
        from ioc.core.registry import registry

        self.handlers = registry.mqtt_handlers()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        client.subscribe([(TOPIC, 1), *[(topic, 1) for topic in self.handlers]])

    def _on_message(self, client, userdata, message):
        with self._lock:
            self._pending.append(message)

    def _limited(self, device: str, now: float) -> bool:
        window = self._recent[device]
        while window and now - window[0] > 1.0:
            window.popleft()
        window.append(now)
        return len(window) > self.per_device

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
        if not batch:
            return
        messages, positions, dead = [], [], []
        now = time.monotonic()
        batch, routed = self._route(batch)
        for message in batch:
            parts = message.topic.split("/")
            device = parts[2] if len(parts) == 4 else ""
            reason = None
            try:
                if len(message.payload) > MAX_PAYLOAD:
                    raise ValueError("payload larger than 64 KiB")
                if self._limited(device, now):
                    raise ValueError("too many messages from this device (rate limit)")
                payload = json.loads(message.payload)
                if not isinstance(payload, dict) or not payload:
                    raise ValueError("payload must be a non-empty JSON object of attribute → value")
                at = observed(payload.pop("observedAt", None), "observedAt")
                messages.append((device, payload, at))
                positions.append(message)
            except (ValueError, UnicodeDecodeError, NgsiError) as exc:
                reason = getattr(exc, "detail", None) or str(exc)
                dead.append(
                    DeadLetter(
                        topic=message.topic[:300],
                        payload=message.payload[:2000].decode("utf-8", "replace"),
                        reason=reason[:500],
                    )
                )
        try:
            refused = ingest_telemetry(messages) if messages else []
            for index, reason in refused:
                message = positions[index]
                dead.append(
                    DeadLetter(
                        topic=message.topic[:300],
                        payload=message.payload[:2000].decode("utf-8", "replace"),
                        reason=reason,
                    )
                )
            for handler, handled in routed.items():
                for index, reason in handler([(m.topic, m.payload) for m in handled]):
                    message = handled[index]
                    dead.append(
                        DeadLetter(
                            topic=message.topic[:300],
                            payload=message.payload[:2000].decode("utf-8", "replace"),
                            reason=reason[:500],
                        )
                    )
            DeadLetter.objects.bulk_create(dead)
        except Exception:
            # Not acknowledged: the broker redelivers them; the readings' uniqueness absorbs any repeat.
            log.exception("a batch of %s messages failed; they will be redelivered", len(batch))
            close_old_connections()
            return
        for message in batch + [m for handled in routed.values() for m in handled]:
            self.client.ack(message.mid, message.qos)
        self.stored += len(messages) - len(refused)
        self.dead += len(dead)

    def _route(self, batch: list) -> tuple[list, dict]:
        """Device telemetry stays here; messages on another domain's topics go to its handler."""
        if not self.handlers:
            return batch, {}
        own, routed = [], {}
        for message in batch:
            handler = next((h for t, h in self.handlers.items() if mqtt.topic_matches_sub(t, message.topic)), None)
            if handler is None:
                own.append(message)
            else:
                routed.setdefault(handler, []).append(message)
        return own, routed

    def run(self, stop: threading.Event) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        try:
            while not stop.wait(self.flush_seconds):
                self.flush()
            self.flush()
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            connection.close()  # this thread's database connection, so nothing holds the database afterwards


def publish(messages: list[tuple[str, dict]], *, host: str, port: int, username=None, password=None) -> None:
    """Publish JSON messages with QoS 1 and wait until the broker has them all (commands to devices)."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"ioc-publish-{time.monotonic_ns()}")
    if username:
        client.username_pw_set(username, password)
    client.max_inflight_messages_set(100)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    try:
        infos = [client.publish(topic, json.dumps(payload), qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=10)
            if not info.is_published():
                raise OSError("the broker did not take a command in time")
    finally:
        client.disconnect()
        client.loop_stop()
