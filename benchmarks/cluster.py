"""The production topology (`ioc cluster up`) against the embedded single process, on this machine, in one run:
- batch upsert: attribute updates per second through POST /ngsi-ld/v1/entityOperations/upsert (1,000 entities a call)
- single PATCH /entities/{id}/attrs: requests per second and p95 with 8 concurrent clients
- MQTT ingest with a rule on every reading: readings per second from the first publish to the last stored
each with 1 and with 2 web / ingest workers (gunicorn, `ioc ingest-mqtt --share`), beside the embedded figure
(waitress + one ingest worker on SQLite) and beside raw PostgreSQL COPY and INSERT … ON CONFLICT of the same reading
rows into the same partitioned table (the database's own limit from Python).
Targets (issue #16): ≥ 20,000 updates/s; ≥ 1,000 req/s with p95 < 50 ms; ≥ 20,000 readings/s.

    PYTHONPATH=. .venv/bin/python benchmarks/cluster.py [--readings N]
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from _server import free_port, start_server, wait_port

ENTITIES = 5000
READINGS = int(sys.argv[sys.argv.index("--readings") + 1]) if "--readings" in sys.argv else 50_000
PATCH_CLIENTS, PATCHES_EACH = 8, 250
PUBLISHER = """
import collections, json, sys, paho.mqtt.client as mqtt
port, total, hour = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{hour}")
pub.max_inflight_messages_set(0)
pub.connect("127.0.0.1", port)
pub.loop_start()
outstanding = collections.deque()  # MQTT packet ids are 16-bit: keep at most 20,000 unacknowledged
for i in range(total):
    device = f"urn:ngsi-ld:WaterLevelSensor:{i % 5000:06d}"
    second = i // 5000
    body = {"waterLevel": (i % 300) / 100, "observedAt": f"2026-11-25T{hour:02d}:{second // 60:02d}:{second % 60:02d}Z"}
    outstanding.append(pub.publish(f"ioc/devices/{device}/telemetry", json.dumps(body), qos=1))
    if len(outstanding) > 20_000:
        outstanding.popleft().wait_for_publish(60)
for info in outstanding:
    info.wait_for_publish(60)
pub.disconnect()
pub.loop_stop()
"""


def entity(i: int, level: float) -> dict:
    return {
        "id": f"urn:ngsi-ld:WaterLevelSensor:{i:06d}",
        "type": "WaterLevelSensor",
        "waterLevel": {"type": "Property", "value": level},
        "temperature": {"type": "Property", "value": 20.0},
        "location": {
            "type": "GeoProperty",
            "value": {"type": "Point", "coordinates": [103.35 + (i % 89) * 0.0019, 22.34 + (i % 97) * 0.0009]},
        },
    }


def ioc(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "-m", "ioc.cli", *args], env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"ioc {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def make_token(env: dict) -> str:
    script = (
        "from ioc.core.services.accounts import create_token, create_user; from django.contrib.auth.models import User;"
        "u = User.objects.filter(username='bench').first() or create_user('bench', 'Bench-pass-2026', 'operator');"
        "print(create_token(u, 'bench')[1])"
    )
    return ioc("manage", "shell", "-c", script, env=env).strip().splitlines()[-1]


def batch_upsert(port: int, token: str, calls: int, level: float) -> str:
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    bodies = [json.dumps([entity(c * 1000 + i, level) for i in range(1000)]) for c in range(calls)]
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/ngsi-ld/v1/entityOperations/upsert", body, auth)
        response = conn.getresponse()
        response.read()
        assert response.status in (201, 204), response.status
    elapsed = time.perf_counter() - started
    return f"{calls * 3000 / elapsed:,.0f} updates/s"


def patches(port: int, token: str) -> str:
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(worker: int) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times = []
        for n in range(PATCHES_EACH):
            eid = f"urn:ngsi-ld:WaterLevelSensor:{(worker * PATCHES_EACH + n) % ENTITIES:06d}"
            body = json.dumps({"waterLevel": {"type": "Property", "value": n / 100}})
            started = time.perf_counter()
            conn.request("PATCH", f"/ngsi-ld/v1/entities/{eid}/attrs", body, auth)
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status == 204, response.status
        return times

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(PATCH_CLIENTS) as pool:
        times = sorted(t for ts in pool.map(client, range(PATCH_CLIENTS)) for t in ts)
    elapsed = time.perf_counter() - started
    return f"{len(times) / elapsed:,.0f} req/s, p95 {times[int(len(times) * 0.95)]:.1f} ms"


def mqtt_ingest(mqtt_port: int, count_readings, hour: int) -> str:
    before = count_readings()
    started = time.perf_counter()
    publisher = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(mqtt_port), str(READINGS), str(hour)])
    deadline = time.monotonic() + 600
    while (stored := count_readings() - before) < READINGS and time.monotonic() < deadline:
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    publisher.wait(60)
    return f"{stored / elapsed:,.0f} readings/s ({stored} of {READINGS})"


def add_rule(env: dict) -> None:
    script = (
        "from ioc.sensors.models import Rule; Rule.objects.get_or_create(name='bench', defaults=dict("
        "entity_type='WaterLevelSensor', attr='waterLevel', threshold=99, clear_at=90))"
    )
    ioc("manage", "shell", "-c", script, env=env)


def embedded(results: dict) -> None:
    """waitress (8 threads) and one `ioc ingest-mqtt`, on SQLite, with a Mosquitto of their own."""
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-bench-embedded-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(IOC_DATA_DIR=str(data_dir), IOC_LOG_CONSOLE="0", IOC_RATE_TOKEN="1000000/m")
    ioc("load-profile", env=env)
    token = make_token(env)
    add_rule(env)
    port, mqtt_port = free_port(), free_port()
    conf = data_dir / "mosquitto.conf"
    conf.write_text(
        f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nmax_inflight_messages 0\n"
    )
    broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = start_server(port, env)
    wait_port(mqtt_port)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "ioc.cli", "ingest-mqtt", "--port", str(mqtt_port), "--client-id", "bench"], env=env
    )
    try:
        batch_upsert(port, token, ENTITIES // 1000, 1.0)  # the devices
        results["batch upsert"]["embedded"] = batch_upsert(port, token, ENTITIES // 1000, 1.5)
        results["PATCH attrs"]["embedded"] = patches(port, token)
        import sqlite3

        def count() -> int:
            with sqlite3.connect(data_dir / "ioc.sqlite3", timeout=30) as db:
                return db.execute("SELECT count(*) FROM sensors_reading").fetchone()[0]

        time.sleep(1)  # the ingest worker subscribed
        results["MQTT ingest"]["embedded"] = mqtt_ingest(mqtt_port, count, hour=1)
    finally:
        for process in (ingest, server, broker):
            process.terminate()
            process.wait(30)
        shutil.rmtree(data_dir, ignore_errors=True)


def on_cluster(results: dict, root: Path, workers: int, hour: int) -> None:
    ports = {"port": free_port(), "mqtt-port": free_port(), "pg-port": free_port(), "redis-port": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env["IOC_RATE_TOKEN"] = "1000000/m"
    options = [f"--{k}={v}" for k, v in ports.items()]
    ioc(
        "cluster",
        "up",
        "--dir",
        str(root),
        f"--web={workers}",
        f"--ingest={workers}",
        "--consumers=1",
        "--skip=cameras",
        *options,
        env=env,
    )
    cluster_env = dict(line.split("=", 1) for line in (root / "ioc.env").read_text().splitlines() if "=" in line)
    env.update(cluster_env)
    column = f"cluster, {workers} worker{'s' if workers > 1 else ''}"
    try:
        token = make_token(env)
        add_rule(env)
        port = ports["port"]
        if workers == 1:
            batch_upsert(port, token, ENTITIES // 1000, 1.0)  # the devices
        results["batch upsert"][column] = batch_upsert(port, token, ENTITIES // 1000, 1.5 + workers)
        results["PATCH attrs"][column] = patches(port, token)

        def count() -> int:
            with psycopg.connect(env["IOC_DATABASE_URL"], autocommit=True) as db:
                return db.execute("SELECT count(*) FROM sensors_reading").fetchone()[0]

        time.sleep(1)
        results["MQTT ingest"][column] = mqtt_ingest(ports["mqtt-port"], count, hour=hour)
        if workers == 2:
            raw_postgres(results, env["IOC_DATABASE_URL"])
    finally:
        ioc("cluster", "down", "--dir", str(root), env=env)


def raw_postgres(results: dict, url: str) -> None:
    """The same reading rows straight into a copy of the partitioned readings table: the database's limit."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_reading")
        db.execute("CREATE TABLE bench_reading (LIKE sensors_reading INCLUDING ALL) ")
        ids = [r[0] for r in db.execute("SELECT id FROM sensors_entity WHERE entity_id LIKE '%WaterLevelSensor%'")]
        rows = [
            (
                ids[i % len(ids)],
                "waterLevel",
                f"2026-11-25T03:{i // 5000 // 60:02d}:{i // 5000 % 60:02d}Z",
                i % 300 / 100,
            )
            for i in range(READINGS)
        ]
        started = time.perf_counter()
        with (
            db.cursor() as cursor,
            cursor.copy("COPY bench_reading (entity_id, attr, observed_at, value) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        copy_rate = READINGS / (time.perf_counter() - started)
        db.execute("TRUNCATE bench_reading")
        started = time.perf_counter()
        with db.transaction(), db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_reading (entity_id, attr, observed_at, value) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (entity_id, attr, observed_at) DO NOTHING",
                rows,
            )
        insert_rate = READINGS / (time.perf_counter() - started)
        db.execute("DROP TABLE bench_reading")
    results["MQTT ingest"]["raw PostgreSQL"] = f"COPY {copy_rate:,.0f} rows/s; INSERT {insert_rate:,.0f} rows/s"


def main() -> None:
    results = {"batch upsert": {}, "PATCH attrs": {}, "MQTT ingest": {}}
    root = Path(tempfile.mkdtemp(prefix="ioc-bench-cluster-"))
    root.chmod(0o755)  # PostgreSQL runs as its own user when this runs as root
    try:
        embedded(results)
        on_cluster(results, root, workers=1, hour=4)
        on_cluster(results, root, workers=2, hour=5)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{os.cpu_count()} CPUs; {ENTITIES} entities; {PATCH_CLIENTS} PATCH clients; {READINGS} MQTT readings")
    for figure, columns in results.items():
        print(f"{figure}:")
        for column, value in columns.items():
            print(f"  {column:<22} {value}")


if __name__ == "__main__":
    main()
