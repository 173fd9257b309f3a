"""Reading exports: encodings, dates in the exports' formats, Excel serials, booleans; clear messages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ioc.publicservice import parsing

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2026", datetime(2026, 3, 5, tzinfo=VN)),
        ("05/03/2026 14:30", datetime(2026, 3, 5, 14, 30, tzinfo=VN)),
        ("05/03/2026 14:30:15", datetime(2026, 3, 5, 14, 30, 15, tzinfo=VN)),
        ("2026-03-05T14:30:00+07:00", datetime(2026, 3, 5, 14, 30, tzinfo=VN)),
        ("2026-03-05", datetime(2026, 3, 5, tzinfo=VN)),
        (46086, datetime(2026, 3, 5, tzinfo=VN)),  # Excel's serial for 05/03/2026
        (46086.5, datetime(2026, 3, 5, 12, 0, tzinfo=VN)),
        ("46086", datetime(2026, 3, 5, tzinfo=VN)),
    ],
)
def test_dates(text, expected):
    assert parsing.parse_moment(text, "NgayTiepNhan") == expected


@pytest.mark.parametrize("text", ["31/02/2026", "hôm qua", "2026/13/01", "12", "05-03-2026 25:00"])
def test_bad_dates_name_the_column(text):
    with pytest.raises(ValueError, match="NgayHenTra"):
        parsing.parse_moment(text, "NgayHenTra")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("x", True),
        ("X", True),
        ("có", True),
        ("Có", True),
        (1, True),
        (True, True),
        ("0", False),
        ("", False),
        ("không", False),
        (None, False),
        (0, False),
    ],
)
def test_booleans(value, expected):
    assert parsing.parse_bool(value, "DaSoHoa") is expected


def test_unknown_boolean_is_refused():
    with pytest.raises(ValueError, match="DaSoHoa"):
        parsing.parse_bool("maybe", "DaSoHoa")


def test_ratings():
    assert parsing.parse_satisfaction("Hài lòng", "DanhGia") is True
    assert parsing.parse_satisfaction("không hài lòng", "DanhGia") is False
    assert parsing.parse_satisfaction("", "DanhGia") is None


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1258", False)])
def test_encodings_all_read_as_the_same_vietnamese(encoding, bom):
    text = "MaHoSo,DonViXuLy\nHS-1,UBND Phường Đoàn Kết\n"
    from tests.publicservice.conftest import to_cp1258

    raw = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert raw.count(b"\xd2") == 0 or encoding == "cp1258"
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    rows = list(parsing.rows(raw, "x.csv"))
    assert rows == [(2, {"MaHoSo": "HS-1", "DonViXuLy": "UBND Phường Đoàn Kết"})]


def test_semicolon_csv_and_empty_lines():
    raw = b"MaHoSo;MaTTHC\nA;1\n\nB;2\n"
    assert [(line, r["MaHoSo"]) for line, r in parsing.rows(raw, "x.csv")] == [(2, "A"), (4, "B")]


def test_xlsx_with_dates_as_dates_and_as_numbers():
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["MaHoSo", "NgayTiepNhan", "NgayHenTra"])
    sheet.append(["HS-1", datetime(2026, 3, 2, 8, 0), 46086])
    out = io.BytesIO()
    book.save(out)
    [(line, row)] = list(parsing.rows(out.getvalue(), "x.xlsx"))
    assert line == 2
    assert parsing.parse_moment(row["NgayTiepNhan"], "NgayTiepNhan") == datetime(2026, 3, 2, 8, 0, tzinfo=VN)
    assert parsing.parse_moment(row["NgayHenTra"], "NgayHenTra") == datetime(2026, 3, 5, tzinfo=VN)
