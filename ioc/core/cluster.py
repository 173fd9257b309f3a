"""`ioc cluster up|down|status|env`: the production topology on one machine — for testing, benchmarks and as the
reference a real deployment copies (the same processes as the systemd units in `deploy/`).

supervisord (a well-kept process manager) runs and restarts every process: a private PostgreSQL 15 (Debian's
binaries, its own directory and port; or an existing server with `--database-url`), Redis for the task queue and the
cache, Mosquitto, gunicorn with N web workers, N `ioc ingest-mqtt` workers sharing the topics (one MQTT shared
subscription group, one client id and persistent session each), N task consumers (only the first runs the periodic
jobs: Huey would otherwise run each job once per consumer) and each domain's long-running processes (the camera
workers). Everything lives under one directory (`<data dir>/cluster` by default): configuration, databases, logs,
the shared data dir and `ioc.env`, the environment every process gets (`set -a; . DIR/ioc.env` lets `ioc` commands
in a shell reach the same cluster).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from dataclasses import asdict, dataclass, field
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")  # Debian's PostgreSQL 15
SPEC_FILE = "cluster.json"


class ClusterError(RuntimeError):
    """The cluster cannot be started or reached; the message says why."""


@dataclass
class ClusterSpec:
    root: str
    web: int = 2
    ingest: int = 2
    consumers: int = 2
    port: int = 8000
    mqtt_port: int = 1883
    pg_port: int = 5433
    redis_port: int = 6380
    database_url: str = ""  # an existing PostgreSQL instead of the private one
    skip: list[str] = field(default_factory=list)  # domain processes not to run (e.g. cameras)

    @property
    def path(self) -> Path:
        return Path(self.root)

    def save(self) -> None:
        (self.path / SPEC_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, root: Path) -> ClusterSpec:
        try:
            return cls(**json.loads((root / SPEC_FILE).read_text()))
        except FileNotFoundError:
            raise ClusterError(f"no cluster in {root} (start one with `ioc cluster up`)") from None


# Configuration ------------------------------------------------------------------------------------------------------
def environment(spec: ClusterSpec) -> dict[str, str]:
    """What every process of the cluster gets (and `ioc.env` keeps for shells and systemd)."""
    root = spec.path
    secret = root / "secret-key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    database_url = spec.database_url or f"postgres://ioc:ioc@127.0.0.1:{spec.pg_port}/ioc"
    return {
        "IOC_DATA_DIR": str(root / "data"),
        "IOC_DATABASE_URL": database_url,
        "IOC_REDIS_URL": f"redis://127.0.0.1:{spec.redis_port}/0",
        "IOC_MQTT_HOST": "127.0.0.1",
        "IOC_MQTT_PORT": str(spec.mqtt_port),
        "IOC_SECRET_KEY": secret.read_text().strip(),
        "IOC_BASE_URL": f"http://127.0.0.1:{spec.port}",
        "IOC_LOG_CONSOLE": "0",
        # gunicorn's workers count requests into shared files, so /metrics adds up every worker.
        "PROMETHEUS_MULTIPROC_DIR": str(root / "run" / "metrics"),
    }


def _tool(name: str) -> str | None:
    """A system program (Debian puts mosquitto in /usr/sbin, outside most users' PATH)."""
    found = shutil.which(name)
    return found or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)


def _bin(name: str) -> str:
    """An executable of this virtualenv (gunicorn, supervisord), else the PATH's."""
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def _program(name: str, command: str, *, priority: int, autostart: bool, numprocs: int = 1, extra: str = "") -> str:
    process_name = "%(program_name)s_%(process_num)d" if numprocs > 1 else "%(program_name)s"
    return (
        f"[program:{name}]\ncommand={command}\nprocess_name={process_name}\nnumprocs={numprocs}\n"
        f"priority={priority}\nautostart={str(autostart).lower()}\nautorestart=true\nstartsecs=1\n"
        f"startretries=100\nstopwaitsecs=15\nstopasgroup=true\nkillasgroup=true\nredirect_stderr=true\n"
        f"stdout_logfile={{root}}/logs/{name}%(process_num)d.log\nstdout_logfile_maxbytes=10MB\n{extra}\n"
    )


def supervisor_config(spec: ClusterSpec, domain_processes: dict[str, list[str]]) -> str:
    """supervisord's configuration: the services first, then the IOC's processes (started once migrated)."""
    root, python = spec.path, sys.executable
    env = ",".join(f'{k}="{v}"' for k, v in environment(spec).items())
    parts = [
        f"[unix_http_server]\nfile={root}/run/supervisor.sock\nchmod=0700\n\n"
        f"[supervisord]\npidfile={root}/run/supervisord.pid\nlogfile={root}/logs/supervisord.log\n"
        f"childlogdir={root}/logs\nenvironment={env}\n\n"
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
        f"[supervisorctl]\nserverurl=unix://{root}/run/supervisor.sock\n\n"
    ]
    if not spec.database_url:
        user = "user=postgres\n" if os.geteuid() == 0 else ""
        parts.append(
            _program(
                "postgres",
                f"{PG_BIN}/postgres -D {root}/pg -p {spec.pg_port} -k {root}/run -c listen_addresses=127.0.0.1 "
                "-c max_connections=200 -c shared_buffers=256MB",
                priority=10,
                autostart=True,
                # PostgreSQL shuts down fast (and safely) on SIGINT; SIGTERM waits for every client to leave.
                extra=user + "stopsignal=INT",
            )
        )
    parts.append(
        _program(
            "redis",
            f"{_tool('redis-server') or 'redis-server'} --port {spec.redis_port} --bind 127.0.0.1 "
            f"--dir {root}/redis --appendonly yes "
            "--appendfsync everysec --save ''",
            priority=10,
            autostart=True,
        )
    )
    mosquitto = _tool("mosquitto") or "mosquitto"
    parts.append(_program("mosquitto", f"{mosquitto} -c {root}/mosquitto.conf", priority=10, autostart=True))
    gunicorn = (
        f"{_bin('gunicorn')} ioc.wsgi -w {spec.web} --worker-class gthread --threads 4 -b 127.0.0.1:{spec.port} "
        f"--timeout 60 --graceful-timeout 10 --no-control-socket -c {root}/gunicorn.conf.py"
    )
    parts.append(_program("web", gunicorn, priority=20, autostart=False))
    parts.append(
        _program(
            "ingest",
            f"{python} -m ioc.cli ingest-mqtt --client-id ioc-ingest-%(process_num)d --share ioc",
            priority=20,
            autostart=False,
            numprocs=spec.ingest,
            extra="stopsignal=INT",
        )
    )
    parts.append(
        _program("worker", f"{python} -m ioc.cli worker", priority=20, autostart=False, extra="stopsignal=INT")
    )
    if spec.consumers > 1:
        parts.append(
            _program(
                "consumer",
                f"{python} -m ioc.cli worker --no-periodic",
                priority=20,
                autostart=False,
                numprocs=spec.consumers - 1,
                extra="stopsignal=INT",
            )
        )
    for name, args in domain_processes.items():
        if name not in spec.skip:
            command = " ".join([python, "-m", "ioc.cli", *args])
            parts.append(_program(name, command, priority=30, autostart=False, extra="stopsignal=INT"))
    return "".join(parts).replace("{root}", str(root))


MOSQUITTO_CONF = """# The cluster's broker: loopback only, so anonymous clients are the machine's own processes.
listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {root}/mosquitto/
autosave_interval 30
max_inflight_messages 10000
max_queued_messages 1000000
"""

GUNICORN_CONF = '''"""gunicorn settings of the cluster's web workers."""


def child_exit(server, worker):
    # A dead worker's live gauges leave the shared /metrics files (counters stay, as Prometheus expects).
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
'''


def write_config(spec: ClusterSpec, domain_processes: dict[str, list[str]]) -> None:
    root = spec.path
    for sub in ("run", "run/metrics", "logs", "redis", "mosquitto", "data"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for stale in (root / "run" / "metrics").glob("*.db"):
        stale.unlink()  # counters of a previous run's processes
    (root / "mosquitto.conf").write_text(MOSQUITTO_CONF.format(port=spec.mqtt_port, root=root))
    (root / "gunicorn.conf.py").write_text(GUNICORN_CONF)
    (root / "supervisord.conf").write_text(supervisor_config(spec, domain_processes))
    env_lines = [f"{k}={v}" for k, v in environment(spec).items()]
    (root / "ioc.env").write_text(
        "# The cluster's environment (systemd EnvironmentFile format).\n" + "\n".join(env_lines)
    )
    (root / "ioc.env").chmod(0o600)
    spec.save()
    if os.geteuid() == 0:
        # Mosquitto drops to its own user when started as root; it must be able to write its persistence file.
        shutil.chown(root / "mosquitto", "mosquitto")


# PostgreSQL ---------------------------------------------------------------------------------------------------------
def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def init_postgres(spec: ClusterSpec) -> None:
    """A private PostgreSQL data directory (first start only): trust on loopback, the role and database `ioc`."""
    pg = spec.path / "pg"
    if (pg / "PG_VERSION").exists():
        return
    if not (PG_BIN / "initdb").exists():
        raise ClusterError(f"PostgreSQL 15 is not installed ({PG_BIN}); apt-get install postgresql-15")
    pg.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres")
        shutil.chown(spec.path / "run", "postgres")
        if subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(pg)]).returncode:
            raise ClusterError(
                f"PostgreSQL runs as the user postgres, which cannot enter {spec.path}: "
                "choose a directory every user may enter (e.g. under /srv or /var/lib)"
            )
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(pg), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _psql(spec: ClusterSpec, sql: str) -> str:
    command = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(spec.pg_port), "-U", "postgres", "-tAc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def create_database(spec: ClusterSpec) -> None:
    if _psql(spec, "SELECT 1 FROM pg_roles WHERE rolname='ioc'") != "1":
        _psql(spec, "CREATE ROLE ioc LOGIN PASSWORD 'ioc'")
    if _psql(spec, "SELECT 1 FROM pg_database WHERE datname='ioc'") != "1":
        _psql(spec, "CREATE DATABASE ioc OWNER ioc")


# supervisord --------------------------------------------------------------------------------------------------------
def rpc(spec: ClusterSpec):
    """supervisord's XML-RPC interface over its socket."""
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{spec.path}/run/supervisor.sock")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor


def running(spec: ClusterSpec) -> bool:
    try:
        rpc(spec).getState()
        return True
    except (OSError, xmlrpc.client.Fault):
        return False


def wait_for(check, what: str, timeout: float = 60.0) -> None:
    deadline, last = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # not up yet: say the last reason if it never comes
            last = f" ({exc})"
        time.sleep(0.2)
    raise ClusterError(f"{what} did not come up within {timeout:.0f} s{last}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _run_ioc(spec: ClusterSpec, base_env: dict, *args: str) -> None:
    env = {**base_env, **environment(spec)}
    result = subprocess.run([sys.executable, "-m", "ioc.cli", *args], env=env, capture_output=True, text=True)
    if result.returncode:
        raise ClusterError(f"`ioc {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")


def up(spec: ClusterSpec, domain_processes: dict[str, list[str]], base_env: dict, log=print) -> None:
    """Start everything, migrate, load the city profile when the database has none, then start the IOC's
    processes and wait until the web answers. Idempotent: a running cluster is left as it is. `base_env` is the
    caller's environment: supervisord and the one-time commands start from it (the cluster's own settings win)."""
    spec.path.mkdir(parents=True, exist_ok=True)
    missing = [tool for tool in ("supervisord", "gunicorn") if not shutil.which(_bin(tool))]
    missing += [tool for tool in ("redis-server", "mosquitto") if not _tool(tool)]
    if missing:
        raise ClusterError(
            f"missing: {', '.join(missing)} — pip install -e '.[prod]' (supervisord, gunicorn) and "
            "apt-get install redis-server mosquitto postgresql-15 (bash scripts/test installs them)"
        )
    if running(spec):
        log(f"the cluster in {spec.path} is running already")
        return
    write_config(spec, domain_processes)
    if not spec.database_url:
        init_postgres(spec)
    subprocess.run([_bin("supervisord"), "-c", str(spec.path / "supervisord.conf")], check=True, env=base_env)
    wait_for(lambda: running(spec), "supervisord")
    if not spec.database_url:
        wait_for(lambda: _psql(spec, "SELECT 1") == "1", "PostgreSQL")
        create_database(spec)
    wait_for(lambda: port_open(spec.redis_port), "Redis")
    wait_for(lambda: port_open(spec.mqtt_port), "Mosquitto")
    log("migrating the database and loading the city profile when missing …")
    _run_ioc(spec, base_env, "manage", "migrate", "--no-input", "-v", "0")
    _run_ioc(spec, base_env, "load-profile", "--if-empty")
    rpc(spec).startAllProcesses(True)
    wait_for(lambda: port_open(spec.port), "the web (gunicorn)")
    log(f"the cluster runs: http://127.0.0.1:{spec.port}/ — environment in {spec.path / 'ioc.env'}")


def down(spec: ClusterSpec, timeout: float = 60.0) -> bool:
    """Stop every process and supervisord itself: by priority, the IOC's processes first, the services last."""
    if not running(spec):
        return False
    pid_file = spec.path / "run" / "supervisord.pid"
    pid = int(pid_file.read_text()) if pid_file.exists() else None
    rpc(spec).shutdown()
    deadline = time.monotonic() + timeout
    while pid and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    if pid:
        os.kill(pid, signal.SIGKILL)
    return True


def status(spec: ClusterSpec) -> list[dict]:
    """Every process: name, state, pid, uptime as supervisord reports it."""
    if not running(spec):
        raise ClusterError(f"the cluster in {spec.path} is not running")
    return [
        {
            "name": f"{p['group']}:{p['name']}" if p["group"] != p["name"] else p["name"],
            "state": p["statename"],
            "pid": p["pid"],
            "description": p["description"],
        }
        for p in rpc(spec).getAllProcessInfo()
    ]
