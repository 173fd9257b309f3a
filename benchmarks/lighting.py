"""Street lighting at city scale on SQLite (issue #7):
- plan one night for every circuit and evaluate the faults of 10,000 lamps (target ≤ 5 s);
- ingest a night of per-minute telemetry from 10,000 lamps, sunset to sunrise (≈ 7.8 million readings) in
  batches of 30 minutes handed to the service as columns (target ≤ 2 minutes);
- the same night as a gateway's CSV log imported with `ioc lighting import-telemetry` (parsing included), on a
  fresh database.
"""

import argparse
import os
import tempfile
import time
from datetime import date, datetime, timedelta


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lamps", type=int, default=10_000)
    parser.add_argument("--batch-minutes", type=int, default=30)
    parser.add_argument("--skip-file", action="store_true", help="leave out the CSV log import")
    args = parser.parse_args()
    os.environ.update(
        IOC_DATA_DIR=tempfile.mkdtemp(prefix="ioc-benchlight-"),
        DJANGO_SETTINGS_MODULE="ioc.settings",
        IOC_LOG_CONSOLE="0",
    )
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    from ioc.core.services.profile import load_profile
    from ioc.lighting import planning
    from ioc.lighting.models import Cabinet, Circuit, Lamp, NightEnergy
    from ioc.lighting.services import evaluate_faults
    from ioc.lighting.simulate import ensure_rules
    from ioc.lighting.telemetry import Batch, ingest_batch

    call_command("migrate", verbosity=0)
    load_profile()
    ensure_rules()
    per_circuit, lamps = 50, []
    for c in range(args.lamps // (2 * per_circuit)):
        cabinet = Cabinet.objects.create(code=f"TD{c:03d}", name=f"Tủ {c}", lat=22.39 + c * 0.0002, lon=103.45)
        for r, road in enumerate(("main", "minor")):
            circuit = Circuit.objects.create(
                cabinet=cabinet, code=f"TD{c:03d}-{r}", name=f"Tuyến {c}-{r}", road_class=road
            )
            lamps += [
                Lamp(
                    code=f"{circuit.code}-{n:02d}",
                    circuit=circuit,
                    lat=22.39,
                    lon=103.45 + n * 0.0003,
                    rated_w=100 if road == "main" else 60,
                )
                for n in range(per_circuit)
            ]
    Lamp.objects.bulk_create(lamps, batch_size=5000)
    codes = list(Lamp.objects.order_by("code").values_list("code", flat=True))
    rated = np.array(list(Lamp.objects.order_by("code").values_list("rated_w", flat=True)), dtype=float)
    n = len(codes)
    night = date(2026, 11, 25)
    dusk, dawn = planning.sun_times(night, 22.39, 103.45)
    minutes = int((dawn - dusk).total_seconds() // 60)
    print(f"{n:,} lamps on {Circuit.objects.count()} circuits; the night of {night:%d/%m/%Y} lasts {minutes} minutes")

    # 2. a night of per-minute telemetry
    rng = np.random.default_rng(1)
    energy = np.zeros(n)
    hours = np.zeros(n)
    total, started, first_minute = 0, time.perf_counter(), None
    generate_s = 0.0
    for first in range(0, minutes, args.batch_minutes):
        t0 = time.perf_counter()
        span = min(args.batch_minutes, minutes - first)
        at = np.repeat(dusk.timestamp() + 60 * np.arange(first, first + span), n)
        level = np.full(n * span, 100.0)
        power = np.tile(rated, span) * rng.uniform(0.95, 1.05, n * span)
        steps = np.tile(rated, span) / 60_000
        energy_series = (energy[None, :] + np.cumsum(steps.reshape(span, n), axis=0)).ravel()
        energy = energy_series[-n:]
        if first_minute is None:
            first_minute = energy_series[:n].copy()  # a lamp's first reading has nothing before it to count from
        hours_series = (hours[None, :] + np.arange(1, span + 1)[:, None] / 60).ravel()
        hours = hours_series[-n:]
        batch = Batch(
            lamp=codes * span,
            at=at,
            on=np.ones(n * span, dtype=bool),
            level=level,
            power_w=power,
            voltage=rng.uniform(218, 232, n * span),
            current_a=power / 225,
            energy_kwh=energy_series,
            burning_hours=hours_series,
        )
        generate_s += time.perf_counter() - t0
        problems = ingest_batch(batch)
        assert not problems, problems[:3]
        total += n * span
    elapsed = time.perf_counter() - started - generate_s
    stored = sum(NightEnergy.objects.filter(night=night).values_list("energy_kwh", flat=True))
    print(
        f"ingest a night of per-minute telemetry: {total:,} readings in {elapsed:.1f} s = {total / elapsed:,.0f}/s "
        f"(batches of {args.batch_minutes} min; generating them took another {generate_s:.1f} s); "
        f"night energy stored {stored:,.1f} kWh, expected {(energy - first_minute).sum():,.1f}"
    )

    if not args.skip_file:
        log_file(codes, rated, dusk, minutes)

    # 1. plan + faults at 23:30 (a few lamps out, one flickering, one on by day is not tested at night)
    moment = datetime.combine(night, datetime.min.time(), planning.TZ) + timedelta(hours=23, minutes=30)
    Lamp.objects.filter(code__endswith="-07").update(is_on=False, last_seen_at=moment)
    Lamp.objects.exclude(code__endswith="-07").update(last_seen_at=moment)
    planning.sun_times.cache_clear()
    started = time.perf_counter()
    plans = planning.plans(night)
    planned = time.perf_counter() - started
    counts = evaluate_faults(now=moment)
    elapsed = time.perf_counter() - started
    print(
        f"plan {len(plans)} circuits and evaluate faults of {n:,} lamps: {elapsed:.2f} s "
        f"(plans {planned:.2f} s); faults {dict(sorted(counts.items()))}"
    )


def log_file(codes, rated, dusk, minutes):
    """Write the night as a CSV log (not timed), clear what the columns pass stored, import the file (timed)."""
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    from ioc.lighting.models import Lamp, NightEnergy

    path = Path(settings.DATA_DIR) / "night.csv"
    started = time.perf_counter()
    with path.open("w") as out:
        out.write("lamp,at,on,level,power_w,voltage,current_a,energy_kwh,burning_hours\n")
        for minute in range(minutes):
            stamp = datetime.fromtimestamp(dusk.timestamp() + 60 * minute, tz=dusk.tzinfo).isoformat()
            hours = (minute + 1) / 60
            out.writelines(
                f"{code},{stamp},1,100,{w:.1f},229.8,{w / 225:.3f},{w * hours / 1000:.5f},{hours:.4f}\n"
                for code, w in zip(codes, rated, strict=True)
            )
    written = time.perf_counter() - started
    NightEnergy.objects.all().delete()
    Lamp.objects.update(energy_kwh=None, burning_hours=None, switches=0, switches_since=None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ioc.cli", "lighting", "import-telemetry", str(path)], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    rows = len(codes) * minutes
    print(
        f"import the night as a CSV log ({path.stat().st_size / 2**20:,.0f} MiB, {rows:,} rows; writing it took "
        f"{written:.0f} s): {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s — {done.stdout.strip()} {done.stderr[:200]}"
    )


if __name__ == "__main__":
    main()
