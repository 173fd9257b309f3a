"""`ioc media ...`: collect the sources now, import another tool's export, or write a report (for cron and for
officers who work from a shell)."""

from __future__ import annotations

import sys
from pathlib import Path

from ioc.core.cli import migrate


def add_commands(sub, common) -> None:
    q = sub.add_parser("collect", parents=[common], help="collect every enabled source now (or one: --source ID)")
    q.add_argument("--source", type=int)
    q.set_defaults(func=collect)
    q = sub.add_parser("import", parents=[common], help="import another tool's export (CSV, XLSX or JSON)")
    q.add_argument("file")
    q.set_defaults(func=import_file)
    q = sub.add_parser("report", parents=[common], help="write the report for the last day, week or month")
    q.add_argument("period", choices=("day", "week", "month"))
    q.add_argument("--output", "-o", required=True, help="a .pdf or .xlsx file")
    q.set_defaults(func=report)


def collect(args) -> int:
    from ioc.media.models import Source
    from ioc.media.services import collect_source

    migrate()
    sources = Source.objects.filter(pk=args.source) if args.source else Source.objects.filter(enabled=True)
    if not sources.exists():
        print("no such source, or none enabled", file=sys.stderr)
        return 2
    failed = 0
    for source in sources.exclude(kind="manual"):
        stored = collect_source(source)
        source.refresh_from_db()
        failed += bool(source.failures)
        print(f"{source.name}: {stored} new — {source.last_status}")
    return 1 if failed else 0


def import_file(args) -> int:
    """Exit 0 when every row came in (or was already there), 1 when some were refused, 2 when the file was."""
    from ioc.media import importer

    migrate()
    path = Path(args.file)
    try:
        result = importer.import_file(None, path.read_bytes(), path.name)
    except (OSError, importer.ImportError_) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    print(f"{result.mapping}: {result.created} new, {result.already} already collected, {len(result.refused)} refused")
    for line, reason in result.refused[:50]:
        print(f"  line {line}: {reason}", file=sys.stderr)
    return 1 if result.refused else 0


def report(args) -> int:
    from django.contrib.auth import get_user_model

    from ioc.media import reports

    migrate()
    # The whole city's report: read as the first administrator (every keyword set).
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        print("no administrator account: create one with `ioc manage createsuperuser`", file=sys.stderr)
        return 2
    out = Path(args.output)
    out.write_bytes(
        reports.report_xlsx(admin, args.period) if out.suffix == ".xlsx" else reports.report_pdf(admin, args.period)
    )
    print(f"Report written to {out}")
    return 0
