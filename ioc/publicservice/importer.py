"""Importing procedures and files from the one-stop system's CSV/XLSX exports (and the JSON push API).

Every row is checked; refused rows are reported with their line number and reason. Valid rows are upserted by code
(re-import updates, never duplicates) in one transaction, so a failure applies nothing; with `all_or_nothing` no
row goes in if any row is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.models import AdministrativeUnit
from ioc.publicservice import parsing
from ioc.publicservice.models import ImportRun, Procedure, ServiceFile
from ioc.publicservice.parsing import parse_bool, parse_int, parse_moment, parse_satisfaction
from ioc.publicservice.timeliness import FINISHED_STATUSES, appointment, effective_due, final_outcome

FILE_REQUIRED = ("MaHoSo", "MaTTHC", "DonViXuLy", "NgayTiepNhan", "TrangThaiHoSo")
PROCEDURE_REQUIRED = ("MaTTHC", "TenTTHC", "LinhVuc", "ThoiHanGiaiQuyet")
ONLINE_LEVELS = {
    "toan_trinh": "toan_trinh",
    "toàn trình": "toan_trinh",
    "mot_phan": "mot_phan",
    "một phần": "mot_phan",
    "khong": "khong",
    "không": "khong",
    "": "khong",
}
BATCH = 5000


class RowError(ValueError):
    pass


def _text(row: dict, name: str, limit: int, required: bool = True) -> str:
    value = row.get(name)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise RowError(_("%(n)s is required") % {"n": name})
    return text[:limit]


# --- procedures ------------------------------------------------------------------------------------------


def procedure_from_row(row: dict) -> Procedure:
    level = _text(row, "MucDoDVC", 30, required=False).lower()
    if level not in ONLINE_LEVELS:
        raise RowError(_("MucDoDVC: “%(v)s” must be toan_trinh, mot_phan or khong") % {"v": level})
    return Procedure(
        code=_text(row, "MaTTHC", 50),
        name=_text(row, "TenTTHC", 500),
        field=_text(row, "LinhVuc", 200),
        level=_text(row, "CapThucHien", 50, required=False),
        agency=_text(row, "CoQuanThucHien", 200, required=False),
        time_limit_days=parse_int(row.get("ThoiHanGiaiQuyet"), "ThoiHanGiaiQuyet", 0, 365),
        fee=parse_bool(row.get("CoPhi"), "CoPhi"),
        online_level=ONLINE_LEVELS[level],
        online_payment=parse_bool(row.get("ThanhToanTrucTuyen"), "ThanhToanTrucTuyen"),
    )


def import_procedures(source, filename: str = "", *, all_or_nothing: bool = False, user=None) -> ImportRun:
    run = ImportRun.objects.create(
        kind="procedures",
        filename=filename[:300],
        all_or_nothing=all_or_nothing,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    return _import_procedures_into(run, source, filename)


def _import_procedures_into(run: ImportRun, source, filename: str) -> ImportRun:
    valid, seen = [], {}
    for line, row in _rows(source, filename, run):
        try:
            missing = [c for c in PROCEDURE_REQUIRED if not str(row.get(c) or "").strip()]
            if missing:
                raise RowError(_("missing %(c)s") % {"c": ", ".join(missing)})
            procedure = procedure_from_row(row)
            if procedure.code in seen:
                raise RowError(
                    _("MaTTHC %(c)s is repeated (first at line %(l)s)")
                    % {"c": procedure.code, "l": seen[procedure.code]}
                )
            seen[procedure.code] = line
            valid.append(procedure)
        except ValueError as exc:
            run.refuse(line, row.get("MaTTHC"), exc)
    fields = ["name", "field", "level", "agency", "time_limit_days", "fee", "online_level", "online_payment"]
    return _apply(run, valid, Procedure, fields)


# --- files -----------------------------------------------------------------------------------------------


class FileRowParser:
    """Turns export rows into ServiceFile objects, with the lookups loaded once."""

    def __init__(self) -> None:
        self.procedures = {p.code: p for p in Procedure.objects.all()}
        self.units: dict[str, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.all():
            self.units.setdefault(unit.code, []).append(unit)

    def unit_for(self, code: str, on) -> AdministrativeUnit | None:
        """Codes are reused across periods: the unit with this code on the file's date."""
        if not code:
            return None
        candidates = self.units.get(code)
        if not candidates:
            raise RowError(_("MaDonVi: unknown administrative unit “%(c)s”") % {"c": code})
        for unit in candidates:
            if unit.is_valid_on(on):
                return unit
        raise RowError(_("MaDonVi: unit %(c)s did not exist on %(d)s") % {"c": code, "d": f"{on:%d/%m/%Y}"})

    def parse(self, row: dict) -> dict:
        missing = [c for c in FILE_REQUIRED if row.get(c) in (None, "")]
        if missing:
            raise RowError(_("missing %(c)s") % {"c": ", ".join(missing)})
        code = _text(row, "MaHoSo", 60)
        procedure = self.procedures.get(_text(row, "MaTTHC", 50))
        if procedure is None:
            raise RowError(_("MaTTHC: unknown procedure “%(c)s”") % {"c": row.get("MaTTHC")})
        received = parse_moment(row.get("NgayTiepNhan"), "NgayTiepNhan")
        due = parse_moment(row.get("NgayHenTra"), "NgayHenTra")
        finished = parse_moment(row.get("NgayKetThucXuLy"), "NgayKetThucXuLy")
        received_day = received.astimezone(parsing.TZ).date()
        due_computed = due is None
        if due is None:
            due = appointment(received_day, procedure.time_limit_days)
        if due < received:
            raise RowError(_("NgayHenTra is before NgayTiepNhan"))
        if finished and finished < received:
            raise RowError(_("NgayKetThucXuLy is before NgayTiepNhan"))
        status = parse_int(row.get("TrangThaiHoSo"), "TrangThaiHoSo", 1, 10)
        if status in FINISHED_STATUSES and finished is None:
            raise RowError(_("TrangThaiHoSo %(s)s (finished) needs NgayKetThucXuLy") % {"s": status})
        supplement_count = parse_int(row.get("SoLanBoSung"), "SoLanBoSung", 0, 100, default=0)
        supplement_days = float(parse_int(row.get("ThoiGianBoSung"), "ThoiGianBoSung", 0, 3650, default=0))
        finished_for_outcome = finished if status in FINISHED_STATUSES else None
        unit = self.unit_for(_text(row, "MaDonVi", 20, required=False), received_day)
        return dict(
            code=code,
            procedure_id=procedure.pk,
            agency=_text(row, "DonViXuLy", 200),
            unit_id=unit.pk if unit else None,
            received_at=received,
            due_at=due,
            finished_at=finished,
            status=status,
            channel=parse_int(row.get("KenhThucHien"), "KenhThucHien", 1, 3, default=1),
            supplement_count=supplement_count,
            supplement_days=supplement_days,
            paid_online=parse_bool(row.get("DaThanhToanTrucTuyen"), "DaThanhToanTrucTuyen"),
            e_result=parse_bool(row.get("CoKetQuaDienTu"), "CoKetQuaDienTu"),
            digitised=parse_bool(row.get("DaSoHoa"), "DaSoHoa"),
            satisfied=parse_satisfaction(row.get("DanhGia"), "DanhGia"),
            due_computed=due_computed,
            received_date=received_day,
            due_date=due.astimezone(parsing.TZ).date(),
            effective_due_date=effective_due(due, supplement_days).astimezone(parsing.TZ).date(),
            finished_date=finished.astimezone(parsing.TZ).date() if finished else None,
            outcome=final_outcome(finished_for_outcome, due, supplement_days, supplement_count)
            if finished_for_outcome
            else "",
            handling_days=(finished - received).total_seconds() / 86400 if finished_for_outcome else None,
        )


FILE_UPDATE_FIELDS = [
    "procedure_id",
    "agency",
    "unit_id",
    "received_at",
    "due_at",
    "finished_at",
    "status",
    "channel",
    "supplement_count",
    "supplement_days",
    "paid_online",
    "e_result",
    "digitised",
    "satisfied",
    "due_computed",
    "received_date",
    "due_date",
    "effective_due_date",
    "finished_date",
    "outcome",
    "handling_days",
    "imported_at",
]


def import_files(source, filename: str = "", *, all_or_nothing: bool = False, user=None) -> ImportRun:
    """Import files from a CSV/XLSX export (path or bytes)."""
    run = ImportRun.objects.create(
        kind="files",
        filename=filename[:300],
        all_or_nothing=all_or_nothing,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    return import_file_rows(_rows(source, filename, run), run)


def import_into(run: ImportRun, source, filename: str) -> ImportRun:
    """Run a queued import (files or procedures) into its existing ImportRun row."""
    if run.kind == "procedures":
        return _import_procedures_into(run, source, filename)
    return import_file_rows(_rows(source, filename, run), run)


def import_file_rows(numbered_rows: Iterable[tuple[int, dict]], run: ImportRun) -> ImportRun:
    parser = FileRowParser()
    valid, seen = [], {}
    now = timezone.now()
    for line, row in numbered_rows:
        try:
            item = parser.parse(row)
            code = item["code"]
            if code in seen:
                raise RowError(_("MaHoSo %(c)s is repeated (first at line %(l)s)") % {"c": code, "l": seen[code]})
            seen[code] = line
            item["imported_at"] = now
            valid.append(item)
        except ValueError as exc:
            run.refuse(line, row.get("MaHoSo"), exc)
        if run.total_rows % 20_000 == 0:
            ImportRun.objects.filter(pk=run.pk).update(total_rows=run.total_rows)  # progress for the upload page
    return _apply(run, valid, ServiceFile, FILE_UPDATE_FIELDS)


def _rows(source, filename: str, run: ImportRun):
    try:
        for line, row in parsing.rows(source, filename):
            run.total_rows += 1
            yield line, row
    except parsing.FileFormatError as exc:
        run.refuse(0, "", exc)


def _apply(run: ImportRun, valid: list, model, update_fields: list[str]) -> ImportRun:
    """Write the valid rows in one transaction (nothing half-applies), or none of them under all-or-nothing."""
    if run.all_or_nothing and run.refused:
        run.applied = False
    else:
        with transaction.atomic():
            for start in range(0, len(valid), BATCH):
                batch = valid[start : start + BATCH]
                codes = [item["code"] if isinstance(item, dict) else item.code for item in batch]
                existing = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
                if model is ServiceFile:
                    upsert_files(batch)
                else:
                    model.objects.bulk_create(
                        batch, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
                    )
                run.updated += len(existing)
                run.created += len(batch) - len(existing)
        run.applied = True
    run.finished_at = timezone.now()
    run.save()
    if model is ServiceFile and run.applied and run.created + run.updated:
        from ioc.publicservice.services import alert_late_files

        transaction.on_commit(alert_late_files)
    return run


def upsert_files(rows: list[dict]) -> None:
    """INSERT … ON CONFLICT (code) DO UPDATE for a batch of file rows (SQLite and PostgreSQL share the syntax).

    Written by hand because this is the hot path of million-row imports: bulk_create prepares every value
    through the field machinery and was two thirds of the import time. Values still go through the backend's own
    adapters, so dates are stored exactly as the ORM stores them.
    """
    if not rows:
        return
    ops = connection.ops
    columns = ["code", *FILE_UPDATE_FIELDS]
    quoted = ", ".join(ops.quote_name(c) for c in columns)
    updates = ", ".join(f"{ops.quote_name(c)} = excluded.{ops.quote_name(c)}" for c in FILE_UPDATE_FIELDS)
    # Identifiers are our own field names, quoted by the backend; every value is a parameter.
    sql = (
        f"INSERT INTO {ops.quote_name(ServiceFile._meta.db_table)} ({quoted}, {ops.quote_name('late_alerted')}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(columns) + 1))}) ON CONFLICT ({ops.quote_name('code')}) DO UPDATE SET "
        f"{updates}"
    )

    if connection.vendor == "sqlite":
        # Django's SQLite format: naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]" and ISO dates; done inline, it is a
        # third of the import's Python time through the generic adapters.
        def adapt(value):
            if isinstance(value, datetime):
                return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if isinstance(value, date):
                return value.isoformat()
            return value
    else:  # psycopg adapts aware datetimes and dates itself

        def adapt(value):
            return value

    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(adapt(row[c]) for c in columns), False) for row in rows])


def refused_summary(run: ImportRun, limit: int = 20) -> str:
    lines = [f"line {r['line']}: {r['code']} — {r['reason']}" for r in run.refused[:limit]]
    if run.refused_count > limit:
        lines.append(f"… and {run.refused_count - limit} more")
    return "\n".join(lines)
