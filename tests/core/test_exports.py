"""Exports never carry a live spreadsheet formula: text that looks like one stays text (CSV and XLSX)."""

import csv
import io

from ioc.core.services import alerts as svc
from ioc.core.tabular import safe_cell
from tests.conftest import POINT_DOAN_KET

EVIL = ["=cmd|' /C calc'!A0", '+HYPERLINK("http://x")', "@SUM(1+1)", "-2+3", "\t=1"]


def test_formula_looking_text_is_kept_as_text_and_numbers_pass():
    assert [safe_cell(v) for v in EVIL] == ["'" + v for v in EVIL]
    assert safe_cell(-5) == -5 and safe_cell("Phường Đoàn Kết") == "Phường Đoàn Kết" and safe_cell(None) is None


def test_the_alerts_csv_does_not_carry_a_formula(users, client_for):
    svc.record_alert(kind="core.manual", source="x", title=EVIL[0], lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1])
    body = client_for(users["operator"]).get("/dashboard/alerts.csv").content.decode("utf-8-sig")
    titles = [row[3] for row in csv.reader(io.StringIO(body))][1:]
    assert titles == ["'" + EVIL[0]]
