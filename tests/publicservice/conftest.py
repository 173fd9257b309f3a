"""Fixtures: the sample catalogue and a helper that writes an export as CSV bytes."""

import csv
import io

import pytest

COLUMNS = [
    "MaHoSo",
    "MaTTHC",
    "DonViXuLy",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "TrangThaiHoSo",
    "KenhThucHien",
    "SoLanBoSung",
    "ThoiGianBoSung",
    "DaThanhToanTrucTuyen",
    "CoKetQuaDienTu",
    "DaSoHoa",
    "DanhGia",
]


@pytest.fixture
def catalogue(units):
    from ioc.publicservice.defaults import ensure_defaults
    from ioc.publicservice.models import Procedure

    ensure_defaults()
    return {p.code: p for p in Procedure.objects.all()}


def export(rows: list[dict], encoding: str = "utf-8", bom: bool = False, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in COLUMNS})
    data = to_cp1258(out.getvalue()) if encoding == "cp1258" else out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row(
    code="HS-1",
    procedure="1.001776",
    received="02/03/2026 08:00",
    due="05/03/2026 17:00",
    finished="",
    status=4,
    **more,
) -> dict:
    """A file of 'Xác nhận tình trạng hôn nhân' (3 working days) at UBND phường Đoàn Kết."""
    return {
        "MaHoSo": code,
        "MaTTHC": procedure,
        "DonViXuLy": "UBND Phường Đoàn Kết",
        "MaDonVi": "03388",
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": finished,
        "TrangThaiHoSo": status,
        "KenhThucHien": 1,
        **more,
    }


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as old Vietnamese Windows software does: letter (with its hat, breve or horn) + a combining tone."""
    import unicodedata

    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            marks = "".join(c for c in parts[1:] if c not in TONE_MARKS)
            tone = "".join(c for c in parts[1:] if c in TONE_MARKS)
            out.append(unicodedata.normalize("NFC", parts[0] + marks).encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)
