"""The `ioc` command: demo, serve, worker, simulate, ingest-mqtt, deadletters, doctor, load-profile, load-basemap,
backup, restore, create-token, manage — and each domain's own subcommands (`ioc <domain> ...`), taken from the
registry."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from ioc.core.cli import Supervisor, load_file, migrate, run_until_stopped


def _setup(argv: list[str]) -> None:
    """Point every command at its data dir, then set Django up (the registry then knows the domains' commands)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--data-dir")
    known, _rest = early.parse_known_args(argv)
    if known.data_dir:
        os.environ["IOC_DATA_DIR"] = str(Path(known.data_dir).expanduser().resolve())
    if argv[:1] == ["demo"]:
        os.environ["IOC_DEMO"] = "1"  # read by the settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
    import django

    django.setup()


def cmd_demo(args) -> int:
    from django.conf import settings

    from ioc.core.models import City
    from ioc.core.services.demo import ensure_demo_accounts
    from ioc.core.services.profile import load_profile

    print(f"Lai Châu IOC — data dir: {settings.DATA_DIR}")
    migrate()
    if not City.objects.exists():
        counts = load_profile()
        print(
            f"Loaded the profile of {City.objects.get().name}: "
            f"{counts['units']} units, {counts['departments']} departments"
        )
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
    _print_wall_link(args.port)

    if not _port_free(args.port):
        print(
            f"error: port {args.port} is in use (another demo running?); try --port {args.port + 1}",
            file=sys.stderr,
        )
        return 1
    # SIGTERM (from a service manager or `timeout`) and SIGINT stop the demo, children included. SIGINT is set
    # explicitly: a shell without job control starts background commands with it ignored.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    env = {**os.environ, "IOC_DATA_DIR": str(settings.DATA_DIR), "IOC_DEMO": "1"}
    env.setdefault("IOC_BASE_URL", f"http://127.0.0.1:{args.port}")  # links in the worker's emails
    children = Supervisor(
        {
            "worker": [sys.executable, "-m", "ioc.cli", "worker"],
            "simulators": [sys.executable, "-m", "ioc.cli", "simulate"],
        },
        env,
    )
    print(f"Open http://127.0.0.1:{args.port}/ — Ctrl-C stops everything.", flush=True)
    try:
        _serve(args.port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        children.stop()
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


def _serve(port: int, threads: int = 8, host: str = "127.0.0.1") -> None:
    from waitress import serve

    from ioc.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="ioc", channel_timeout=60)


def cmd_serve(args) -> int:
    if not _port_free(args.port, args.host):
        print(f"error: port {args.port} is in use", file=sys.stderr)
        return 1
    _serve(args.port, threads=args.threads, host=args.host)
    return 0


def cmd_worker(args) -> int:
    """The background worker: Huey's consumer, running every domain's periodic jobs and queued tasks."""
    from django.core.management import call_command

    # An idle consumer polls the queue at most a second apart (Huey's default backs off to 10 s): an NGSI-LD
    # notification or an escalation waits a second, not ten.
    # With several consumers on one Redis queue only one may schedule the periodic jobs (`--no-periodic` on the
    # others), or each job runs once per consumer.
    call_command("run_huey", workers=args.workers, worker_type="thread", max_delay=1.0, periodic=not args.no_periodic)
    return 0


def cmd_simulate(args) -> int:
    """Run every registered domain's simulator (or those named) until SIGTERM or Ctrl-C; one that crashes is
    restarted with backoff by core's worker base."""
    import logging

    from ioc.core.registry import registry
    from ioc.core.workers import FunctionWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    simulators = {k: fn for k, fn in registry.simulators().items() if not args.only or k in args.only}

    def run(stop):
        threads = [
            threading.Thread(target=FunctionWorker(f"simulator:{k}", fn, stop).run, args=(stop,), name=k, daemon=True)
            for k, fn in simulators.items()
        ]
        for thread in threads:
            thread.start()
        stop.wait()
        for thread in threads:
            thread.join(timeout=5)

    run_until_stopped(run)
    return 0


def cmd_load_profile(args) -> int:
    from ioc.core.models import City
    from ioc.core.services.profile import DEFAULT_PROFILE, ProfileError, load_profile

    if args.if_empty:
        migrate()
        if City.objects.exists():
            print("A city profile is loaded already; left as it is")
            return 0
    args.file = args.file or str(DEFAULT_PROFILE)
    if (counts := load_file(load_profile, args.file, ProfileError)) is None:
        return 2
    print(f"Loaded {counts['units']} units and {counts['departments']} departments from {args.file}")
    return 0


def cmd_load_basemap(args) -> int:
    from ioc.core.services.basemap import BasemapError, load_basemap

    if (info := load_file(load_basemap, args.file, BasemapError)) is None:
        return 2
    tiles = f"{info.tiles} tiles, " if info.tiles is not None else ""
    print(
        f"Base map loaded from {args.file}: {info.kind.upper()}, {tiles}{info.tile_format.upper()}, "
        f"zoom {info.min_zoom}–{info.max_zoom}. The maps use it from their next load."
    )
    return 0


def _print_wall_link(port: int) -> None:
    """The demo wall display's kiosk link, for a second screen."""
    from django.contrib.auth import get_user_model

    from ioc.core.models import Role
    from ioc.dashboard.wall import kiosk_token

    wall = get_user_model().objects.filter(profile__role=Role.WALL, is_active=True).order_by("pk").first()
    if wall:
        print(f"Wall display (big screen, view only): http://127.0.0.1:{port}/wall/{kiosk_token(wall)}/")


def cmd_wall_url(args) -> int:
    """The kiosk link of a wall display account: open it full screen on the wall's PC (chromium --kiosk URL)."""
    from django.contrib.auth import get_user_model

    from ioc.dashboard.wall import kiosk_url

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"ioc: error: no user {args.username!r}", file=sys.stderr)
        return 2
    try:
        print(kiosk_url(user))
    except ValueError as exc:
        print(f"ioc: error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_backup(args) -> int:
    from ioc.core.services.backup import backup

    path = backup(Path(args.output) if args.output else None, portable=args.portable)
    print(f"Backup written to {path}")
    return 0


def cmd_restore(args) -> int:
    from ioc.core.services.backup import BackupError, restore

    if (counts := load_file(restore, args.file, BackupError)) is None:
        return 2
    print(f"Restored {counts['objects']} records and {counts['files']} files from {args.file}")
    return 0


def cmd_create_token(args) -> int:
    from django.contrib.auth import get_user_model

    from ioc.core.services.accounts import create_token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 2
    _, token = create_token(user, args.name, days=args.days)
    print(token)
    return 0


def cmd_ingest_mqtt(args) -> int:
    """Every domain's MQTT topics (device telemetry, lamp acknowledgements, ...) until SIGTERM or Ctrl-C."""
    from ioc.core.mqtt import MqttConsumer

    worker = MqttConsumer(args.host, args.port, client_id=args.client_id, share_group=args.share or None)
    run_until_stopped(worker.run)
    print(f"stored {worker.stored} messages, {worker.dead} to the dead-letter table")
    return 0


def cmd_deadletters(args) -> int:
    """List dead letters, or replay them through their worker's handler."""
    from ioc.core.models import DeadLetter
    from ioc.core.workers import replay_dead_letters

    letters = DeadLetter.objects.order_by("received_at")
    if args.worker:
        letters = letters.filter(worker=args.worker)
    if args.action == "list":
        for letter in letters[: args.limit]:
            print(
                f"{letter.pk}\t{letter.received_at:%Y-%m-%d %H:%M:%S}\t{letter.worker}\t{letter.topic}\t{letter.reason}"
            )
        print(f"{letters.count()} dead letter(s)")
        return 0
    if args.ids:
        letters = letters.filter(pk__in=args.ids)
    result = replay_dead_letters(list(letters[: args.limit]))
    print(f"replayed {result['replayed']}: {result['accepted']} accepted, {result['refused']} refused again")
    return 0 if not result["refused"] else 1


def cmd_doctor(args) -> int:
    """Check every component (database, profile, data dir, task queue, MQTT broker, settings); 1 if one fails."""
    from ioc.core.services.doctor import FAIL, check

    findings = check()
    for finding in findings:
        print(f"{finding.status:<5} {finding.component}: {finding.detail}")
    return 1 if any(f.status == FAIL for f in findings) else 0


def cmd_cluster(args) -> int:
    """The production topology on this machine (see ioc.core.cluster)."""
    import json

    from django.conf import settings

    from ioc.core import cluster
    from ioc.core.registry import registry

    root = Path(args.dir).expanduser().resolve() if args.dir else settings.DATA_DIR / "cluster"
    try:
        if args.action == "up":
            spec = cluster.ClusterSpec(
                root=str(root),
                web=args.web,
                ingest=args.ingest,
                consumers=args.consumers,
                port=args.port,
                mqtt_port=args.mqtt_port,
                pg_port=args.pg_port,
                redis_port=args.redis_port,
                database_url=args.database_url or "",
                skip=args.skip or [],
            )
            # Without the caller's test or demo switches: the cluster is a production set-up.
            base = {k: v for k, v in os.environ.items() if k not in ("IOC_TASKS_IMMEDIATE", "IOC_DEMO")}
            cluster.up(spec, registry.processes(), base)
            return 0
        spec = cluster.ClusterSpec.load(root)
        if args.action == "down":
            print("stopped" if cluster.down(spec) else f"the cluster in {root} was not running")
            return 0
        if args.action == "env":
            print((root / "ioc.env").read_text())
            return 0
        processes = cluster.status(spec)
    except cluster.ClusterError as exc:
        print(f"ioc cluster: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(processes, indent=2))
    else:
        for p in processes:
            print(f"{p['name']:<22} {p['state']:<9} {p['description']}")
    return 0 if all(p["state"] == "RUNNING" for p in processes) else 1


def cmd_manage(args) -> int:
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
    p.add_argument("--no-periodic", action="store_true", help="run queued tasks only (another consumer schedules)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("simulate", parents=[common], help="run the domains' simulators")
    p.add_argument("only", nargs="*", help="domain keys (default: all)")
    p.set_defaults(func=cmd_simulate)
    p = sub.add_parser("load-profile", parents=[common], help="load a city profile (GeoJSON)")
    p.add_argument("file", nargs="?", help="default: the bundled Lai Châu profile")
    p.add_argument("--if-empty", action="store_true", help="only when no city is loaded yet")
    p.set_defaults(func=cmd_load_profile)
    p = sub.add_parser("load-basemap", parents=[common], help="serve the base map from a tiles file (MBTiles, PMTiles)")
    p.add_argument("file")
    p.set_defaults(func=cmd_load_basemap)
    p = sub.add_parser("wall-url", parents=[common], help="print the kiosk link of a wall display account")
    p.add_argument("username")
    p.set_defaults(func=cmd_wall_url)
    p = sub.add_parser("backup", parents=[common], help="write a backup archive (data + media)")
    p.add_argument("--output", "-o")
    p.add_argument("--portable", action="store_true", help="JSON Lines even on PostgreSQL (restores on SQLite too)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="replace all data with a backup archive")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("create-token", parents=[common], help="issue an API token for a user (printed once)")
    p.add_argument("username")
    p.add_argument("--name", default="cli")
    p.add_argument("--days", type=int, default=None, help="expires after this many days")
    p.set_defaults(func=cmd_create_token)
    p = sub.add_parser("ingest-mqtt", parents=[common], help="every domain's MQTT topics (device telemetry, ...)")
    p.add_argument("--host", help="the broker (default: IOC_MQTT_HOST, else 127.0.0.1)")
    p.add_argument("--port", type=int, help="default: IOC_MQTT_PORT, else 1883")
    p.add_argument("--client-id", default="ioc-ingest", help="one per worker; the broker keeps its session")
    p.add_argument(
        "--share",
        default=os.environ.get("IOC_MQTT_SHARE_GROUP", ""),
        help="a shared-subscription group: workers in one group split the messages (default: IOC_MQTT_SHARE_GROUP)",
    )
    p.set_defaults(func=cmd_ingest_mqtt)
    p = sub.add_parser("deadletters", parents=[common], help="messages the workers could not use: list, replay")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("ids", nargs="*", type=int, help="replay only these (default: all, oldest first)")
    p.add_argument("--worker", help="only this worker's letters (mqtt, ...)")
    p.add_argument("--limit", type=int, default=10000)
    p.set_defaults(func=cmd_deadletters)
    from ioc.core.registry import registry

    for domain, add_commands in registry.commands():
        p = sub.add_parser(domain.key, help=str(domain.label))
        add_commands(p.add_subparsers(dest="action", required=True), common)
    p = sub.add_parser("doctor", parents=[common], help="check every component and the production settings")
    p.set_defaults(func=cmd_doctor)
    p = sub.add_parser("cluster", parents=[common], help="the production topology on this machine: up, down, status")
    p.add_argument("action", choices=["up", "down", "status", "env"])
    p.add_argument("--dir", help="where it lives (default: <data dir>/cluster)")
    p.add_argument("--web", type=int, default=2, help="gunicorn web workers")
    p.add_argument("--ingest", type=int, default=2, help="MQTT ingest workers (one shared subscription)")
    p.add_argument("--consumers", type=int, default=2, help="task consumers")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--mqtt-port", type=int, default=1883)
    p.add_argument("--pg-port", type=int, default=5433)
    p.add_argument("--redis-port", type=int, default=6380)
    p.add_argument("--database-url", help="an existing PostgreSQL instead of a private one")
    p.add_argument("--skip", action="append", help="a domain process not to run (e.g. cameras); repeatable")
    p.add_argument("--json", action="store_true", help="status as JSON")
    p.set_defaults(func=cmd_cluster)
    p = sub.add_parser("manage", parents=[common], help="Django management commands")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _setup(argv)
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
