"""Spreadsheets are bounded before and while they are parsed: a small upload cannot expand into gigabytes."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from ioc.core import tabular
from ioc.core.tabular import FileFormatError, rows


def xlsx(*data_rows) -> bytes:
    book = Workbook()
    for row in data_rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_that_expands_beyond_the_limit_is_refused_before_it_is_inflated():
    small = xlsx(["code", "name"], ["A", "x"])
    bomb = io.BytesIO(small)
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b"\0" * (tabular.MAX_XLSX_UNCOMPRESSED + 1))
    assert len(bomb.getvalue()) < 300_000  # a few hundred KB on the wire
    with pytest.raises(FileFormatError, match="expands to"):
        list(rows(bomb.getvalue(), "bomb.xlsx"))


def test_too_many_rows_and_too_long_cells_are_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 50)
    many = xlsx(["code"], *([f"R{i}"] for i in range(60)))
    with pytest.raises(FileFormatError, match="more than 50 rows"):
        list(rows(many, "many.xlsx", max_rows=50))
    blank_padded = xlsx(["code"], ["A"], *([None] for _ in range(80)), ["B"])  # blank rows count too
    with pytest.raises(FileFormatError, match="more than 50 rows"):
        list(rows(blank_padded, "blank.xlsx", max_rows=50))
    long_cell = ("code,name\nA," + "x" * (tabular.MAX_CELL_CHARS + 1) + "\n").encode()
    with pytest.raises(FileFormatError, match="longer than"):
        list(rows(long_cell, "long.csv"))
    assert [cells for _line, cells in rows(b"code,name\nA,'=1+1\n", "ok.csv")] == [{"code": "A", "name": "=1+1"}]


def test_an_import_keeps_only_the_first_refused_rows_and_counts_the_rest(db):
    from ioc.publicservice.importer import import_files

    lines = ["MaHoSo,MaTTHC,NgayTiepNhan"] + [f"X-{i},9.999999,không phải ngày" for i in range(600)]
    run = import_files("\n".join(lines).encode(), "x.csv")
    assert run.refused_count == 600 and len(run.refused) == run.KEEP_REFUSED
    assert not run.applied or run.created == 0
