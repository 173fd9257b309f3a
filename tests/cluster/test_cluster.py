"""The production topology started by `ioc cluster up` (PostgreSQL, Redis, Mosquitto, gunicorn ×2, ingest ×2,
consumers ×2, camera workers) and the failure drills run on it while devices and clients keep sending: one ingest
worker killed, Mosquitto restarted, one web worker killed, one task consumer killed, Redis restarted. Nothing the
cluster acknowledged is lost, nothing is stored twice, the other processes keep serving.

Run by `scripts/test` as its third stage (`-m cluster`); the SQLite and PostgreSQL stages leave it out.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
import pytest

pytestmark = pytest.mark.cluster
DEVICES = [f"urn:ngsi-ld:WaterLevelSensor:drill-{i}" for i in range(10)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 120.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.ports = {k: free_port() for k in ("port", "mqtt-port", "pg-port", "redis-port")}

    def ioc(self, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
        environment.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "ioc.cli", *args], env=environment, capture_output=True, text=True, check=check
        )

    def up(self):
        options = [f"--{k}={v}" for k, v in self.ports.items()]
        result = self.ioc(
            "cluster", "up", "--dir", str(self.root), "--web=2", "--ingest=2", "--consumers=2", *options, check=False
        )
        assert "the cluster runs" in result.stdout, result.stdout + result.stderr
        self.env = dict(line.split("=", 1) for line in (self.root / "ioc.env").read_text().splitlines() if "=" in line)

    def down(self):
        self.ioc("cluster", "down", "--dir", str(self.root), check=False)

    def status(self) -> dict[str, dict]:
        result = self.ioc("cluster", "status", "--dir", str(self.root), "--json", check=False)
        return {p["name"]: p for p in json.loads(result.stdout)}

    def rpc(self):
        from ioc.core.cluster import ClusterSpec, rpc

        return rpc(ClusterSpec.load(self.root))

    def sql(self, query: str, *params):
        with psycopg.connect(self.env["IOC_DATABASE_URL"], autocommit=True) as db:
            return db.execute(query, params).fetchone()

    def http(self, method: str, path: str, body=None, token: str | None = None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports['port']}{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own http:// URL)
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_restarted(self, name: str, old_pid: int) -> None:
        wait_until(lambda: self.status()[name]["pid"] not in (0, old_pid), what=f"{name} started again")

    def kill(self, name: str) -> int:
        pid = self.status()[name]["pid"]
        os.kill(pid, signal.SIGKILL)
        return pid


@pytest.fixture(scope="module")
def cluster():
    # Not under pytest's tmp dir: PostgreSQL runs as its own user (when the tests run as root) and must enter it.
    root = Path(tempfile.mkdtemp(prefix="ioc-cluster-"))
    root.chmod(0o755)
    cluster = Cluster(root)
    cluster.up()
    script = (
        "from ioc.core.services.accounts import create_user; from ioc.core.services.accounts import create_token;"
        "admin = create_user('drilladmin', 'x-Drill-2026-admin', 'admin');"
        "create_user('drillop', 'x-Drill-2026-op', 'operator', email='op@example.org');"
        "print(create_token(admin, 'drill')[1])"
    )
    result = cluster.ioc("manage", "shell", "-c", script, env=cluster.env)
    cluster.token = result.stdout.strip().splitlines()[-1]
    yield cluster
    cluster.down()
    assert not _alive(cluster)
    shutil.rmtree(root, ignore_errors=True)


def _alive(cluster) -> bool:
    from ioc.core.cluster import ClusterSpec, running

    return running(ClusterSpec.load(cluster.root))


def test_every_process_runs_and_one_scrape_sees_them(cluster):
    processes = cluster.status()
    expected = {"postgres", "redis", "mosquitto", "web", "ingest:ingest_0", "ingest:ingest_1", "worker", "consumer"}
    assert expected | {"cameras"} <= processes.keys()
    assert all(p["state"] == "RUNNING" for p in processes.values()), processes
    doctor = cluster.ioc("doctor", env=cluster.env, check=False)
    assert doctor.returncode == 0, doctor.stdout
    assert "task queue: Redis" in doctor.stdout and "postgresql reachable" in doctor.stdout
    metrics = wait_until(
        lambda: (body := cluster.http("GET", "/metrics")[1].decode()).count("ioc_worker_up{") >= 2 and body,
        what="both ingest workers reporting",
    )
    assert 'ioc_worker_up{worker="mqtt:ioc-ingest-0"} 1.0' in metrics
    assert 'ioc_worker_up{worker="mqtt:ioc-ingest-1"} 1.0' in metrics


class Device:
    """A device's MQTT client as the field has them: QoS 1, a persistent session, and what the broker did not
    confirm is sent again (the same observation: the IOC stores it once)."""

    def __init__(self, port: int):
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="drill-device", clean_session=False)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=2)
        self.client.max_queued_messages_set(0)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.sent: dict[int, tuple[str, bytes]] = {}
        self.infos: dict[int, mqtt.MQTTMessageInfo] = {}

    def send(self, number: int, entity: str, at: str):
        payload = json.dumps({"waterLevel": number, "observedAt": at}).encode()
        self.sent[number] = (f"ioc/devices/{entity}/telemetry", payload)
        self.infos[number] = self.client.publish(*self.sent[number], qos=1)

    def confirm_all(self, timeout: float = 120.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            missing = [n for n, info in self.infos.items() if not info.is_published()]
            if not missing:
                return
            time.sleep(2)
            for number in missing:
                if not self.infos[number].is_published():
                    self.infos[number] = self.client.publish(*self.sent[number], qos=1)
        raise AssertionError("the broker never confirmed some readings")

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def test_devices_keep_sending_while_an_ingest_worker_dies_and_mosquitto_restarts(cluster):
    entities = [{"id": e, "type": "WaterLevelSensor", "name": {"type": "Property", "value": e[-7:]}} for e in DEVICES]
    status, body = cluster.http("POST", "/ngsi-ld/v1/entityOperations/create", entities, cluster.token)
    assert status == 201, body
    total, drills_end = 1800, 1500
    device = Device(cluster.ports["mqtt-port"])
    rpc = cluster.rpc()
    killed = None
    try:
        for number in range(total):
            at = f"2026-11-26T{number // 3600:02d}:{number // 60 % 60:02d}:{number % 60:02d}Z"
            device.send(number, DEVICES[number % len(DEVICES)], at)
            if number == drills_end // 3:
                killed = cluster.kill("ingest:ingest_0")
            if number == 2 * drills_end // 3:
                rpc.stopProcess("mosquitto", True)
                rpc.startProcess("mosquitto", True)
            if number == drills_end:  # the last part once both workers are back
                cluster.wait_restarted("ingest:ingest_0", killed)
                device.confirm_all()
            time.sleep(0.002)
        device.confirm_all()
    finally:
        device.close()
    stored = wait_until(
        lambda: (row := cluster.sql("SELECT count(*), count(DISTINCT value) FROM sensors_reading"))[0] >= total and row,
        what=f"{total} readings stored",
    )
    assert stored == (total, total)  # every reading once: none lost, none twice
    assert cluster.status()["ingest:ingest_0"]["state"] == "RUNNING"
    # Both workers of the shared subscription took their part of the stream (their counters are saved every 5 s).
    query = "SELECT count(*) FROM core_workerstatus WHERE name LIKE 'mqtt:%%' AND received > 0 AND pid <> %s"
    wait_until(lambda: cluster.sql(query, killed)[0] == 2, timeout=30, what="both ingest workers' share")


def _gunicorn_workers(cluster) -> set[int]:
    master = cluster.status()["web"]["pid"]
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def test_the_web_keeps_serving_while_one_gunicorn_worker_is_killed(cluster):
    workers = wait_until(lambda: len(w := _gunicorn_workers(cluster)) == 2 and w, what="two web workers")
    results: list[int] = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                results.append(cluster.http("GET", f"/ngsi-ld/v1/entities/{DEVICES[0]}", token=cluster.token)[0])
            except OSError:
                results.append(0)  # the connection the killed worker held

    thread = threading.Thread(target=client)
    thread.start()
    wait_until(lambda: len(results) >= 20, what="requests before the kill")
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    replaced = wait_until(
        lambda: len(w := _gunicorn_workers(cluster)) == 2 and victim not in w and w, what="a new web worker"
    )
    after_replacement = len(results)
    wait_until(lambda: len(results) >= after_replacement + 50, what="requests after the replacement")
    stop.set()
    thread.join()
    assert replaced != workers
    assert results.count(200) >= len(results) - 2, results  # at most the killed worker's requests in flight
    assert set(results[after_replacement + 1 :]) == {200}


def _alert(cluster, source: str) -> int:
    body = {"kind": "core.manual", "title": f"Drill {source}", "source": source, "severity": "critical"}
    return cluster.http("POST", "/api/alerts", body, cluster.token)[0]


def _notified(cluster) -> int:
    query = (
        "SELECT count(*) FROM core_notification n JOIN auth_user u ON u.id = n.user_id "
        "WHERE u.username = 'drillop' AND n.title LIKE 'Drill %%'"
    )
    return cluster.sql(query)[0]


def test_tasks_survive_a_killed_consumer_and_a_redis_restart(cluster):
    # Each priority-1 alert sends the operator a notification through the task queue (Redis, two consumers).
    assert [_alert(cluster, f"before-{i}") for i in range(10)] == [201] * 10
    wait_until(lambda: _notified(cluster) == 10, what="10 notifications")

    killed = cluster.kill("worker")  # the consumer that also schedules the periodic jobs
    assert [_alert(cluster, f"consumer-down-{i}") for i in range(10)] == [201] * 10
    wait_until(lambda: _notified(cluster) == 20, what="notifications while one consumer is down")
    cluster.wait_restarted("worker", killed)

    answers: list[int] = []
    stop = threading.Event()

    def operator():
        i = 0
        while not stop.is_set():
            answers.append(_alert(cluster, f"redis-{i}"))
            i += 1

    thread = threading.Thread(target=operator)
    thread.start()
    wait_until(lambda: len(answers) >= 5, what="alerts before the restart")
    rpc = cluster.rpc()
    rpc.stopProcess("redis", True)
    rpc.startProcess("redis", True)
    wait_until(lambda: len(answers) >= 15 + 5, what="alerts after the restart")
    stop.set()
    thread.join()
    assert set(answers) == {201}, answers  # the web retried through the restart: nobody saw an error
    wait_until(lambda: _notified(cluster) == 20 + len(answers), what="every alert's notification")
    assert cluster.status()["redis"]["state"] == "RUNNING"
