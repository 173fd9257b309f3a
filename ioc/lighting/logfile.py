"""A night's telemetry log from a lamp-controller gateway, as CSV (optionally gzip-compressed), imported in chunks
through the same checks as live telemetry: `ioc lighting import-telemetry FILE`.

Columns: lamp, at (ISO 8601 with its offset), on (1/0/true/false), level, power_w, voltage, current_a,
energy_kwh, burning_hours; empty cells are values the controller did not send.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np
from django.utils.dateparse import parse_datetime

from ioc.lighting.telemetry import FIELDS, Batch, ingest_batch

CHUNK = 300_000
COLUMNS = ("lamp", "at", "on", *FIELDS)
TRUE = {"1", "true", "True", "on"}


class LogError(ValueError):
    pass


def _open(path: Path):
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig", newline="")
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def import_log(path: Path) -> dict:
    """Returns {"records", "refused", "examples": [(line, reason)]}; each chunk is one transaction."""
    if not path.is_file():
        raise LogError(f"{path}: no such file")
    totals = {"records": 0, "refused": 0, "examples": []}
    stamps: dict[str, float] = {}  # a gateway's minute is the same text for every lamp
    with _open(path) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[: len(COLUMNS)]] != list(COLUMNS):
            raise LogError(f"{path}: the first line must be the columns {','.join(COLUMNS)}")
        line = 1
        while True:
            rows = []
            for row in reader:
                rows.append(row)
                if len(rows) == CHUNK:
                    break
            if not rows:
                break
            batch, bad = _columns(rows, stamps, line)
            merged = dict(ingest_batch(batch))
            merged.update(dict(bad))  # the parser's reason says more than "unknown lamp" for a broken row
            for index, reason in sorted(merged.items()):
                totals["refused"] += 1
                if len(totals["examples"]) < 50:
                    totals["examples"].append((line + 1 + index, reason))
            totals["records"] += len(rows)
            line += len(rows)
    return totals


def _columns(rows: list[list[str]], stamps: dict[str, float], line: int) -> tuple[Batch, list[tuple[int, str]]]:
    n = len(rows)
    at, on = np.empty(n), np.zeros(n, dtype=bool)
    values = {f: np.full(n, np.nan) for f in FIELDS}
    lamps, bad = [], []
    for i, row in enumerate(rows):
        if len(row) < len(COLUMNS):
            lamps.append("")  # refused below as an unknown lamp; said here more clearly
            bad.append((i, "missing columns"))
            at[i] = 0
            continue
        lamps.append(row[0])
        stamp = stamps.get(row[1])
        if stamp is None:
            moment = parse_datetime(row[1])
            if moment is None or moment.tzinfo is None:
                bad.append((i, "at must be an ISO 8601 date-time with its offset"))
                lamps[-1] = ""
                at[i] = 0
                continue
            stamp = stamps[row[1]] = moment.timestamp()
        at[i] = stamp
        on[i] = row[2] in TRUE
        for k, field in enumerate(FIELDS, start=3):
            cell = row[k]
            if cell:
                try:
                    values[field][i] = float(cell)
                except ValueError:
                    values[field][i] = -1.0  # refused as out of range; reported as not a number
                    bad.append((i, f"{field} is not a number"))
    batch = Batch(lamps, at, on, **values)
    return batch, bad
