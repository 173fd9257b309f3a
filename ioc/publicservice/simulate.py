"""Demo files: a year of realistic one-stop files for Lai Châu's units, then a trickle of new ones and progress.

Seasonal load (busy before Tết and at year end, quiet just after Tết), online use growing through the year, and two
chronically late agencies (land registration and construction permits). Everything goes through the real import.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from threading import Event

from django.db import close_old_connections
from django.utils import timezone

from ioc.core.services.calendar import TZ
from ioc.core.services.geo import current_units
from ioc.publicservice.importer import import_file_rows
from ioc.publicservice.models import ImportRun, Procedure, ServiceFile
from ioc.publicservice.timeliness import appointment

log = logging.getLogger(__name__)
MONTH_LOAD = {1: 1.4, 2: 0.6, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.1, 7: 0.9, 8: 1.0, 9: 1.0, 10: 1.1, 11: 1.2, 12: 1.4}
CHRONICALLY_LATE = {"Chi nhánh VPĐK đất đai": 0.3, "Phòng Quản lý đô thị": 0.22}


def _fmt(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(TZ):%d/%m/%Y %H:%M}"


def make_row(rng: random.Random, number: int, procedure: Procedure, ward_units, at: datetime, now: datetime) -> dict:
    unit = rng.choice(ward_units)
    agency = procedure.agency if procedure.agency != "UBND cấp xã" else f"UBND {unit.name}"
    received = at.replace(hour=rng.randint(7, 16), minute=rng.choice((0, 15, 30, 45)))
    due = appointment(received.astimezone(TZ).date(), procedure.time_limit_days)
    late_share = CHRONICALLY_LATE.get(agency, 0.04)
    supplements = 1 if rng.random() < 0.08 else 0
    supplement_days = rng.randint(1, 5) if supplements else 0
    span = (due - received).total_seconds()
    if rng.random() < late_share:
        finished = due + timedelta(days=supplement_days + rng.uniform(1, 12))
    else:
        finished = received + timedelta(seconds=span * rng.uniform(0.3, 1.0)) + timedelta(days=supplement_days)
    status = 10 if finished < now else rng.choice((2, 4, 4, 5))
    year_progress = min(max((now - received).days / 365, 0), 1)
    online_share = 0.55 - 0.35 * year_progress if procedure.online_level != "khong" else 0
    return {
        "MaHoSo": f"LCH-{received:%y%m%d}-{number:06d}",
        "MaTTHC": procedure.code,
        "DonViXuLy": agency,
        "MaDonVi": unit.code,
        "NgayTiepNhan": _fmt(received),
        "NgayHenTra": _fmt(due),
        "NgayKetThucXuLy": _fmt(finished) if status == 10 else "",
        "TrangThaiHoSo": status,
        "KenhThucHien": 2 if rng.random() < online_share else rng.choice((1, 1, 1, 3)),
        "SoLanBoSung": supplements,
        "ThoiGianBoSung": supplement_days,
        "DaThanhToanTrucTuyen": "1" if procedure.fee and rng.random() < 0.4 else "0",
        "CoKetQuaDienTu": "x" if rng.random() < 0.7 else "",
        "DaSoHoa": "có" if rng.random() < 0.8 else "không",
        "DanhGia": "" if rng.random() < 0.5 else ("hài lòng" if rng.random() < 0.93 else "không hài lòng"),
    }


def generate(rng: random.Random, days: int, per_day: float, start_number: int = 0) -> int:
    procedures = list(Procedure.objects.all())
    units = [u for u in current_units()]
    now = timezone.now()
    rows, number = [], start_number
    for back in range(days, -1, -1):
        day = now - timedelta(days=back)
        if day.astimezone(TZ).weekday() >= 5:
            continue
        for _ in range(max(0, round(rng.gauss(per_day * MONTH_LOAD[day.month], 4)))):
            number += 1
            rows.append((number, make_row(rng, number, rng.choice(procedures), units, day, now)))
    run = ImportRun.objects.create(kind="files", filename="simulator")
    run.total_rows = len(rows)
    import_file_rows(iter(rows), run)
    return len(rows)


# The modeled rate: 0–3 files every five minutes on average (about 0.3 a minute, some 150 over an office day),
# what the city's one-stop shops and the online portal receive. Overdue files reach the feed per agency, not each.
MEAN_SECONDS_BETWEEN_BATCHES = 300.0


def run(stop: Event, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_BATCHES) -> None:
    rng = random.Random(seed)
    if not Procedure.objects.exists() or not list(current_units()):
        log.warning("no procedures or units: run the domain setup first")
        return
    if not ServiceFile.objects.exists():
        log.info("simulated %s files for the past year", generate(rng, 365, 45))
    number = 900_000
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            number += 1
            generate(rng, 0, 3, start_number=number * 10)
        finally:
            close_old_connections()
