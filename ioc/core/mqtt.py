"""MQTT for every domain: the broker connection (host, port and credentials from settings), publishing commands to
devices, and `ioc ingest-mqtt`, the consumer that serves every domain's topics.

A domain names its topics in its registration (`Domain(mqtt=...)` returning {topic filter: batch handler}); a
handler takes `[(topic, payload bytes)]` and returns the messages it refused as `[(index, reason)]`. The consumer
subscribes with QoS 1 on a persistent session and acknowledges a message only after its batch committed, so a crash
or a broker restart loses nothing; refused and failing messages go to the dead letters (see `ioc.core.workers`).
"""

from __future__ import annotations

import logging
import threading
import time

import paho.mqtt.client as mqtt
from django.conf import settings

from ioc.core.workers import BatchWorker, Message, register_replayer

log = logging.getLogger(__name__)
MAX_PAYLOAD = 64 * 1024
WORKER = "mqtt"


def new_client(client_id: str, **options) -> mqtt.Client:
    """A paho client with the configured credentials (IOC_MQTT_USER / IOC_MQTT_PASSWORD)."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, **options)
    if settings.IOC["MQTT_USER"]:
        client.username_pw_set(settings.IOC["MQTT_USER"], settings.IOC["MQTT_PASSWORD"])
    return client


def configured() -> bool:
    """Whether a broker is configured for publishing (IOC_MQTT_HOST); without one, commands wait in the database."""
    return bool(settings.IOC["MQTT_HOST"])


def publish(messages: list[tuple[str, bytes | str]], *, host: str | None = None, port: int | None = None) -> None:
    """Publish with QoS 1 and wait until the broker has every message (commands to devices)."""
    client = new_client(f"ioc-publish-{time.monotonic_ns()}")
    client.max_inflight_messages_set(100)
    client.connect(host or settings.IOC["MQTT_HOST"], port or settings.IOC["MQTT_PORT"], keepalive=30)
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=10)
            if not info.is_published():
                raise OSError("the broker did not take a message in time")
    finally:
        client.disconnect()
        client.loop_stop()


def topic_handlers() -> dict:
    """Every registered domain's MQTT topic filters and their batch handlers."""
    from ioc.core.registry import registry

    return registry.mqtt_handlers()


def route(handlers: dict, messages: list[Message]) -> tuple[dict, list[tuple[int, str]]]:
    """Messages grouped by the handler whose topic filter matches; those no handler takes are refused."""
    groups: dict = {}
    refused = []
    for index, message in enumerate(messages):
        handler = next((h for t, h in handlers.items() if mqtt.topic_matches_sub(t, message.topic)), None)
        if handler is None:
            refused.append((index, "no domain serves this topic"))
        elif len(message.payload) > MAX_PAYLOAD:
            refused.append((index, "payload larger than 64 KiB"))
        else:
            groups.setdefault(handler, []).append(index)
    return groups, refused


def handle_messages(messages: list[Message], handlers: dict | None = None) -> list[tuple[int, str]]:
    """Hand each message to its domain's handler; returns the refused ones as (index, reason)."""
    handlers = topic_handlers() if handlers is None else handlers
    groups, refused = route(handlers, messages)
    for handler, indexes in groups.items():
        problems = handler([(messages[i].topic, messages[i].payload) for i in indexes])
        refused += [(indexes[i], str(reason)[:500]) for i, reason in problems]
    return refused


register_replayer(WORKER, lambda: handle_messages)


class MqttConsumer(BatchWorker):
    """`ioc ingest-mqtt`: every domain's topics, in batches, acknowledged after commit."""

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        client_id: str = "ioc-ingest",
        batch_size: int = 2000,
        flush_seconds: float = 0.2,
        handlers: dict | None = None,
        share_group: str | None = None,
    ):
        super().__init__(f"{WORKER}:{client_id}")
        # With a share group, several consumers (each its own client id) split the topics' messages between them
        # (MQTT shared subscriptions, `$share/<group>/<filter>`): the broker gives each message to one of them.
        self.share_group = share_group
        self.host = host or settings.IOC["MQTT_HOST"] or "127.0.0.1"
        self.port = port or settings.IOC["MQTT_PORT"]
        self.batch_size = batch_size
        self.idle_seconds = flush_seconds
        self.handlers = topic_handlers() if handlers is None else handlers
        self.client = new_client(client_id, clean_session=False, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.on_disconnect = lambda *args: self.subscribed.clear()
        self.client.on_message = self._on_message
        self.subscribed = threading.Event()  # the broker confirmed our subscriptions (tests and probes wait on it)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self._pending: list = []
        self._lock = threading.Lock()

    @property
    def stored(self) -> int:
        return self.counters.stored

    @property
    def dead(self) -> int:
        return self.counters.dead_lettered

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        prefix = f"$share/{self.share_group}/" if self.share_group else ""
        client.subscribe([(prefix + topic, 1) for topic in self.handlers])

    def _on_message(self, client, userdata, message):
        with self._lock:
            self._pending.append(message)

    def handle(self, messages: list[Message]) -> list[tuple[int, str]]:
        return handle_messages(messages, self.handlers)

    def setup(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def run_once(self) -> bool:
        with self._lock:
            batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
        if not batch:
            return False
        try:
            self.process([Message(topic=m.topic, payload=m.payload, ref=m) for m in batch])
        except Exception:  # the database is away: keep them, unacknowledged, for the next try after the backoff
            with self._lock:
                self._pending[:0] = batch
            raise
        # Stored or dead-lettered, each of them: now the broker may forget them.
        for message in batch:
            self.client.ack(message.mid, message.qos)
        return True

    def teardown(self) -> None:
        try:
            while self.run_once():  # what arrived before the stop is stored and acknowledged
                pass
        finally:
            self.client.disconnect()
            self.client.loop_stop()
