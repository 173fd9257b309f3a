"""Public services at scale on SQLite: import 1,000,000 files from a CSV export, then compute every 766 indicator
for a year over them. Prints rows/s and seconds; targets (issue #4): import ≤ 2 min, indicators ≤ 5 s."""

import argparse
import csv
import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1_000_000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-benchps-"))
    os.environ.update(IOC_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="ioc.settings", IOC_LOG_CONSOLE="0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ioc.core.services.geo import current_units
    from ioc.core.services.profile import load_profile
    from ioc.publicservice import indicators
    from ioc.publicservice.defaults import ensure_defaults
    from ioc.publicservice.importer import import_files
    from ioc.publicservice.models import Procedure, ServiceFile
    from ioc.publicservice.simulate import make_row

    call_command("migrate", verbosity=0)
    load_profile()
    ensure_defaults()
    rng = random.Random(5)
    procedures = list(Procedure.objects.all())
    units = list(current_units())
    now = timezone.now()
    export = data_dir / "hoso.csv"
    started = time.perf_counter()
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = None
        for i in range(args.files):
            day = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
            record = make_row(rng, i, rng.choice(procedures), units, day, now)
            record["MaHoSo"] = f"BENCH-{i:07d}"
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(record))
                writer.writeheader()
            writer.writerow(record)
    print(
        f"export written: {args.files} rows, {export.stat().st_size / 2**20:.0f} MiB, "
        f"{time.perf_counter() - started:.1f} s (not part of the figure)"
    )

    started = time.perf_counter()
    run = import_files(export, export.name)
    elapsed = time.perf_counter() - started
    print(
        f"import: {run.created} new, {run.updated} updated, {len(run.refused)} refused in {elapsed:.1f} s "
        f"({run.total_rows / elapsed:,.0f} rows/s)"
    )
    assert ServiceFile.objects.count() == args.files

    today = timezone.localdate()
    start = today - timedelta(days=365)
    timings = []
    for _ in range(3):
        t = time.perf_counter()
        result = indicators.compute(start, today)
        timings.append(time.perf_counter() - t)
    print(
        f"indicators for a year over {args.files} files: {min(timings):.2f} s best, {max(timings):.2f} s worst; "
        f"total {result['total']:.2f}/100"
    )
    started = time.perf_counter()
    run = import_files(export, export.name)
    print(f"re-import of the same export (all updates): {run.updated} updated in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
