"""`ioc doctor`: every component the IOC depends on, checked the way an administrator would before opening the
centre to a shift — database and migrations, the city profile, the data directory, the task queue, the MQTT broker,
dead letters, and the settings a production machine must have."""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass

from django.conf import settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"


@dataclass(frozen=True)
class Finding:
    status: str
    component: str
    detail: str


def _database() -> list[Finding]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
    except Exception as exc:  # any driver error: the database is not there
        return [Finding(FAIL, "database", f"cannot connect: {exc}")]
    vendor = connection.vendor
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    findings = [
        Finding(OK, "database", f"{vendor} reachable"),
        Finding(FAIL, "migrations", f"{len(pending)} not applied: run `ioc manage migrate`")
        if pending
        else Finding(OK, "migrations", "all applied"),
    ]
    if vendor == "sqlite" and not settings.DEMO_MODE:
        findings.append(Finding(WARN, "database", "SQLite outside demo mode: one machine only (IOC_DATABASE_URL)"))
    return findings


def _profile() -> Finding:
    from ioc.core.models import AdministrativeUnit

    units = AdministrativeUnit.objects.count()
    if not units:
        return Finding(FAIL, "city profile", "no administrative units: run `ioc load-profile FILE`")
    return Finding(OK, "city profile", f"{units} administrative units")


def _data_dir() -> list[Finding]:
    path = settings.DATA_DIR
    probe = path / ".doctor-probe"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return [Finding(FAIL, "data directory", f"{path} is not writable: {exc}")]
    free_gb = shutil.disk_usage(path).free / 1e9
    status = OK if free_gb >= 5 else WARN if free_gb >= 1 else FAIL
    return [Finding(status, "data directory", f"{path}, {free_gb:.1f} GB free")]


def _task_queue() -> Finding:
    from huey.contrib.djhuey import HUEY

    try:
        waiting = HUEY.pending_count()
    except Exception as exc:  # Redis or the SQLite queue file is away
        return Finding(FAIL, "task queue", f"unreachable: {exc}")
    kind = "Redis" if "Redis" in type(HUEY).__name__ else "SQLite file"
    status = OK if waiting < 1000 else WARN
    return Finding(status, "task queue", f"{kind}, {waiting} tasks waiting (`ioc worker` runs them)")


def _mqtt() -> Finding:
    host, port = settings.IOC["MQTT_HOST"], settings.IOC["MQTT_PORT"]
    if not host:
        return Finding(OK, "MQTT broker", "none configured (IOC_MQTT_HOST): commands wait in the database")
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError as exc:
        return Finding(FAIL, "MQTT broker", f"{host}:{port} unreachable: {exc}")
    return Finding(OK, "MQTT broker", f"{host}:{port} reachable")


def _dead_letters() -> Finding:
    from ioc.core.models import DeadLetter

    count = DeadLetter.objects.count()
    if count:
        return Finding(WARN, "dead letters", f"{count} messages refused: `ioc deadletters list`")
    return Finding(OK, "dead letters", "none")


def _settings() -> list[Finding]:
    if settings.DEMO_MODE:
        return [Finding(OK, "settings", "demo mode (IOC_DEMO=1): production checks skipped")]
    findings = []
    if settings.DEBUG:
        findings.append(Finding(FAIL, "settings", "IOC_DEBUG is on: error pages would show code and settings"))
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        findings.append(Finding(WARN, "settings", "IOC_HTTPS is off: cookies travel without TLS"))
    if set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "testserver"}:
        findings.append(Finding(WARN, "settings", "IOC_ALLOWED_HOSTS names no public host name"))
    return findings or [Finding(OK, "settings", "production settings set")]


def check() -> list[Finding]:
    """Every check, in the order an administrator reads them; a failing check does not stop the others."""
    findings = _database()
    if all(f.status != FAIL for f in findings):  # the tables are there to read
        findings.append(_profile())
        findings.append(_dead_letters())
    findings += _data_dir()
    findings.append(_task_queue())
    findings.append(_mqtt())
    findings += _settings()
    return findings
