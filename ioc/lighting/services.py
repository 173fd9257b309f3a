"""Lighting actions: schedule rules checked for overlaps, overrides with their commands, telemetry ingest with
impossible values refused, fault evaluation with alerts (folded per circuit when a whole circuit is out), energy."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.services import audit
from ioc.core.services.alerts import raise_alert, resolve_ended
from ioc.lighting import planning
from ioc.lighting.choices import FAULT_KINDS
from ioc.lighting.models import Cabinet, Circuit, Command, Lamp, MaintenanceRecord, Override, ScheduleRule

SILENT_AFTER = timedelta(minutes=15)
FLICKER_WINDOW = timedelta(minutes=10)
FLICKER_SWITCHES = 4
POWER_TOLERANCE = 0.3  # a lamp drawing more than 30 % off its rated power at the commanded level
CIRCUIT_OUT_SHARE = 0.8  # this share of a circuit's lamps out: one circuit alert instead of one per lamp


# --- schedules ----------------------------------------------------------------------------------------------------


def _minutes(night_text: str) -> int:
    """'22:00' → minutes since noon of the night (so intervals across midnight compare simply)."""
    hours, minutes = (int(x) for x in night_text.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValidationError(f"{night_text} is not a time of day (HH:MM)")
    return ((hours - 12) % 24) * 60 + minutes if hours != 24 else 12 * 60


def _spans(rule: ScheduleRule) -> list[tuple[int, int]]:
    spans = []
    for interval in rule.intervals:
        try:
            start, end, level = _minutes(interval["from"]), _minutes(interval["to"]), int(interval["level"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError("each interval is {from: HH:MM, to: HH:MM, level: 0–100}") from None
        if not 0 <= level <= 100:
            raise ValidationError("a level is a percentage from 0 to 100")
        if end <= start:
            raise ValidationError(
                f"{interval['from']}–{interval['to']} ends before it starts (nights run noon to noon)"
            )
        spans.append((start, end))
    spans.sort()
    for (_a_start, a_end), (b_start, _b_end) in zip(spans, spans[1:], strict=False):
        if b_start < a_end:
            raise ValidationError("two intervals of this rule overlap")
    return spans


def check_rule(rule: ScheduleRule, circuit_ids: set[int]) -> None:
    """Refuse a rule whose intervals overlap each other, or overlap another active rule of the same kind and
    priority on the same circuits (the plan could not say which one wins)."""
    if not 0 <= rule.level <= 100:
        raise ValidationError("the level is a percentage from 0 to 100")
    if rule.kind == ScheduleRule.Kind.WEATHER and rule.condition not in ("fog", "rain"):
        raise ValidationError("a weather rule's condition is fog or rain")
    if rule.kind in (ScheduleRule.Kind.PROFILE, ScheduleRule.Kind.SPECIAL) and not rule.intervals:
        raise ValidationError("a time profile or special-day rule needs intervals")
    if rule.kind == ScheduleRule.Kind.SPECIAL and not rule.days:
        raise ValidationError("a special-day rule needs days")
    mine = _spans(rule)
    if rule.kind not in (ScheduleRule.Kind.PROFILE, ScheduleRule.Kind.SPECIAL):
        return
    others = ScheduleRule.objects.filter(active=True, kind=rule.kind, priority=rule.priority).exclude(pk=rule.pk)
    my_circuits = _targets(rule.road_class, circuit_ids)
    for other in others.prefetch_related("circuits"):
        if not my_circuits & _targets(other.road_class, {c.pk for c in other.circuits.all()}):
            continue
        if rule.kind == ScheduleRule.Kind.SPECIAL and not set(rule.days) & set(other.days):
            continue
        for a_start, a_end in mine:
            for b_start, b_end in _spans(other):
                if a_start < b_end and b_start < a_end:
                    raise ValidationError(
                        f"overlaps “{other.name}” (same kind and priority, same circuits): give one a higher priority"
                    )


def _targets(road_class: str, circuit_ids: set[int]) -> set[int]:
    if circuit_ids:
        return set(circuit_ids)
    qs = Circuit.objects.all()
    return set((qs.filter(road_class=road_class) if road_class else qs).values_list("pk", flat=True))


@transaction.atomic
@transaction.atomic
def save_rule(rule: ScheduleRule, circuit_ids: set[int] | None = None, *, by=None, request=None) -> ScheduleRule:
    """Add or change a schedule rule after the overlap checks; audited when a person does it."""
    check_rule(rule, circuit_ids or set())
    created = rule.pk is None
    rule.save()
    rule.circuits.set(circuit_ids or [])
    if by is not None:
        audit.record(by, f"lighting.rule.{'create' if created else 'update'}", rule, request=request, name=rule.name)
    return rule


def delete_rule(rule: ScheduleRule, *, by, request=None) -> None:
    audit.delete_recorded(by, "lighting.rule.delete", rule, request=request, name=rule.name)


@transaction.atomic
def toggle_rule(rule: ScheduleRule, *, by, request=None) -> ScheduleRule:
    """Switch a rule off, or on again (checked for overlaps like a new one)."""
    rule.active = not rule.active
    if rule.active:
        check_rule(rule, {c.pk for c in rule.circuits.all()})
    rule.save(update_fields=["active"])
    audit.record(by, "lighting.rule.toggle", rule, request=request, active=rule.active)
    return rule


@transaction.atomic
def record_maintenance(lamp: Lamp, action: str, note: str, *, by, request=None) -> MaintenanceRecord:
    """A repair or inspection on a lamp's history; audited."""
    record = MaintenanceRecord.objects.create(
        lamp=lamp, done_on=timezone.localdate(), action=action[:200], note=note[:2000], user=by
    )
    audit.record(by, "lighting.maintenance", lamp, request=request, work=action[:200])
    return record


def command_lamp(lamp: Lamp, level: int, *, by, request=None) -> Command:
    """Switch or dim one lamp (0 = off); audited."""
    (item,) = queue_commands([lamp], level, reason="manual")
    audit.record(by, "lighting.command", lamp, request=request, level=level)
    return item


def export(what: str, fmt: str, *, by, request=None, **period) -> tuple[bytes, str]:
    """Lamp register or monthly report as (body, content type); every export is audited."""
    from ioc.lighting import assets, reports

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if what == "lamps":
        audit.record(by, "export", object_type="lighting.lamp", request=request, format=fmt)
        return (assets.export_xlsx(), xlsx) if fmt == "xlsx" else (assets.export_csv(), "text/csv; charset=utf-8")
    year, month = period["year"], period["month"]
    audit.record(by, "export", object_type="lighting.report", request=request, month=f"{year}-{month:02d}")
    if fmt == "pdf":
        return reports.monthly_pdf(year, month), "application/pdf"
    return reports.monthly_xlsx(year, month), xlsx


# --- overrides and commands ---------------------------------------------------------------------------------------


@transaction.atomic
def set_override(circuit: Circuit, level: int, minutes: int, user, reason: str = "", request=None) -> Override:
    """A manual level for a circuit for some minutes; its lamps get commands at once; audited."""
    if not isinstance(level, int) or not 0 <= level <= 100:
        raise ValidationError("the level is a percentage from 0 to 100")
    if not 1 <= minutes <= 7 * 24 * 60:
        raise ValidationError("an override lasts from 1 minute to 7 days")
    now = timezone.now()
    override = Override.objects.create(
        circuit=circuit,
        level=level,
        starts_at=now,
        expires_at=now + timedelta(minutes=minutes),
        user=user,
        reason=reason[:300],
    )
    queue_commands(list(circuit.lamps.all()), level, reason=f"override {override.pk}")
    audit.record(user, "lighting.override", override, request=request, level=level, minutes=minutes)
    return override


def queue_commands(lamps: list[Lamp], level: int, reason: str = "") -> list[Command]:
    if not 0 <= level <= 100:
        raise ValidationError("the level is a percentage from 0 to 100")
    Command.objects.filter(lamp__in=lamps, status__in=["pending", "sent"]).update(
        status=Command.Status.FAILED, reason="superseded"
    )
    return Command.objects.bulk_create([Command(lamp=lamp, level=level, reason=reason[:200]) for lamp in lamps])


def acknowledge(command_id: int, lamp_code: str) -> bool:
    """A controller confirmed a command: the lamp's level follows. False for an unknown or foreign command."""
    command = Command.objects.select_related("lamp").filter(pk=command_id, lamp__code=lamp_code).first()
    if command is None or command.status in ("acked", "failed"):
        return False
    now = timezone.now()
    Command.objects.filter(pk=command.pk).update(status=Command.Status.ACKED, acked_at=now)
    Lamp.objects.filter(pk=command.lamp_id).update(level=command.level, is_on=command.level > 0)
    return True


def due_commands(now: datetime | None = None, *, retry_after: timedelta = timedelta(seconds=30), attempts: int = 5):
    """Commands to (re)send: pending ones, and sent ones unacknowledged for `retry_after`; after `attempts`
    tries a command fails (the lamp's fault evaluation will show whether it obeyed)."""
    now = now or timezone.now()
    Command.objects.filter(status="sent", attempts__gte=attempts, sent_at__lt=now - retry_after).update(
        status=Command.Status.FAILED, reason="no acknowledgement"
    )
    return list(
        Command.objects.select_related("lamp").filter(status="pending")
        | Command.objects.select_related("lamp").filter(status="sent", sent_at__lt=now - retry_after)
    )


def mark_sent(commands: list[Command]) -> None:
    Command.objects.filter(pk__in=[c.pk for c in commands], status__in=("pending", "sent")).update(
        status=Command.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )


# --- telemetry ----------------------------------------------------------------------------------------------------


def ingest(records: list[dict], now: datetime | None = None) -> list[tuple[int, str]]:
    """Telemetry from lamp controllers: {lamp, at?, on, level, power_w, voltage, current_a, energy_kwh,
    burning_hours}. Impossible values refuse the record; a counter going backwards is flagged and not applied.
    Returns [(index, reason)] for the records refused or flagged. One transaction per batch."""
    from ioc.lighting.telemetry import Batch, ingest_batch

    batch, problems = Batch.from_records(records, now or timezone.now())
    reasons = dict(ingest_batch(batch))
    reasons.update(dict(problems))  # "not a number" says more than the range check it triggered
    return sorted(reasons.items())


# --- faults -------------------------------------------------------------------------------------------------------


def evaluate_faults(now: datetime | None = None, weather: dict | None = None) -> dict[str, int]:
    """Each lamp against its circuit's plan now; new faults raise alerts (one per circuit when most of it is out;
    one per cabinet without power or with its door open). Returns counts by fault."""
    now = now or timezone.now()
    night = planning.night_of(now)
    circuits = list(Circuit.objects.select_related("cabinet"))
    plans = planning.plans(night, circuits, weather)
    by_circuit = {c.pk: c for c in circuits}
    counts: dict[str, int] = defaultdict(int)
    changed, new_faults = [], []
    lamps_by_circuit: dict[int, list[Lamp]] = defaultdict(list)
    for lamp in Lamp.objects.only(
        "id",
        "code",
        "circuit_id",
        "lat",
        "lon",
        "rated_w",
        "is_on",
        "level",
        "power_w",
        "switches",
        "switches_since",
        "last_seen_at",
        "fault",
    ):
        circuit = by_circuit[lamp.circuit_id]
        expected, _rule = planning.level_at(plans[circuit.pk], now)
        fault = _fault(lamp, expected, circuit.cabinet, now)
        counts[fault or "ok"] += 1
        lamps_by_circuit[circuit.pk].append(lamp)
        if fault != lamp.fault:
            if fault:
                new_faults.append((lamp, fault, circuit))
            lamp.fault = fault
            changed.append(lamp)
    Lamp.objects.bulk_update(changed, ["fault"], batch_size=1000)
    circuits_out = {
        pk
        for pk, lamps in lamps_by_circuit.items()
        if len(lamps) >= 3 and sum(1 for lamp in lamps if lamp.fault == "out") >= CIRCUIT_OUT_SHARE * len(lamps)
    }
    for pk in circuits_out:
        circuit = by_circuit[pk]
        raise_alert(
            kind="lighting.circuit_out",
            source=f"lighting:circuit:{circuit.code}",
            title=_("A whole lighting circuit is out: %(circuit)s (%(cabinet)s)")
            % {"circuit": circuit.name, "cabinet": circuit.cabinet.code},
            lat=circuit.cabinet.lat,
            lon=circuit.cabinet.lon,
            data={"circuit": circuit.code, "cabinet": circuit.cabinet.code},
            rollup=f"lighting:circuit:{circuit.code}",
        )
    for lamp, fault, circuit in new_faults:
        if fault == "out" and circuit.pk in circuits_out:
            continue  # folded into the circuit's alert
        raise_alert(
            kind=f"lighting.{fault}",
            source=f"lighting:lamp:{lamp.code}:{fault}",
            title=f"{Lamp.Fault(fault).label}: {lamp.code} ({circuit.name})",
            lat=lamp.lat,
            lon=lamp.lon,
            data={"lamp": lamp.code, "circuit": circuit.code},
            rollup=f"lighting:circuit:{circuit.code}",  # many lamps of one circuit hang under one alert
        )
    for cabinet in {c.cabinet for c in circuits}:
        names = {"code": cabinet.code, "name": cabinet.name}
        for fault, present, title, severity in (
            ("power", not cabinet.has_power, _("Cabinet without power: %(code)s %(name)s"), None),
            ("door", cabinet.door_open, _("Cabinet door open: %(code)s %(name)s"), "warning"),
        ):
            if present:
                raise_alert(
                    kind="lighting.cabinet",
                    source=f"lighting:cabinet:{cabinet.code}:{fault}",
                    title=title % names,
                    lat=cabinet.lat,
                    lon=cabinet.lon,
                    **({"severity": severity} if severity else {}),
                )
    _resolve_ended_faults(lamps_by_circuit, by_circuit, circuits_out)
    return dict(counts)


def _resolve_ended_faults(lamps_by_circuit, circuits, circuits_out) -> None:
    """Alerts whose fault is gone end by themselves: a lamp without that fault now, a circuit lit again, a
    cabinet with power back or its door closed."""
    faults = {lamp.code: lamp.fault for lamps in lamps_by_circuit.values() for lamp in lamps}
    for fault in FAULT_KINDS:
        resolve_ended(
            kind=f"lighting.{fault}",
            ended=lambda alert, fault=fault: faults.get(alert.source.split(":")[2], fault) != fault,
            reason=_("The lamp no longer shows this fault"),
        )
    lit = {c.code for pk, c in circuits.items() if pk not in circuits_out}
    resolve_ended(
        kind="lighting.circuit_out",
        ended=lambda alert: alert.source.split(":")[2] in lit,
        reason=_("Most of the circuit's lamps are lit again"),
    )
    cabinets = {c.cabinet.code: c.cabinet for c in circuits.values()}

    def cabinet_fine(alert) -> bool:
        _domain, _what, code, problem = alert.source.split(":", 3)
        cabinet = cabinets.get(code)
        return cabinet is not None and (cabinet.has_power if problem == "power" else not cabinet.door_open)

    resolve_ended(kind="lighting.cabinet", ended=cabinet_fine, reason=_("The cabinet has power and its door closed"))


def _fault(lamp: Lamp, expected: int, cabinet: Cabinet, now: datetime) -> str:
    if lamp.last_seen_at is None or now - lamp.last_seen_at > SILENT_AFTER:
        return "" if not cabinet.has_power else "silent"  # a dead cabinet is its own alert
    if lamp.switches >= FLICKER_SWITCHES and lamp.switches_since and now - lamp.switches_since <= FLICKER_WINDOW:
        return "flicker"
    if expected > 0 and not lamp.is_on:
        return "out" if cabinet.has_power else ""
    if expected == 0 and lamp.is_on:
        return "day"
    if lamp.is_on and lamp.power_w is not None and lamp.level:
        target = lamp.rated_w * lamp.level / 100
        if abs(lamp.power_w - target) > POWER_TOLERANCE * target:
            return "power"
    return ""
