"""`ioc media ...` from a shell: an export imported once (the second run adds nothing), and clear refusals."""

import os
import subprocess
import sys


def run_ioc(*args, data_dir):
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir)}
    env.pop("IOC_DATABASE_URL", None)  # its own SQLite file, whatever database the suite runs on
    env.pop("IOC_TASKS_IMMEDIATE", None)
    return subprocess.run(
        [sys.executable, "-m", "ioc.cli", "media", *args], env=env, capture_output=True, text=True, timeout=180
    )


def test_an_export_imported_from_the_shell(tmp_path):
    export = tmp_path / "xuat.csv"
    export.write_text(
        "url,title,text,published_at,author\n"
        "https://baolaichau.vn/a.html,Sạt lở ở Đoàn Kết,Mưa lớn gây sạt lở ở phường Đoàn Kết thành phố Lai Châu,"
        "20/11/2026 08:00,Báo\n"
        "https://baolaichau.vn/b.html,Bài không ngày,Nội dung,không rõ,Báo\n",
        encoding="utf-8",
    )
    first = run_ioc("import", str(export), data_dir=tmp_path / "data")
    assert first.returncode == 1 and "laichau-ioc v1: 1 new, 0 already collected, 1 refused" in first.stdout
    assert "line 3" in first.stderr
    again = run_ioc("import", str(export), data_dir=tmp_path / "data")
    assert "0 new, 1 already collected" in again.stdout
    missing = run_ioc("import", str(tmp_path / "khong-co.csv"), data_dir=tmp_path / "data")
    assert missing.returncode == 2 and "khong-co.csv" in missing.stderr


def test_collect_and_report_say_what_is_missing(tmp_path):
    collect = run_ioc("collect", data_dir=tmp_path / "data")
    assert collect.returncode == 2 and "none enabled" in collect.stderr  # the defaults' sources start off
    report = run_ioc("report", "week", "-o", str(tmp_path / "r.pdf"), data_dir=tmp_path / "data")
    assert report.returncode == 2 and "createsuperuser" in report.stderr and not (tmp_path / "r.pdf").exists()
