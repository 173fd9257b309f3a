"""The `ioc` command: demo, serve, worker, simulate, load-profile, backup, restore, create-token, manage."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def _setup(args) -> None:
    """Point every command at its data dir before Django reads its settings."""
    if getattr(args, "data_dir", None):
        os.environ["IOC_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_demo(args) -> int:
    os.environ["IOC_DEMO"] = "1"
    _setup(args)
    from django.conf import settings

    from ioc.core.models import City
    from ioc.core.services.demo import ensure_demo_accounts
    from ioc.core.services.profile import load_profile

    print(f"Lai Châu IOC — data dir: {settings.DATA_DIR}")
    _migrate()
    if not City.objects.exists():
        counts = load_profile()
        print(f"Loaded the Lai Châu profile: {counts['units']} units, {counts['departments']} departments")
    from ioc.core.registry import registry

    for domain in registry:
        if domain.setup:
            domain.hook("setup")()
    created = ensure_demo_accounts()
    accounts_file = settings.DATA_DIR / "demo-accounts.txt"
    if created:
        lines = [f"  {role:<20} {username:<14} {password}" for role, username, password in created]
        text = "Demo accounts (role, username, password) — shown once, kept in " + str(accounts_file) + ":\n"
        print(text + "\n".join(lines))
        accounts_file.write_text("\n".join(lines) + "\n")
        accounts_file.chmod(0o600)
    else:
        print(f"Demo accounts already exist; their passwords are in {accounts_file}")

    if not _port_free(args.port):
        print(
            f"error: port {args.port} is in use (another demo running?); try --port {args.port + 1}",
            file=sys.stderr,
        )
        return 1
    # SIGTERM (from a service manager or `timeout`) stops the demo like Ctrl-C does: children included.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    env = {**os.environ, "IOC_DATA_DIR": str(settings.DATA_DIR), "IOC_DEMO": "1"}
    children = [
        subprocess.Popen([sys.executable, "-m", "ioc.cli", "worker"], env=env),
        subprocess.Popen([sys.executable, "-m", "ioc.cli", "simulate"], env=env),
    ]
    print(f"Open http://127.0.0.1:{args.port}/ — Ctrl-C stops everything.", flush=True)
    try:
        _serve(args.port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
    print("Stopped.")
    return 0


def _raise_keyboard_interrupt(*_args) -> None:
    raise KeyboardInterrupt


def _port_free(port: int, host: str = "127.0.0.1") -> bool:
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _stop(children) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def _serve(port: int, threads: int = 8, host: str = "127.0.0.1") -> None:
    from waitress import serve

    from ioc.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="ioc", channel_timeout=60)


def cmd_serve(args) -> int:
    _setup(args)
    if not _port_free(args.port, args.host):
        print(f"error: port {args.port} is in use", file=sys.stderr)
        return 1
    _serve(args.port, threads=args.threads, host=args.host)
    return 0


def cmd_worker(args) -> int:
    """The background worker: Huey's consumer, running every domain's periodic jobs and queued tasks."""
    _setup(args)
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers, worker_type="thread")
    return 0


def cmd_simulate(args) -> int:
    """Run every registered domain's simulator (or those named) until SIGTERM or Ctrl-C."""
    _setup(args)
    import logging

    from ioc.core.registry import registry

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    simulators = {k: fn for k, fn in registry.simulators().items() if not args.only or k in args.only}
    threads = [
        threading.Thread(target=_supervised, args=(k, fn, stop), name=k, daemon=True) for k, fn in simulators.items()
    ]
    for thread in threads:
        thread.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        stop.set()
    for thread in threads:
        thread.join(timeout=5)
    return 0


def _supervised(key, fn, stop) -> None:
    """Restart a simulator that crashed, with a pause, until told to stop."""
    import logging

    from django.db import close_old_connections

    log = logging.getLogger("ioc.simulate")
    while not stop.is_set():
        try:
            fn(stop)
        except Exception:
            log.exception("simulator %s crashed; restarting in 5 s", key)
        finally:
            close_old_connections()
        stop.wait(5)


def cmd_load_profile(args) -> int:
    _setup(args)
    from ioc.core.services.profile import ProfileError, load_profile

    _migrate()
    try:
        counts = load_profile(Path(args.file))
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Loaded {counts['units']} units and {counts['departments']} departments from {args.file}")
    return 0


def cmd_backup(args) -> int:
    _setup(args)
    from ioc.core.services.backup import backup

    path = backup(Path(args.output) if args.output else None)
    print(f"Backup written to {path}")
    return 0


def cmd_restore(args) -> int:
    _setup(args)
    from ioc.core.services.backup import BackupError, restore

    _migrate()
    try:
        counts = restore(Path(args.file))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Restored {counts['objects']} records and {counts['files']} files from {args.file}")
    return 0


def cmd_create_token(args) -> int:
    _setup(args)
    from django.contrib.auth import get_user_model

    from ioc.core.services.accounts import create_token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 2
    _, token = create_token(user, args.name, days=args.days)
    print(token)
    return 0


def cmd_open311_key(args) -> int:
    """Issue an Open311 api_key for an app that posts citizen reports (printed once)."""
    _setup(args)
    from ioc.feedback.open311 import create_key

    _, key = create_key(args.name)
    print(key)
    return 0


def cmd_publicservice(args) -> int:
    """Import the one-stop system's exports, or write the report for a period."""
    _setup(args)
    from ioc.publicservice import importer

    _migrate()
    if args.action in ("import", "import-procedures"):
        run = (importer.import_files if args.action == "import" else importer.import_procedures)(
            Path(args.file), Path(args.file).name, all_or_nothing=args.all_or_nothing
        )
        print(
            f"{run.total_rows} rows: {run.created} new, {run.updated} updated, {len(run.refused)} refused"
            + ("" if run.applied else " — nothing imported (all or nothing)")
        )
        if run.refused:
            print(importer.refused_summary(run, limit=50), file=sys.stderr)
        return 0 if run.applied and not run.refused else (1 if run.applied else 2)
    from datetime import date

    from ioc.publicservice import reports

    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    out = Path(args.output)
    out.write_bytes(reports.daily_xlsx(start, end) if out.suffix == ".xlsx" else reports.daily_pdf(start, end))
    print(f"Report written to {out}")
    return 0


def cmd_ingest_mqtt(args) -> int:
    """Subscribe to device telemetry on an MQTT broker until SIGTERM or Ctrl-C."""
    _setup(args)
    from ioc.sensors.mqtt import IngestWorker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = IngestWorker(
        args.host,
        args.port,
        client_id=args.client_id,
        username=os.environ.get("IOC_MQTT_USER"),
        password=os.environ.get("IOC_MQTT_PASSWORD"),
    )
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        stop.set()
    print(f"stored {worker.stored} messages, {worker.dead} to the dead-letter table")
    return 0


def cmd_camera_worker(args) -> int:
    """`ioc camera worker [--camera ID ...]`: analyse the cameras' streams until SIGTERM or Ctrl-C."""
    _setup(args)
    import logging

    from ioc.cameras.models import Camera
    from ioc.cameras.worker import run_cameras

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    _migrate()
    ids = args.camera or list(Camera.objects.exclude(status=Camera.Status.DISABLED).values_list("pk", flat=True))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runners = run_cameras(ids, stop)
    print(f"analysing {len(runners)} camera(s)")
    try:
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_camera(args) -> int:
    """`ioc camera count VIDEO`: analyse a recorded file offline and print the counts (no database needed)."""
    from ioc.cameras.analysis.pipeline import count_file, dumps
    from ioc.cameras.analysis.video import VideoError

    detector = None
    try:
        if args.model:
            from ioc.cameras.analysis.onnx import OnnxDetector

            detector = OnnxDetector(args.model)
        result = count_file(
            args.video,
            args.line or [],
            args.zone or [],
            detector=detector,
            crowd=args.crowd,
            crowd_seconds=args.crowd_seconds,
        )
    except (VideoError, ValueError) as exc:  # ModelError is a ValueError
        print(f"ioc camera count: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(dumps(result))
        return 0
    print(f"{result['frames']} frames at {result['fps']} fps ({result['analysed_frames']} analysed)")
    for line in result["lines"]:
        for direction in ("in", "out"):
            counts = ", ".join(f"{cls} {n}" for cls, n in sorted(line[direction].items())) or "0"
            print(f"{line['name']} {direction}: {counts}")
    for zone in result["zones"]:
        print(
            f"{zone['name']}: peak {zone['peak']}, {zone['visitors']} visitors, mean stay {zone['mean_dwell_s']} s, "
            f"{len(zone['crowd_events'])} crowd event(s)"
        )
    return 0


def cmd_lighting(args) -> int:
    """`ioc lighting import-telemetry FILE`: a gateway's night log (CSV or CSV.gz) through the telemetry checks."""
    _setup(args)
    from ioc.lighting.logfile import LogError, import_log

    _migrate()
    try:
        result = import_log(Path(args.file))
    except LogError as exc:
        print(f"ioc lighting: {exc}", file=sys.stderr)
        return 2
    print(f"{result['records']} readings, {result['refused']} refused")
    for line, reason in result["examples"]:
        print(f"line {line}: {reason}", file=sys.stderr)
    return 1 if result["refused"] else 0


def cmd_manage(args) -> int:
    _setup(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ioc manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ioc", description="Lai Châu IOC — operations center")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data dir (default: $IOC_DATA_DIR, else ~/.local/share/laichau-ioc)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", parents=[common], help="set up and run the demo operations center")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("serve", parents=[common], help="serve the web app (waitress)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", parents=[common], help="run the background worker")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("simulate", parents=[common], help="run the domains' simulators")
    p.add_argument("only", nargs="*", help="domain keys (default: all)")
    p.set_defaults(func=cmd_simulate)
    p = sub.add_parser("load-profile", parents=[common], help="load a city profile (GeoJSON)")
    p.add_argument("file")
    p.set_defaults(func=cmd_load_profile)
    p = sub.add_parser("backup", parents=[common], help="write a backup archive (data + media)")
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="replace all data with a backup archive")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("create-token", parents=[common], help="issue an API token for a user (printed once)")
    p.add_argument("username")
    p.add_argument("--name", default="cli")
    p.add_argument("--days", type=int, default=None, help="expires after this many days")
    p.set_defaults(func=cmd_create_token)
    p = sub.add_parser("open311-key", parents=[common], help="issue an Open311 api_key (printed once)")
    p.add_argument("name")
    p.set_defaults(func=cmd_open311_key)
    p = sub.add_parser("publicservice", parents=[common], help="public services: import exports, reports")
    ps = p.add_subparsers(dest="action", required=True)
    for action, text in (
        ("import", "import files (hồ sơ) from CSV/XLSX"),
        ("import-procedures", "import the procedure catalogue from CSV/XLSX"),
    ):
        q = ps.add_parser(action, parents=[common], help=text)
        q.add_argument("file")
        q.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row is refused")
        q.set_defaults(func=cmd_publicservice)
    q = ps.add_parser("report", parents=[common], help="write the report for a period (.pdf or .xlsx)")
    q.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    q.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    q.add_argument("--output", "-o", required=True)
    q.set_defaults(func=cmd_publicservice)
    p = sub.add_parser("ingest-mqtt", parents=[common], help="ingest device telemetry from an MQTT broker")
    p.add_argument("--host", default=os.environ.get("IOC_MQTT_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("IOC_MQTT_PORT", 1883)))
    p.add_argument("--client-id", default="ioc-ingest", help="one per worker; the broker keeps its session")
    p.set_defaults(func=cmd_ingest_mqtt)
    p = sub.add_parser("camera", help="camera analytics")
    cam = p.add_subparsers(dest="action", required=True)
    q = cam.add_parser("count", help="count what crosses lines and stays in zones in a recorded video")
    q.add_argument("video")
    q.add_argument("--line", action="append", help="x1,y1,x2,y2 in pixels or fractions of the frame; repeatable")
    q.add_argument("--zone", action="append", help="x1,y1,x2,y2,x3,y3,... (three points or more); repeatable")
    q.add_argument("--model", help="an ONNX detector (YOLO or RT-DETR output); default: the classical detector")
    q.add_argument("--crowd", type=int, default=0, help="people at once in a zone that make a crowd")
    q.add_argument("--crowd-seconds", type=float, default=10.0)
    q.add_argument("--json", action="store_true", help="print the result as JSON")
    q.set_defaults(func=cmd_camera)
    q = cam.add_parser("worker", parents=[common], help="analyse the registered cameras' streams")
    q.add_argument("--camera", type=int, action="append", help="camera id (repeatable); default: all enabled")
    q.set_defaults(func=cmd_camera_worker)
    p = sub.add_parser("lighting", help="street lighting")
    light = p.add_subparsers(dest="action", required=True)
    q = light.add_parser("import-telemetry", parents=[common], help="import a night's lamp telemetry log (CSV/CSV.gz)")
    q.add_argument("file")
    q.set_defaults(func=cmd_lighting)
    p = sub.add_parser("manage", parents=[common], help="Django management commands")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
