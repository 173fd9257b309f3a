"""The `ioc` command: backup and restore, load-profile, and the demo as a real process."""

import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest

from ioc.core.models import AdministrativeUnit, Alert
from ioc.core.services.alerts import record_alert
from ioc.core.services.backup import BackupError, backup, restore


@pytest.mark.django_db(transaction=True)  # on PostgreSQL pg_dump and pg_restore are other processes
def test_backup_then_restore_brings_everything_back(users, tmp_path, settings):
    record_alert(kind="core.manual", source="b", title="Trước sao lưu", lat=22.405, lon=103.455)
    from ioc.sensors.models import Reading
    from ioc.sensors.services import ingest_telemetry, write_entities

    # Sensor readings live in monthly partitions on PostgreSQL: they come back too.
    write_entities([{"id": "urn:ngsi-ld:RainGauge:bk", "type": "RainGauge"}], "create")
    ingest_telemetry([("urn:ngsi-ld:RainGauge:bk", {"precipitation": 4.5}, None)])
    (Path(settings.MEDIA_ROOT) / "incidents").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "incidents" / "a.txt").write_text("ảnh hiện trường")
    archive = backup(tmp_path / "b.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    from django.db import connection

    # PostgreSQL's own dump there (pg_dump -Fc), portable JSON Lines on SQLite
    assert manifest["format"] == (3 if connection.vendor == "postgresql" else 2)
    Alert.objects.all().delete()
    record_alert(kind="core.manual", source="c", title="Sau sao lưu")
    (Path(settings.MEDIA_ROOT) / "incidents" / "a.txt").unlink()
    counts = restore(archive)
    assert counts["files"] == 1
    assert list(Alert.objects.values_list("title", flat=True)) == ["Trước sao lưu"]
    assert list(Reading.objects.values_list("value", flat=True)) == [4.5]
    assert (Path(settings.MEDIA_ROOT) / "incidents" / "a.txt").read_text() == "ảnh hiện trường"
    assert AdministrativeUnit.objects.count() == 12
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="operator1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_bad_archive_leaves_the_data_alone(users, tmp_path):
    record_alert(kind="core.manual", source="keep", title="Giữ nguyên")
    not_tar = tmp_path / "x.tar.gz"
    not_tar.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="not a backup"):
        restore(not_tar)
    import hashlib
    import io

    def archive_of(name, lines: bytes, manifest: dict | None = None):
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as tar:
            for member, data in (("data.jsonl", lines), ("manifest.json", json.dumps(manifest or {}).encode())):
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    bad_record = json.dumps({"model": "core.alert", "pk": 1, "fields": {"kind": None}}).encode() + b"\n"
    good_manifest = {"records": 1, "sha256": hashlib.sha256(bad_record).hexdigest()}
    with pytest.raises(BackupError, match="could not be loaded"):
        restore(archive_of("broken.tar.gz", bad_record, good_manifest))
    with pytest.raises(BackupError, match="damaged"):  # a byte changed after the backup was made
        restore(archive_of("tampered.tar.gz", bad_record.replace(b"1", b"2"), good_manifest))
    with pytest.raises(BackupError, match="not valid JSON"):
        restore(archive_of("garbled.tar.gz", b"{not json\n", good_manifest))
    assert list(Alert.objects.values_list("title", flat=True)) == ["Giữ nguyên"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ioc(*args, data_dir, env=None, **kw):
    env = {**(env or os.environ), "IOC_DATA_DIR": str(data_dir)}
    env.pop("IOC_TASKS_IMMEDIATE", None)
    return subprocess.run(
        [sys.executable, "-m", "ioc.cli", *args], env=env, capture_output=True, text=True, timeout=120, **kw
    )


def test_load_profile_command_reports_errors_clearly(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    result = run_ioc("load-profile", str(bad), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "error: the profile needs a 'city' member" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_names_what_is_missing_and_what_is_ready(tmp_path):
    data = tmp_path / "data"
    # its own database, a fresh SQLite file in the data dir (not the test run's PostgreSQL, migrated already)
    own = {k: v for k, v in os.environ.items() if k != "IOC_DATABASE_URL"}
    fresh = run_ioc("doctor", data_dir=data, env=own)
    assert fresh.returncode == 1 and "Traceback" not in fresh.stderr
    assert "FAIL  migrations:" in fresh.stdout and "run `ioc manage migrate`" in fresh.stdout
    assert run_ioc("manage", "migrate", "-v0", data_dir=data, env=own).returncode == 0
    no_city = run_ioc("doctor", data_dir=data, env=own)
    assert "OK    migrations: all applied" in no_city.stdout and "FAIL  city profile" in no_city.stdout
    # a configured broker that is not there is a failure, named with its address
    broker = run_ioc("doctor", data_dir=data, env={**own, "IOC_MQTT_HOST": "127.0.0.1", "IOC_MQTT_PORT": "1"})
    assert "FAIL  MQTT broker: 127.0.0.1:1 unreachable" in broker.stdout


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                return json.loads(response.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def start_demo(port, env, **popen):
    return subprocess.Popen(
        [sys.executable, "-m", "ioc.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


@pytest.mark.skipif("IOC_DATABASE_URL" in os.environ, reason="the embedded demo runs on SQLite")
def test_demo_starts_serves_and_stops_cleanly_and_reuses_its_data(tmp_path):
    data_dir = tmp_path / "demo"
    port = free_port()
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir)}
    env.pop("IOC_TASKS_IMMEDIATE", None)
    demo = start_demo(port, env, start_new_session=True)
    try:
        health = wait_for(f"http://127.0.0.1:{port}/api/health")
        assert health["status"] == "ok" and "hotline" in health["domains"]
        # The simulator feeds alerts through the real services: some appear within seconds.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            count = (
                run_ioc(
                    "manage",
                    "shell",
                    "-c",
                    "from ioc.core.models import Alert; print(Alert.objects.count())",
                    data_dir=data_dir,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            if int(count) > 0:
                break
            time.sleep(2)
        assert int(count) > 0
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        output, _ = demo.communicate(timeout=60)
    assert demo.returncode == 0, output
    assert "trucioc" in output and "shown once" in output
    assert "Stopped." in output
    assert (data_dir / "ioc.sqlite3").exists()
    # Nothing left running: nobody listens on the port any more.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    # A second run reuses the data: no new accounts, no password printed again.
    demo = start_demo(port, env)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
    finally:
        demo.send_signal(signal.SIGTERM)  # a service manager's stop works too, children included
        output, _ = demo.communicate(timeout=60)
    assert "already exist" in output and "shown once" not in output
    assert "Stopped." in output


def test_the_demos_supervisor_restarts_a_dead_child_and_stops_them_all():
    """A worker that dies is started again; stopping ends every child, even one that ignores SIGTERM."""
    from ioc.core.cli import Supervisor

    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)",
    ]
    supervisor = Supervisor(
        {"worker": [sys.executable, "-c", "import time; time.sleep(300)"], "simulators": stubborn},
        dict(os.environ),
        backoff=0.2,
        grace=2,
    )
    try:
        first = supervisor.children["worker"]
        first.kill()
        deadline = time.monotonic() + 30
        while supervisor.children["worker"] is first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert supervisor.children["worker"] is not first and supervisor.children["worker"].poll() is None
        assert supervisor.restarts == {"worker": 1, "simulators": 0}
    finally:
        supervisor.stop()
    assert all(child.poll() is not None for child in supervisor.children.values())


def test_cluster_commands_on_a_directory_without_a_cluster_say_so(tmp_path):
    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path)}
    for action in ("status", "down"):
        result = subprocess.run(
            [sys.executable, "-m", "ioc.cli", "cluster", action, "--dir", str(tmp_path / "none")],
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert "no cluster in" in result.stderr and "ioc cluster up" in result.stderr


def test_the_cluster_runs_one_periodic_scheduler_and_each_domains_processes(tmp_path):
    from ioc.core.cluster import ClusterSpec, supervisor_config
    from ioc.core.registry import registry

    config = supervisor_config(ClusterSpec(root=str(tmp_path), consumers=3, ingest=2), registry.processes())
    assert config.count("ioc.cli worker\n") == 1  # the one consumer that schedules the periodic jobs
    assert "ioc.cli worker --no-periodic\nprocess_name=%(program_name)s_%(process_num)d\nnumprocs=2" in config
    assert "ingest-mqtt --client-id ioc-ingest-%(process_num)d --share ioc" in config
    assert "ioc.cli cameras worker" in config
    skipped = supervisor_config(ClusterSpec(root=str(tmp_path), skip=["cameras"]), registry.processes())
    assert "cameras worker" not in skipped
