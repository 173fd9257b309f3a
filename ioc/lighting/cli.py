"""`ioc lighting import-telemetry FILE`: a gateway's night log (CSV or CSV.gz) through the telemetry checks."""

from __future__ import annotations

import sys

from ioc.core.cli import load_file


def add_commands(sub, common) -> None:
    q = sub.add_parser("import-telemetry", parents=[common], help="import a night's lamp telemetry log (CSV/CSV.gz)")
    q.add_argument("file")
    q.set_defaults(func=import_telemetry)


def import_telemetry(args) -> int:
    from ioc.lighting.logfile import LogError, import_log

    if (result := load_file(import_log, args.file, LogError, prog="ioc lighting")) is None:
        return 2
    print(f"{result['records']} readings, {result['refused']} refused")
    for line, reason in result["examples"]:
        print(f"line {line}: {reason}", file=sys.stderr)
    return 1 if result["refused"] else 0
