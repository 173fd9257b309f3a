"""Sensors at scale on SQLite, through a real server (waitress) and a real Mosquitto on loopback:
- batch upsert: attribute updates per second through POST /ngsi-ld/v1/entityOperations/upsert (1,000 entities a call)
- single PATCH /entities/{id}/attrs: requests per second and p95 with 8 concurrent clients
- MQTT ingest with rules evaluated: readings per second from publish to stored
- a type + q + georel query over 100,000 entities: p50/p95
Targets (issue #5): ≥ 20,000 updates/s; ≥ 1,000 req/s with p95 < 50 ms; ≥ 20,000 readings/s; p95 < 100 ms.
"""

import concurrent.futures
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _server import free_port, start_server, wait_port


def entity(i, lat, lon, level):
    return {
        "id": f"urn:ngsi-ld:WaterLevelSensor:{i:06d}",
        "type": "WaterLevelSensor",
        "waterLevel": {"type": "Property", "value": level},
        "temperature": {"type": "Property", "value": 20.0},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
    }


def main():
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-benchsensors-"))
    os.environ.update(
        IOC_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="ioc.settings",
        IOC_LOG_CONSOLE="0",
        IOC_RATE_TOKEN="1000000/m",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from ioc.core.models import Role
    from ioc.core.services.accounts import create_token, create_user
    from ioc.core.services.profile import load_profile

    call_command("migrate", verbosity=0)
    load_profile()
    if "--mqtt-only" in sys.argv:  # the ingest figure alone, on a fresh database
        mqtt_ingest(data_dir)
        return
    user = create_user("gateway", "Gateway-pass-2026", Role.OPERATOR)
    token = create_token(user, "bench")[1]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    port = free_port()
    env = {**os.environ}
    server = start_server(port, env)
    rng = random.Random(1)
    try:
        # 1. batch upserts: 100 calls × 1,000 entities × 3 attributes (2 properties + location)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started, updates = time.perf_counter(), 0
        for call in range(100):
            batch = [
                entity(call * 1000 + i, 22.34 + rng.random() * 0.09, 103.35 + rng.random() * 0.17, rng.random() * 3)
                for i in range(1000)
            ]
            conn.request("POST", "/ngsi-ld/v1/entityOperations/upsert", json.dumps(batch), auth)
            response = conn.getresponse()
            response.read()
            assert response.status in (201, 204), response.status
            updates += 1000 * 3
        elapsed = time.perf_counter() - started
        print(
            f"batch upsert: {updates} attribute updates in {elapsed:.1f} s = {updates / elapsed:,.0f}/s "
            f"(100,000 entities created)"
        )

        # 2. single PATCH …/attrs, 8 concurrent clients × 300 requests
        def patcher(worker):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            times = []
            for n in range(300):
                eid = f"urn:ngsi-ld:WaterLevelSensor:{(worker * 300 + n) % 100000:06d}"
                body = json.dumps({"waterLevel": {"type": "Property", "value": n / 100}})
                t = time.perf_counter()
                c.request("PATCH", f"/ngsi-ld/v1/entities/{eid}/attrs", body, auth)
                r = c.getresponse()
                r.read()
                times.append((time.perf_counter() - t) * 1000)
                assert r.status == 204, r.status
            return times

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            all_times = sorted(t for ts in pool.map(patcher, range(8)) for t in ts)
        elapsed = time.perf_counter() - started
        print(
            f"PATCH attrs: {len(all_times)} requests in {elapsed:.1f} s = {len(all_times) / elapsed:,.0f} req/s, "
            f"p50 {statistics.median(all_times):.1f} ms, p95 {all_times[int(len(all_times) * 0.95)]:.1f} ms"
        )

        # 4. type + q + georel over 100,000 entities
        times = []
        for _ in range(50):
            lat, lon = 22.34 + rng.random() * 0.09, 103.35 + rng.random() * 0.17
            path = (
                f"/ngsi-ld/v1/entities?type=WaterLevelSensor&q=waterLevel%3E1.5&georel=near;maxDistance==500"
                f"&geometry=Point&coordinates=[{lon:.5f},{lat:.5f}]&limit=100"
            )
            t = time.perf_counter()
            conn.request("GET", path, headers=auth)
            r = conn.getresponse()
            found = len(json.loads(r.read()))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(
            f"query type+q+georel (500 m) over 100,000 entities: p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.1f} ms (last: {found} found)"
        )
    finally:
        server.terminate()
        server.wait(10)

    mqtt_ingest(data_dir)


PUBLISHER = """
import collections, json, sys, paho.mqtt.client as mqtt
port, total = int(sys.argv[1]), int(sys.argv[2])
pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-pub")
pub.max_inflight_messages_set(0)
pub.connect("127.0.0.1", port)
pub.loop_start()
# MQTT packet ids are 16-bit: with more than 65,535 messages unacknowledged (queued ones included) paho reuses an id
# and drops the message, so the publisher keeps at most 20,000 outstanding.
outstanding = collections.deque()
for i in range(total):
    device = f"urn:ngsi-ld:WaterLevelSensor:{i % 5000:06d}"
    minute, milli = i // 5000 % 60, i % 1000
    body = {"waterLevel": (i % 300) / 100, "observedAt": f"2026-11-25T10:{minute:02d}:00.{milli:03d}+07:00"}
    outstanding.append(pub.publish(f"ioc/devices/{device}/telemetry", json.dumps(body), qos=1))
    if len(outstanding) > 20_000:
        outstanding.popleft().wait_for_publish(60)
for info in outstanding:
    info.wait_for_publish(60)
pub.disconnect()
pub.loop_stop()
"""


def mqtt_ingest(data_dir):
    """3. MQTT ingest with a rule evaluated on every reading; the publisher is another process (its own CPU)."""
    import getpass

    from ioc.core.mqtt import MqttConsumer, topic_handlers
    from ioc.sensors.models import Entity, Reading, Rule
    from ioc.sensors.services import write_entities
    from ioc.sensors.workers import TOPIC, DeviceTelemetry

    missing = [
        entity(i, 22.34 + (i % 97) * 0.0009, 103.35 + (i % 89) * 0.0019, 1.0)
        for i in range(5000)
        if not Entity.objects.filter(entity_id=f"urn:ngsi-ld:WaterLevelSensor:{i:06d}").exists()
    ]
    for start in range(0, len(missing), 1000):
        write_entities(missing[start : start + 1000], "upsert")
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    mqtt_port = free_port()
    conf = data_dir / "mosquitto.conf"
    conf.write_text(
        f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n"
        f"max_inflight_messages 0\nuser {getpass.getuser()}\n"
    )
    broker = subprocess.Popen([mosquitto, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(mqtt_port)
    Rule.objects.create(name="bench", entity_type="WaterLevelSensor", attr="waterLevel", threshold=99, clear_at=90)
    before = Reading.objects.count()
    worker = MqttConsumer(
        "127.0.0.1",
        mqtt_port,
        client_id="bench-ingest",
        batch_size=5000,
        flush_seconds=0.1,
        handlers={**topic_handlers(), TOPIC: DeviceTelemetry(per_device_per_second=1000)},
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    time.sleep(1)
    total = 100_000
    started = time.perf_counter()
    publisher = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(mqtt_port), str(total)])
    deadline = time.time() + 300
    while worker.stored + worker.dead < total and time.time() < deadline:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    publisher.wait(30)
    stored = Reading.objects.count() - before
    print(
        f"MQTT ingest with rules: {stored} readings stored in {elapsed:.1f} s = {stored / elapsed:,.0f}/s "
        f"(QoS 1 from another process; dead letters {worker.dead})"
    )
    stop.set()
    thread.join(10)
    broker.terminate()


if __name__ == "__main__":
    main()
