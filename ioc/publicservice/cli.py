"""`ioc publicservice ...`: import the one-stop system's exports, or write the leaders' report for a period."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ioc.core.cli import migrate


def add_commands(sub, common) -> None:
    for action, text in (
        ("import", "import files (hồ sơ) from CSV/XLSX"),
        ("import-procedures", "import the procedure catalogue from CSV/XLSX"),
    ):
        q = sub.add_parser(action, parents=[common], help=text)
        q.add_argument("file")
        q.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row is refused")
        q.set_defaults(func=import_file)
    q = sub.add_parser("report", parents=[common], help="write the report for a period (.pdf or .xlsx)")
    q.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    q.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    q.add_argument("--output", "-o", required=True)
    q.set_defaults(func=report)


def import_file(args) -> int:
    """Exit 0 when every row was imported, 1 when some were refused, 2 when nothing was imported."""
    from ioc.publicservice import importer

    migrate()
    run = (importer.import_files if args.action == "import" else importer.import_procedures)(
        Path(args.file), Path(args.file).name, all_or_nothing=args.all_or_nothing
    )
    print(
        f"{run.total_rows} rows: {run.created} new, {run.updated} updated, {run.refused_count} refused"
        + ("" if run.applied else " — nothing imported (all or nothing)")
    )
    if run.refused:
        print(importer.refused_summary(run, limit=50), file=sys.stderr)
    return 0 if run.applied and not run.refused else (1 if run.applied else 2)


def report(args) -> int:
    from ioc.publicservice import reports

    migrate()
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    out = Path(args.output)
    out.write_bytes(reports.daily_xlsx(start, end) if out.suffix == ".xlsx" else reports.daily_pdf(start, end))
    print(f"Report written to {out}")
    return 0
