"""Backup and restore at province scale (issue #12): peak memory (RSS) and time of `ioc backup` and `ioc restore` as
separate processes, on SQLite, over a database of N records (sensor readings plus the city profile and the demo's
defaults). Target: < 300 MB peak in each, at any size.

`python benchmarks/backup.py [--records 500000]`
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `ioc` command in its own process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "ioc.cli", *args], env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ioc {' '.join(args)} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500_000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-benchbackup-"))
    env = {
        **os.environ,
        "IOC_DATA_DIR": str(data_dir),
        "IOC_LOG_CONSOLE": "0",
        "DJANGO_SETTINGS_MODULE": "ioc.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from ioc.core.cli import migrate
    from ioc.core.services.profile import load_profile
    from ioc.sensors.models import Entity, Reading

    migrate()
    load_profile()
    gauges = [
        Entity.objects.create(entity_id=f"urn:ngsi-ld:RainGauge:b{i}", type="RainGauge", lat=22.4, lon=103.45)
        for i in range(100)
    ]
    start = timezone.now() - timedelta(days=365)
    batch = []
    for n in range(args.records):
        batch.append(
            Reading(
                entity=gauges[n % 100], attr="precipitation", value=n % 97, observed_at=start + timedelta(seconds=n)
            )
        )
        if len(batch) == 20_000:
            Reading.objects.bulk_create(batch)
            batch = []
    Reading.objects.bulk_create(batch)
    archive = data_dir / "bench.tar.gz"
    seconds, peak = run(["backup", "--output", str(archive)], env)
    print(
        f"backup of {args.records:,} readings: {seconds:.1f} s, peak RSS {peak:.0f} MB, archive "
        f"{archive.stat().st_size / 2**20:.1f} MB"
    )
    seconds, peak = run(["restore", str(archive)], env)
    print(f"restore of the same archive: {seconds:.1f} s, peak RSS {peak:.0f} MB")
    print(f"readings after restore: {Reading.objects.count():,}")


if __name__ == "__main__":
    main()
