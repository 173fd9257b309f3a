"""The kill drill: `ioc ingest-mqtt` killed with SIGKILL mid-stream and started again loses no reading and stores
none twice (QoS 1, a persistent session, acknowledgements only after the batch committed)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import paho.mqtt.client as mqtt
import pytest

from tests.sensors.test_mqtt import broker  # noqa: F401 (the fixture)
from tests.sensors.test_mqtt import wait_until as wait_for

TOTAL = 3000


def ioc(*args, data_dir):
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "IOC_LOG_CONSOLE": "0"}
    env.pop("IOC_TASKS_IMMEDIATE", None)
    return env, [sys.executable, "-m", "ioc.cli", *args]


def run(*args, data_dir):
    env, command = ioc(*args, data_dir=data_dir)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=180)


def count(data_dir) -> int:
    with sqlite3.connect(data_dir / "ioc.sqlite3", timeout=30) as db:
        return db.execute("SELECT COUNT(*), COUNT(DISTINCT value) FROM sensors_reading").fetchone()


@pytest.mark.skipif("IOC_DATABASE_URL" in os.environ, reason="the drill's own worker processes use an SQLite data dir")
def test_killing_the_ingest_worker_mid_stream_loses_nothing_and_doubles_nothing(broker, tmp_path):  # noqa: F811
    data_dir = tmp_path / "drill"
    run("load-profile", "ioc/core/profiles/laichau/profile.geojson", data_dir=data_dir)
    bodies = [{"id": f"urn:ngsi-ld:RainGauge:k{i}", "type": "RainGauge"} for i in range(3)]
    run(
        "manage",
        "shell",
        "-c",
        f"from ioc.sensors.services import write_entities; write_entities({bodies!r}, 'create')",
        data_dir=data_dir,
    )

    def start_worker():
        env, command = ioc(
            "ingest-mqtt", "--host", "127.0.0.1", "--port", str(broker.port), "--client-id", "drill", data_dir=data_dir
        )
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="drill-publisher")
    publisher.connect("127.0.0.1", broker.port)
    publisher.loop_start()

    def send(i):
        payload = {"rain": i, "observedAt": f"2026-11-25T{8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}+07:00"}
        return publisher.publish(f"ioc/devices/urn:ngsi-ld:RainGauge:k{i % 3}/telemetry", json.dumps(payload), qos=1)

    worker = start_worker()
    try:
        # The worker is subscribed (and its session kept by the broker) once a first reading is stored.
        # Until then the broker drops what nobody subscribed to: send the first reading again (it is stored once).
        def first_stored():
            send(0).wait_for_publish(10)
            return wait_for(lambda: count(data_dir)[0] >= 1, seconds=2)

        assert wait_for(first_stored, seconds=120), "the worker never stored the first reading"
        for i in range(1, TOTAL):
            send(i)
            if i == TOTAL // 3:
                worker.send_signal(signal.SIGKILL)  # mid-stream, whatever it holds
                worker.wait(10)
        send(TOTAL - 1).wait_for_publish(30)
        worker = start_worker()
        assert wait_for(lambda: count(data_dir)[0] >= TOTAL, seconds=120), count(data_dir)
        time.sleep(1)  # anything redelivered twice would land now
        assert count(data_dir) == (TOTAL, TOTAL)  # every reading, once
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
        publisher.loop_stop()
