"""Importing exports: per-row refusals with line numbers, idempotent upserts, all or nothing, computed deadlines."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ioc.publicservice.importer import import_files, import_procedures
from ioc.publicservice.models import Procedure, ServiceFile
from tests.publicservice.conftest import export, row

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_valid_rows_go_in_refused_rows_are_reported_with_line_and_reason(catalogue):
    rows = [
        row("HS-1"),
        row("HS-2", procedure="9.999999"),
        row("HS-3", received="05/03/2026 08:00", due="02/03/2026 17:00"),
        row("HS-4", status=11),
        row("HS-1"),
        row("HS-6", MaDonVi="99999"),
        row("HS-7", finished="01/03/2026 10:00", status=10),
        row("HS-8", status=10),
        row("HS-9", received="31/02/2026"),
    ]
    run = import_files(export(rows), "hoso.csv")
    assert run.applied and run.created == 1 and run.total_rows == 9
    reasons = {r["line"]: r["reason"] for r in run.refused}
    assert "unknown procedure" in reasons[3]
    assert "NgayHenTra is before NgayTiepNhan" in reasons[4]
    assert "TrangThaiHoSo: 11 is not between 1 and 10" in reasons[5]
    assert "repeated (first at line 2)" in reasons[6]
    assert "unknown administrative unit" in reasons[7]
    assert "NgayKetThucXuLy is before NgayTiepNhan" in reasons[8]
    assert "needs NgayKetThucXuLy" in reasons[9]
    assert "NgayTiepNhan" in reasons[10]
    assert list(ServiceFile.objects.values_list("code", flat=True)) == ["HS-1"]


def test_all_or_nothing_imports_nothing_when_a_row_is_refused(catalogue):
    run = import_files(export([row("HS-1"), row("HS-2", procedure="nope")]), "x.csv", all_or_nothing=True)
    assert not run.applied and len(run.refused) == 1 and not ServiceFile.objects.exists()


def test_reimport_updates_never_duplicates(catalogue):
    import_files(export([row("HS-1"), row("HS-2")]), "a.csv")
    run = import_files(export([row("HS-1", finished="04/03/2026 09:00", status=10), row("HS-3")]), "b.csv")
    assert (run.created, run.updated) == (1, 1)
    assert ServiceFile.objects.count() == 3
    assert ServiceFile.objects.get(code="HS-1").outcome == "early"


def test_a_missing_appointment_is_computed_in_working_days_across_tet(catalogue):
    # Received Friday 13/02/2026; 3 working days; Tết 16–20/02 is off → Wednesday 25/02 at 17:00.
    import_files(export([row("HS-T", received="13/02/2026 09:00", due="")]), "x.csv")
    f = ServiceFile.objects.get()
    assert f.due_computed and f.due_at == datetime(2026, 2, 25, 17, 0, tzinfo=VN)
    # Received on a Saturday: counting starts from the next working day.
    import_files(export([row("HS-S", received="28/11/2026 09:00", due="")]), "x.csv")
    assert ServiceFile.objects.get(code="HS-S").due_date == date(2026, 12, 3)


def test_units_by_code_and_date(catalogue, units):
    # 03388 was Quyết Tiến until 30/06/2025 and is Đoàn Kết since.
    import_files(export([row("OLD", received="02/03/2024 08:00", due="05/03/2024 17:00"), row("NEW")]), "x.csv")
    assert ServiceFile.objects.get(code="OLD").unit == units["old Quyết Tiến"]
    assert ServiceFile.objects.get(code="NEW").unit == units["Đoàn Kết"]


def test_windows_1258_and_xlsx_exports(catalogue):
    import io

    from openpyxl import Workbook

    run = import_files(export([row("HS-W")], encoding="cp1258"), "cu.csv")
    assert run.created == 1 and ServiceFile.objects.get().agency == "UBND Phường Đoàn Kết"
    book = Workbook()
    sheet = book.active
    sheet.append(list(row("HS-X").keys()))
    sheet.append([*row("HS-X", received=46083.333333, due=46086.708333).values()])
    out = io.BytesIO()
    book.save(out)
    run = import_files(out.getvalue(), "hoso.xlsx")
    assert run.created == 1, run.refused
    assert ServiceFile.objects.get(code="HS-X").received_at == datetime(2026, 3, 2, 8, 0, tzinfo=VN)


def test_a_file_that_is_not_an_export(catalogue):
    run = import_files(b"PK\x03\x04 broken zip", "x.xlsx")
    assert run.refused[0]["line"] == 0 and "XLSX" in run.refused[0]["reason"]
    assert not ServiceFile.objects.exists()


def test_procedure_catalogue_import(units):
    raw = (
        "MaTTHC,TenTTHC,LinhVuc,CapThucHien,CoQuanThucHien,ThoiHanGiaiQuyet,CoPhi,MucDoDVC,ThanhToanTrucTuyen\n"
        "1.000001,Cấp phép A,Xây dựng,Cấp huyện,Phòng QLĐT,15,có,toan_trinh,x\n"
        "1.000002,Cấp phép B,Xây dựng,Cấp huyện,Phòng QLĐT,abc,0,khong,0\n"
        "1.000003,Cấp phép C,Xây dựng,Cấp huyện,Phòng QLĐT,5,0,nua_chung,0\n"
    ).encode()
    run = import_procedures(raw, "tthc.csv")
    assert run.created == 1 and [r["line"] for r in run.refused] == [3, 4]
    p = Procedure.objects.get(code="1.000001")
    assert p.fee and p.online_level == "toan_trinh" and p.online_payment and p.time_limit_days == 15


@pytest.mark.django_db(transaction=True)
def test_a_database_error_mid_import_applies_nothing(catalogue, monkeypatch):
    from ioc.publicservice import importer

    calls = {"n": 0}
    real = importer.upsert_files

    def fail_second_batch(rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(rows)

    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer, "upsert_files", fail_second_batch)
    with pytest.raises(RuntimeError):
        import_files(export([row(f"HS-{i}") for i in range(5)]), "x.csv")
    assert not ServiceFile.objects.exists()
