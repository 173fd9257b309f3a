"""MQTT ingest against a real Mosquitto broker (Debian's), including a broker restart mid-stream."""

import getpass
import json
import shutil
import socket
import subprocess
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
import pytest

from ioc.core.models import DeadLetter
from ioc.core.mqtt import MqttConsumer
from ioc.sensors.models import Entity, Reading
from ioc.sensors.workers import TOPIC, DeviceTelemetry

pytestmark = pytest.mark.django_db(transaction=True)
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A Mosquitto on loopback with persistence, so queued messages survive a restart."""

    def __init__(self, folder):
        self.port = free_port()
        self.config = folder / "mosquitto.conf"
        # As root, Mosquitto drops to user "mosquitto", which could not write its persistence file in our folder:
        # run it as ourselves, so queued messages really are saved across the restart.
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {folder}/\nmax_queued_messages 100000\n"
            f"user {getpass.getuser()}\n"
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def broker(tmp_path):
    if not shutil.which("mosquitto") and not shutil.which(MOSQUITTO):
        pytest.fail("mosquitto is missing: scripts/test installs it")
    b = Broker(tmp_path)
    b.start()
    yield b
    if b.process.poll() is None:
        b.stop()


@pytest.fixture
def devices(units):
    from ioc.sensors.services import write_entities

    bodies = [
        {
            "id": f"urn:ngsi-ld:RainGauge:rg-{i}",
            "type": "RainGauge",
            "location": {"type": "Point", "coordinates": [103.455, 22.405]},
        }
        for i in range(3)
    ]
    write_entities(bodies, "create")
    return [b["id"] for b in bodies]


def publisher(port):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{time.monotonic_ns()}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def telemetry(per_second):
    """Every domain's topics, with device telemetry limited to `per_second` messages a device."""
    from ioc.core.mqtt import topic_handlers

    return {**topic_handlers(), TOPIC: DeviceTelemetry(per_device_per_second=per_second)}


def run_worker(port):
    worker = MqttConsumer(
        "127.0.0.1", port, client_id="ioc-test-ingest", flush_seconds=0.05, handlers=telemetry(per_second=1000)
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    return worker, stop, thread


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_telemetry_is_stored_and_bad_messages_go_to_the_dead_letters(broker, devices):
    worker, stop, thread = run_worker(broker.port)
    assert worker.subscribed.wait(20)
    pub = publisher(broker.port)
    good = {"rainfall": 12.5, "observedAt": "2026-11-25T08:00:00+07:00"}
    pub.publish(f"ioc/devices/{devices[0]}/telemetry", json.dumps(good), qos=1).wait_for_publish()
    pub.publish(f"ioc/devices/{devices[1]}/telemetry", json.dumps({"rainfall": 3}), qos=1).wait_for_publish()
    pub.publish(f"ioc/devices/{devices[0]}/telemetry", b"{not json", qos=1).wait_for_publish()
    pub.publish(f"ioc/devices/{devices[0]}/telemetry", json.dumps([1, 2]), qos=1).wait_for_publish()
    pub.publish(
        "ioc/devices/urn:ngsi-ld:RainGauge:unknown/telemetry", json.dumps({"rainfall": 1}), qos=1
    ).wait_for_publish()
    pub.publish(
        f"ioc/devices/{devices[2]}/telemetry", json.dumps({"rainfall": 1, "observedAt": "2099-01-01T00:00:00Z"}), qos=1
    ).wait_for_publish()
    assert wait_until(lambda: Reading.objects.count() == 2 and DeadLetter.objects.count() == 4)
    stop.set()
    thread.join(10)
    pub.loop_stop()
    assert Entity.objects.get(entity_id=devices[0]).attrs["rainfall"]["value"] == 12.5
    reasons = " | ".join(DeadLetter.objects.values_list("reason", flat=True))
    assert "JSON" in reasons or "Expecting" in reasons
    assert "unknown device" in reasons and "future" in reasons and "non-empty JSON object" in reasons


def test_a_flooding_device_is_limited(broker, devices):
    worker = MqttConsumer(
        "127.0.0.1", broker.port, client_id="ioc-flood", flush_seconds=0.05, handlers=telemetry(per_second=5)
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    assert worker.subscribed.wait(20)
    pub = publisher(broker.port)
    for i in range(30):  # thirty readings inside one second of the device's own clock
        pub.publish(
            f"ioc/devices/{devices[0]}/telemetry",
            json.dumps({"rainfall": i, "observedAt": f"2026-11-25T08:00:00.{i:03d}+07:00"}),
            qos=1,
        )
    assert wait_until(lambda: Reading.objects.count() + DeadLetter.objects.count() == 30)
    stop.set()
    thread.join(10)
    pub.loop_stop()
    assert DeadLetter.objects.filter(reason__contains="rate limit").count() == 25
    assert Reading.objects.count() == 5


def test_a_backlog_after_an_outage_is_judged_by_the_readings_own_time(devices):
    """5,000 readings sent at a normal pace arrive together after an ingest outage: none is refused as a flood."""
    handler = DeviceTelemetry(per_device_per_second=5)
    start = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    batch = [
        (
            f"ioc/devices/{devices[i % 3]}/telemetry",
            json.dumps({"rainfall": i, "observedAt": (start + timedelta(seconds=i // 3)).isoformat()}).encode(),
        )
        for i in range(5000)
    ]
    assert handler(batch) == []
    assert Reading.objects.count() == 5000


def test_a_broker_restart_mid_stream_loses_nothing_and_doubles_nothing(broker, devices):
    worker, stop, thread = run_worker(broker.port)
    assert worker.subscribed.wait(20)
    total = 400

    def send(start, count):
        pub = publisher(broker.port)
        for i in range(start, start + count):
            payload = json.dumps({"rainfall": i, "observedAt": f"2026-11-25T09:{i // 60:02d}:{i % 60:02d}+07:00"})
            info = pub.publish(f"ioc/devices/{devices[i % 3]}/telemetry", payload, qos=1)
            info.wait_for_publish(timeout=10)
        pub.disconnect()
        pub.loop_stop()

    send(0, total // 2)
    broker.stop()  # mid-stream: some messages may still be queued for the worker
    time.sleep(1.0)
    broker.start()
    send(total // 2, total // 2)
    ok = wait_until(lambda: Reading.objects.count() >= total, seconds=40)
    assert ok, (
        Reading.objects.count(),
        worker.stored,
        worker.dead,
        list(DeadLetter.objects.values_list("reason", flat=True))[:3],
    )
    time.sleep(1.0)  # anything redelivered twice would show up now
    stop.set()
    thread.join(10)
    values = sorted(Reading.objects.values_list("value", flat=True))
    assert values == [float(i) for i in range(total)]  # every reading once


def test_workers_in_a_share_group_split_the_messages_and_store_each_once(broker, devices):
    workers = []
    for n in (1, 2):
        worker = MqttConsumer(
            "127.0.0.1",
            broker.port,
            client_id=f"ioc-test-share-{n}",
            flush_seconds=0.05,
            handlers=telemetry(per_second=1000),
            share_group="ioc",
        )
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        thread.start()
        workers.append((worker, stop, thread))
    assert all(w.subscribed.wait(20) for w, _s, _t in workers)
    pub = publisher(broker.port)
    for i in range(300):
        body = {"rainfall": i, "observedAt": f"2026-11-25T{8 + i // 60:02d}:{i % 60:02d}:00+07:00"}
        pub.publish(f"ioc/devices/{devices[i % 3]}/telemetry", json.dumps(body), qos=1).wait_for_publish()
    assert wait_until(lambda: Reading.objects.count() == 300)
    for _w, stop, thread in workers:
        stop.set()
        thread.join(10)
    pub.loop_stop()
    stored = [w.stored for w, _s, _t in workers]
    assert sum(stored) == 300 and min(stored) > 0, stored  # both took a share; none stored twice
