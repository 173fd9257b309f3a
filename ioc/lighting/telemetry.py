"""Lamp telemetry in columns (numpy): a night of per-minute reports for thousands of lamps is checked and applied
in a few vectorised passes, then written once per batch — the lamps' latest state with one executemany UPDATE and
each lamp's energy per night. Records one at a time (MQTT, the HTTP API) go through the same function.

Checks: unknown lamps and impossible values (level outside 0–100, negative or implausible power, voltage or
current, negative counters) refuse the record; an energy or burning-hours counter below an earlier reading is
flagged and not applied (the energy of the night only counts increases from the highest reading so far).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.db import connection, transaction

from ioc.lighting.models import Lamp, NightEnergy

LOCAL_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh has no daylight saving
FLICKER_WINDOW_S = 600
EPOCH = date(1970, 1, 1)
FIELDS = ("level", "power_w", "voltage", "current_a", "energy_kwh", "burning_hours")


@dataclass
class Batch:
    """Telemetry as columns: one entry per record; NaN where a record left a value out."""

    lamp: list[str]
    at: np.ndarray  # seconds since the epoch (UTC)
    on: np.ndarray  # bool
    level: np.ndarray
    power_w: np.ndarray
    voltage: np.ndarray
    current_a: np.ndarray
    energy_kwh: np.ndarray
    burning_hours: np.ndarray

    @classmethod
    def from_records(cls, records: list[dict], now: datetime) -> tuple[Batch, list[tuple[int, str]]]:
        """Rows to columns; a value that is not a number refuses its record here."""
        problems, n = [], len(records)
        columns = {f: np.full(n, np.nan) for f in FIELDS}
        at, on = np.empty(n), np.zeros(n, dtype=bool)
        for i, record in enumerate(records):
            moment = record.get("at") or now
            at[i] = moment.timestamp()
            on[i] = bool(record.get("on", False))
            for field in FIELDS:
                value = record.get(field)
                if value is None:
                    continue
                if not isinstance(value, int | float) or isinstance(value, bool):
                    problems.append((i, f"{field} is not a number"))
                    columns[field][i] = -1.0  # refused below as out of range, reported once
                    break
                columns[field][i] = value
        return cls([str(r.get("lamp") or "") for r in records], at, on, **columns), problems


def ingest_batch(batch: Batch) -> list[tuple[int, str]]:
    """Apply a batch in one transaction. Returns [(record index, reason)] for the refused and the flagged."""
    n = len(batch.lamp)
    if not n:
        return []
    problems: dict[int, str] = {}
    with transaction.atomic():
        known = _lamps({*batch.lamp})
        codes = np.array(batch.lamp, dtype=object)
        index = np.array([known[c][0] if c in known else -1 for c in batch.lamp])
        for i in np.flatnonzero(index < 0)[:1000]:
            problems[int(i)] = f"unknown lamp {codes[i]}"
        if not known:
            return sorted(problems.items())
        rows = sorted(known.values())
        ids = np.array([r[1] for r in rows])
        rated = np.array([r[2] for r in rows], dtype=float)
        valid = index >= 0
        safe_index = np.where(valid, index, 0)
        checks = [
            ("level", (batch.level < 0) | (batch.level > 100), "level outside 0–100"),
            ("power_w", (batch.power_w < 0) | (batch.power_w > 3 * rated[safe_index]), "impossible power"),
            ("voltage", (batch.voltage < 0) | (batch.voltage > 300), "voltage outside 0–300 V"),
            ("current_a", (batch.current_a < 0) | (batch.current_a > 50), "current outside 0–50 A"),
            ("energy_kwh", batch.energy_kwh < 0, "negative energy counter"),
            ("burning_hours", batch.burning_hours < 0, "negative burning hours"),
        ]
        for field, bad, reason in checks:
            bad &= valid  # NaN compares False: missing values pass
            for i in np.flatnonzero(bad)[:1000]:
                problems.setdefault(int(i), f"{reason} ({field} {getattr(batch, field)[i]:g})")
            valid &= ~bad
        refused = np.flatnonzero((index >= 0) & ~valid)  # known lamps' refused readings count as anomalies
        order = np.lexsort((batch.at, index))
        order = order[valid[order]]
        if not len(order):
            _write(ids, {}, _refused_nights(batch, index, ids, refused, {}))
            return sorted(problems.items())
        lamp_of = index[order]
        firsts = np.r_[True, lamp_of[1:] != lamp_of[:-1]]
        lasts = np.r_[lamp_of[1:] != lamp_of[:-1], True]
        at = batch.at[order]
        stored = {name: np.array([r[k] for r in rows], dtype=float) for k, name in ((3, "energy"), (4, "hours"))}
        energy_delta, flagged = _counter(batch.energy_kwh[order], lamp_of, firsts, stored["energy"])
        hours_delta, flagged_hours = _counter(batch.burning_hours[order], lamp_of, firsts, stored["hours"])
        for position in np.flatnonzero(flagged | flagged_hours)[:1000]:
            problems.setdefault(int(order[position]), "counter went backwards")
        night = ((at + LOCAL_OFFSET_S - 12 * 3600) // 86400).astype(np.int64)
        nights = _night_energy(lamp_of, night, energy_delta, flagged, ids)
        nights = _refused_nights(batch, index, ids, refused, nights)
        _write(ids, _latest(batch, order, lamp_of, firsts, lasts, at, rows, stored), nights)
    return sorted(problems.items())


def _lamps(codes: set[str]) -> dict[str, tuple]:
    """code → (position, id, rated W, energy counter, burning hours, is_on, switches, switches since (epoch s))."""
    found, codes = {}, sorted(c for c in codes if c)
    for start in range(0, len(codes), 900):
        for row in Lamp.objects.filter(code__in=codes[start : start + 900]).values_list(
            "code", "id", "rated_w", "energy_kwh", "burning_hours", "is_on", "switches", "switches_since"
        ):
            found[row[0]] = (*row[1:7], row[7].timestamp() if row[7] else None)
    ordered = sorted(found)
    return {code: (i, *found[code]) for i, code in enumerate(ordered)}


def _counter(values, lamp_of, firsts, stored):
    """Per record, the increase over the highest earlier reading of the lamp (0 where none or missing), and which
    records went below it (flagged)."""
    present = ~np.isnan(values)
    start = stored[lamp_of]
    # Highest reading so far within each lamp's run, with one running maximum over all runs: each run's readings
    # are shifted to start near zero and runs are stacked one range apart (small numbers keep float precision).
    starts = np.flatnonzero(firsts)
    low = np.fmin.reduceat(np.where(present, values, np.inf), starts)
    high = np.fmax.reduceat(np.where(present, values, -np.inf), starts)
    low = np.where(np.isfinite(low), low, 0.0)
    width = float(np.max(np.where(np.isfinite(high), high - low, 0.0))) + 1.0
    run = np.cumsum(firsts) - 1
    offset = run * width - np.repeat(low, np.diff(np.r_[starts, len(values)]))
    running = np.maximum.accumulate(np.where(present, values + offset, -np.inf)) - offset
    previous = np.r_[-np.inf, running[:-1]]
    previous[firsts] = -np.inf
    previous = np.fmax(previous, np.where(np.isnan(start), -np.inf, start))
    flagged = present & (values < previous)
    delta = np.where(present & ~flagged & np.isfinite(previous), values - previous, 0.0)
    return delta, flagged


def _refused_nights(batch, index, ids, refused, nights: dict) -> dict:
    for i in refused:
        key = (int(ids[index[i]]), int((batch.at[i] + LOCAL_OFFSET_S - 12 * 3600) // 86400))
        energy, anomalies = nights.get(key, (0.0, 0))
        nights[key] = (energy, anomalies + 1)
    return nights


def _night_energy(lamp_of, night, delta, flagged, ids) -> dict[tuple[int, int], tuple[float, int]]:
    key = lamp_of.astype(np.int64) * 100_000 + night
    keys, inverse = np.unique(key, return_inverse=True)
    energy = np.bincount(inverse, weights=delta, minlength=len(keys))
    anomalies = np.bincount(inverse, weights=flagged.astype(float), minlength=len(keys))
    return {
        (int(ids[k // 100_000]), int(k % 100_000)): (float(e), int(a))
        for k, e, a in zip(keys, energy, anomalies, strict=True)
    }


def _latest(batch, order, lamp_of, firsts, lasts, at, rows, stored) -> dict[int, dict]:
    """Each lamp's last reported state, highest counters, last seen, and on/off changes in the last 10 minutes."""
    on = batch.on[order]
    previous_on = np.r_[False, on[:-1]]
    stored_on = np.array([r[5] for r in rows], dtype=bool)[lamp_of]
    previous_on = np.where(firsts, stored_on, previous_on)
    changed = on != previous_on
    starts = np.flatnonzero(firsts)
    out = {}
    for n, position in enumerate(np.flatnonzero(lasts)):
        lamp = int(lamp_of[position])
        record = order[position]
        run = slice(starts[n], position + 1)
        values = {f: getattr(batch, f)[order[run]] for f in FIELDS}
        # On/off changes for flicker: added to the stored ones while their window is still open, else counted
        # afresh over the last ten minutes of this batch.
        times = at[run][changed[run]]
        stored_switches, stored_since = rows[lamp][6], rows[lamp][7]
        if stored_since is not None and at[position] - stored_since <= FLICKER_WINDOW_S:
            switches, since = stored_switches + len(times), stored_since
        else:
            times = times[times >= at[position] - FLICKER_WINDOW_S]
            switches, since = len(times), (float(times[0]) if len(times) else None)
        state = {"is_on": bool(on[position]), "last_seen": float(at[position]), "switches": switches, "since": since}
        for field in ("level", "power_w", "voltage", "current_a"):
            value = getattr(batch, field)[record]
            state[field] = None if np.isnan(value) else float(value)
        for field, key in (("energy_kwh", "energy"), ("burning_hours", "hours")):
            seen = values[field][~np.isnan(values[field])]
            best = np.fmax(np.max(seen) if len(seen) else np.nan, stored[key][lamp])
            state[field] = None if np.isnan(best) else float(best)
        out[lamp] = state
    return out


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _write(ids, states: dict[int, dict], nights: dict) -> None:
    ops = connection.ops
    table = ops.quote_name(Lamp._meta.db_table)
    adapt = ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {table} SET is_on = %s, level = COALESCE(%s, level), power_w = COALESCE(%s, power_w), "  # noqa: S608
        "voltage = COALESCE(%s, voltage), current_a = COALESCE(%s, current_a), "
        "energy_kwh = COALESCE(%s, energy_kwh), burning_hours = COALESCE(%s, burning_hours), switches = %s, "
        "switches_since = %s, last_seen_at = %s WHERE id = %s"
    )
    params = []
    for lamp, s in states.items():
        seen = _stamp(s["last_seen"])
        params.append(
            [
                s["is_on"],
                None if s["level"] is None else int(s["level"]),
                s["power_w"],
                s["voltage"],
                s["current_a"],
                s["energy_kwh"],
                s["burning_hours"],
                s["switches"],
                adapt(_stamp(s["since"])) if s["since"] is not None else None,
                adapt(seen),
                int(ids[lamp]),
            ]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    if not nights:
        return
    existing = {
        (row.lamp_id, (row.night - EPOCH).days): row
        for row in NightEnergy.objects.filter(
            lamp_id__in={k[0] for k in nights}, night__in={EPOCH + timedelta(days=k[1]) for k in nights}
        )
    }
    new, changed = [], []
    for key, (energy, anomalies) in nights.items():
        row = existing.get(key)
        if row is None:
            new.append(
                NightEnergy(
                    lamp_id=key[0], night=EPOCH + timedelta(days=key[1]), energy_kwh=energy, anomalies=anomalies
                )
            )
        else:
            row.energy_kwh += energy
            row.anomalies += anomalies
            changed.append(row)
    NightEnergy.objects.bulk_create(new, batch_size=5000)
    if changed:
        sql = f"UPDATE {ops.quote_name(NightEnergy._meta.db_table)} SET energy_kwh = %s, anomalies = %s WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(r.energy_kwh, r.anomalies, r.pk) for r in changed])
