"""The public-service API and pages: indicators, one file, pushing, the dashboard, late list, letters, reports,
uploads with progress, late alerts folded per agency per day, and the command line."""

import subprocess
import sys

import pytest
from django.test import Client
from django.utils import timezone

from ioc.core.models import Alert, AuditLog
from ioc.publicservice.importer import import_files
from ioc.publicservice.models import ImportRun, ServiceFile
from tests.publicservice.conftest import export, row


def test_indicators_endpoint(catalogue, users, token_for):
    import_files(export([row("A", finished="04/03/2026 10:00", status=10)]), "x.csv")
    client = Client()
    body = client.get(
        "/api/publicservice/indicators", {"from": "2026-03-01", "to": "2026-03-31"}, **token_for(users["leader"])
    ).json()
    by_key = {i["key"]: i for i in body["indicators"]}
    assert by_key["2.1"]["rate"] == 1.0 and body["max_total"] == 100
    assert (
        client.get(
            "/api/publicservice/indicators", {"from": "2026-03-31", "to": "2026-03-01"}, **token_for(users["leader"])
        ).status_code
        == 400
    )
    assert (
        client.get("/api/publicservice/indicators", {"from": "2026-03-01"}, **token_for(users["leader"])).status_code
        == 422
    )
    assert client.get("/api/publicservice/indicators", {"from": "2026-03-01", "to": "2026-03-31"}).status_code == 401


def test_file_endpoint_gives_due_date_and_timeliness(catalogue, users, token_for):
    today = timezone.localdate()
    import_files(export([row("OPEN", received=f"{today:%d/%m/%Y} 08:00", due="", status=4)]), "x.csv")
    body = Client().get("/api/publicservice/files/OPEN", **token_for(users["operator"])).json()
    assert body["due_computed"] is True and body["timeliness"] in ("not_due", "due_soon")
    assert body["due_date"] > f"{today:%Y-%m-%d}"
    assert Client().get("/api/publicservice/files/NOPE", **token_for(users["operator"])).status_code == 404


def test_pushing_files_is_idempotent_and_reports_refusals(catalogue, users, token_for):
    headers = token_for(users["operator"])
    client = Client()
    first = client.post(
        "/api/publicservice/files", [row("P-1"), row("P-2", MaTTHC="bad")], content_type="application/json", **headers
    ).json()
    assert first["created"] == 1 and first["refused"][0]["line"] == 2
    again = client.post(
        "/api/publicservice/files",
        [row("P-1", status=10, finished="04/03/2026 09:00")],
        content_type="application/json",
        **headers,
    ).json()
    assert (again["created"], again["updated"]) == (0, 1) and ServiceFile.objects.count() == 1
    assert (
        client.post(
            "/api/publicservice/files", [row("P-9")], content_type="application/json", **token_for(users["leader"])
        ).status_code
        == 403
    )


def test_dashboard_late_list_letter_and_reports(catalogue, users, client_for):
    import_files(
        export(
            [
                row("LATE-1", received="02/03/2026 08:00", due="05/03/2026 17:00", status=4),
                row("OK-1", finished="04/03/2026 10:00", status=10),
            ]
        ),
        "x.csv",
    )
    client = client_for(users["leader"])
    page = client.get("/dashboard/publicservice/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert 'id="indicators"' in page and "UBND Phường Đoàn Kết" in page
    late = client.get("/dashboard/publicservice/late/").content.decode()
    assert "LATE-1" in late and "OK-1" not in late
    letter = client.get("/dashboard/publicservice/files/LATE-1/letter.pdf", {"reason": "Chờ xác minh", "days": 2})
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        report = client.get(f"/dashboard/publicservice/report.{fmt}", {"from": "2026-03-01", "to": "2026-03-31"})
        assert report.status_code == 200 and report.content.startswith(magic)
    assert AuditLog.objects.filter(action="export", user=users["leader"]).count() == 3


def test_pdf_text_is_vietnamese(catalogue, users, client_for):
    """The report's PDF carries Vietnamese text (the embedded DejaVu font), readable by a PDF reader."""
    import shutil

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: scripts/test installs poppler-utils")
    import_files(export([row("L-1", status=4)]), "x.csv")
    pdf = client_for(users["leader"]).get("/dashboard/publicservice/files/L-1/letter.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Xác nhận tình trạng hôn nhân" in text
    report = client_for(users["leader"]).get("/dashboard/publicservice/report.pdf", {"from": "2026-03-01"}).content
    text = subprocess.run(["pdftotext", "-", "-"], input=report, capture_output=True, check=True).stdout.decode()
    assert "BÁO CÁO GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "Hồ sơ quá hạn" in text


def test_reports_follow_the_readers_language_but_the_official_letter_stays_vietnamese(catalogue, users, client_for):
    import_files(export([row("L-1", status=4)]), "x.csv")
    english = client_for(users["leader"])
    english.cookies["django_language"] = "en"
    report = english.get("/dashboard/publicservice/report.pdf", {"from": "2026-03-01"}).content
    text = subprocess.run(["pdftotext", "-", "-"], input=report, capture_output=True, check=True).stdout.decode()
    assert "REPORT ON ADMINISTRATIVE PROCEDURES" in text and "Late files" in text and "BÁO CÁO" not in text
    letter = english.get("/dashboard/publicservice/files/L-1/letter.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=letter, capture_output=True, check=True).stdout.decode()
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cơ quan chúng tôi thành thật xin lỗi" in text


def test_upload_runs_the_import_and_reports_progress(catalogue, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["operator"])
    upload = SimpleUploadedFile("hoso.csv", export([row("U-1"), row("U-2", TrangThaiHoSo=99)]), "text/csv")
    started = client.post("/dashboard/publicservice/import/upload/", {"file": upload, "kind": "files"}).json()
    status = client.get(started["status_url"]).json()  # the task ran (immediate mode in tests)
    assert status["state"] == "done" and status["created"] == 1 and status["refused"][0]["line"] == 3
    assert (
        "TrangThaiHoSo" in status["refused"][0]["reason"] and "không nằm trong khoảng" in status["refused"][0]["reason"]
    )
    bad = client.post(
        "/dashboard/publicservice/import/upload/",
        {"file": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")},
    )
    assert bad.status_code == 400 and "CSV hoặc XLSX" in bad.json()["message"]
    assert client_for(users["leader"]).get("/dashboard/publicservice/import/").status_code == 403
    assert ImportRun.objects.filter(state="done").count() == 1


@pytest.mark.django_db(transaction=True)
def test_late_files_raise_one_alert_per_agency_per_day(catalogue, users):
    from ioc.publicservice.services import alert_late_files

    rows = [row(f"L-{i}", received="02/03/2026 08:00", due="05/03/2026 17:00", status=4) for i in range(3)]
    rows.append(
        row(
            "L-X",
            received="02/03/2026 08:00",
            due="05/03/2026 17:00",
            status=4,
            DonViXuLy="Phòng Quản lý đô thị",
            MaTTHC="1.003003",
        )
    )
    import_files(export(rows), "x.csv")  # the import itself runs the late check after commit
    alerts = Alert.objects.filter(kind="publicservice.late")
    assert sorted(a.data["agency"] for a in alerts) == ["Phòng Quản lý đô thị", "UBND Phường Đoàn Kết"]
    assert alerts.get(data__agency="UBND Phường Đoàn Kết").data["files"] == 3
    assert alert_late_files() == 0  # already announced
    import_files(export([row("L-9", received="02/03/2026 08:00", due="05/03/2026 17:00", status=4)]), "y.csv")
    # The same agency and day fold into the same alert, counted again.
    assert Alert.objects.get(data__agency="UBND Phường Đoàn Kết").count == 2


def test_command_line_import_with_exit_codes(tmp_path, units):
    import os

    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path / "data")}
    env.pop("IOC_DATABASE_URL", None)
    catalogue_csv = tmp_path / "tthc.csv"
    catalogue_csv.write_text("MaTTHC,TenTTHC,LinhVuc,ThoiHanGiaiQuyet\n1.001776,Xác nhận,Hộ tịch,3\n", encoding="utf-8")
    files_csv = tmp_path / "hoso.csv"
    files_csv.write_bytes(export([row("C-1"), row("C-2", MaTTHC="nope")]))

    def ioc(*args):
        return subprocess.run([sys.executable, "-m", "ioc.cli", *args], env=env, capture_output=True, text=True)

    assert ioc("load-profile", "ioc/core/profiles/laichau/profile.geojson").returncode == 0
    assert ioc("publicservice", "import-procedures", str(catalogue_csv)).returncode == 0
    strict = ioc("publicservice", "import", str(files_csv), "--all-or-nothing")
    assert strict.returncode == 2 and "nothing imported" in strict.stdout and "line 3" in strict.stderr
    partial = ioc("publicservice", "import", str(files_csv))
    assert partial.returncode == 1 and "1 new" in partial.stdout
    report = ioc("publicservice", "report", "--from", "2026-03-01", "--to", "2026-03-31", "-o", str(tmp_path / "r.pdf"))
    assert report.returncode == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_the_daily_report_job_writes_pdf_and_xlsx_and_tells_the_leaders(catalogue, users, settings, tmp_path):
    from datetime import date
    from pathlib import Path

    from ioc.core.models import Notification
    from ioc.core.registry import registry
    from ioc.core.tasks import run_due_jobs
    from ioc.publicservice.tasks import daily_report

    settings.MEDIA_ROOT = tmp_path
    import_files(export([row("R-1", finished="04/03/2026 10:00", status=10)]), "x.csv")
    written = daily_report(date(2026, 3, 31))
    assert [Path(p).suffix for p in written] == [".pdf", ".xlsx"]
    assert Path(written[0]).read_bytes().startswith(b"%PDF")
    assert Notification.objects.filter(user=users["leader"], title__contains="31/03/2026").exists()
    # The worker's dispatcher runs it at 07:00 and not at another minute.
    job = next(j for j in registry.periodic_jobs() if j.key == "publicservice.daily_report")
    assert job.at == "07:00"
    assert "publicservice.daily_report" in run_due_jobs(7 * 60)
    assert "publicservice.daily_report" not in run_due_jobs(7 * 60 + 1)


def test_officers_read_only_the_files_of_their_own_ward_or_department(catalogue, users, client_for):
    """A ward officer cannot open (or print the letter of) another ward's file; a department officer only theirs."""
    import_files(
        export(
            [
                row("DK-1", status=4),  # Đoàn Kết's one-stop desk
                row("TP-1", status=4, DonViXuLy="UBND Phường Tân Phong", MaDonVi="03408"),
                row("QL-1", status=4, DonViXuLy="Phòng Quản lý đô thị", MaDonVi=""),
            ]
        ),
        "x.csv",
    )
    ward, department = client_for(users["ward_officer"]), client_for(users["department_officer"])
    assert ward.get("/dashboard/publicservice/files/DK-1/letter.pdf").status_code == 200
    assert ward.get("/dashboard/publicservice/files/TP-1/letter.pdf").status_code == 404
    assert ward.get("/api/publicservice/files/TP-1").status_code == 404
    assert ward.get("/api/publicservice/files/DK-1").status_code == 200
    late = ward.get("/dashboard/publicservice/late/").content.decode()
    assert "DK-1" in late and "TP-1" not in late and "QL-1" not in late
    assert "<th>Mã hồ sơ</th>" in late  # the column an officer knows, not "Tệp" (a computer file)
    assert department.get("/api/publicservice/files/QL-1").status_code == 200
    assert department.get("/api/publicservice/files/DK-1").status_code == 404
    assert client_for(users["leader"]).get("/api/publicservice/files/TP-1").status_code == 200


def test_officers_figures_cover_their_own_ward_or_department(catalogue, users, client_for):
    """The KPI tiles and the indicator page count the files the officer may read, and say whose they are."""
    from datetime import timedelta

    from django.utils import timezone

    from ioc.publicservice import selectors

    today = timezone.localdate()
    received = (today - timedelta(days=3)).strftime("%d/%m/%Y 08:00")
    due = (today + timedelta(days=3)).strftime("%d/%m/%Y 17:00")
    import_files(
        export(
            [
                row("DK-1", received=received, due=due, status=2),
                row("DK-2", received=received, due=due, status=2),
                row("TP-1", received=received, due=due, status=2, DonViXuLy="UBND Phường Tân Phong", MaDonVi="03408"),
                row("QL-1", received=received, due=due, status=2, DonViXuLy="Phòng Quản lý đô thị", MaDonVi=""),
            ]
        ),
        "x.csv",
    )
    assert selectors.count_received_30d(users["operator"]) == 4
    assert selectors.count_received_30d(users["ward_officer"]) == 2
    assert selectors.count_received_30d(users["department_officer"]) == 1
    page = client_for(users["ward_officer"]).get("/dashboard/publicservice/").content.decode()
    assert "Số liệu của: Phường Đoàn Kết" in page
    page = client_for(users["department_officer"]).get("/dashboard/publicservice/").content.decode()
    assert "Số liệu của: Phòng Quản lý đô thị" in page
