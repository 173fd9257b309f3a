"""Reading spreadsheets officials exchange: CSV (UTF-8 with or without BOM, or Windows-1258) and XLSX, as rows of
{column: value} with their line numbers. Every domain that imports tables uses this."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _


class FileFormatError(ValueError):
    """The file as a whole cannot be read."""


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1258 (old Vietnamese Windows exports); always NFC."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("The file is neither UTF-8 nor Windows-1258 text"))


# Bounds checked before and while parsing, so a small upload cannot expand into gigabytes (zip bombs).
MAX_ROWS = 200_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024


def rows(path_or_bytes, filename: str = "", max_rows: int = MAX_ROWS) -> Iterator[tuple[int, dict]]:
    """(line number, {column: value}) for each data row of a CSV or XLSX file; the header is line 1.
    A file over `max_rows` data rows, with a cell over MAX_CELL_CHARS, or an XLSX expanding beyond
    MAX_XLSX_UNCOMPRESSED is refused with FileFormatError (rows already yielded are the caller's to discard)."""
    raw = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    name = (filename or str(path_or_bytes if not isinstance(path_or_bytes, bytes) else "")).lower()
    source = _xlsx_rows(raw) if raw[:4] == b"PK\x03\x04" or name.endswith(".xlsx") else _csv_rows(raw)
    for count, (line, cells) in enumerate(source, start=1):
        if count > max_rows:
            raise FileFormatError(_("The file has more than %(n)s rows; split it") % {"n": f"{max_rows:,}"})
        for key, value in cells.items():
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARS:
                    raise FileFormatError(
                        _("Line %(line)s: a cell is longer than %(n)s characters") % {"line": line, "n": MAX_CELL_CHARS}
                    )
                cells[key] = unescape_cell(value)
        yield line, cells


def unescape_cell(value: str) -> str:
    """Our exports keep formula-looking text as text with a leading apostrophe: read back, it is the text again."""
    return value[1:] if value[:1] == "'" and value[1:2] and value[1] in FORMULA_START else value


def _csv_rows(raw: bytes) -> Iterator[tuple[int, dict]]:
    text = decode(raw)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise FileFormatError(_("The file is empty"))
    header = [h.strip() for h in header]
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        yield reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False))


def _check_xlsx_size(raw: bytes) -> None:
    """Refuse an XLSX whose parts expand beyond MAX_XLSX_UNCOMPRESSED — judged from the zip directory, before any
    part is inflated."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileFormatError(_("Not a readable XLSX file")) from None
    if expanded > MAX_XLSX_UNCOMPRESSED:
        raise FileFormatError(
            _("The XLSX file expands to %(mb)s MB (at most %(max)s MB); save it again or split it")
            % {"mb": expanded // 2**20, "max": MAX_XLSX_UNCOMPRESSED // 2**20}
        )


def _xlsx_rows(raw: bytes) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    _check_xlsx_size(raw)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(_("Not a readable XLSX file: %(e)s") % {"e": exc}) from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    header = next(it, None)
    if not header:
        raise FileFormatError(_("The sheet is empty"))
    header = [str(h).strip() if h is not None else "" for h in header]
    for line, values in enumerate(it, start=2):
        if line > MAX_ROWS + 1:  # blank rows count here: a sheet of millions of empty rows is refused too
            raise FileFormatError(_("The file has more than %(n)s rows; split it") % {"n": f"{MAX_ROWS:,}"})
        if values is None or all(v in (None, "") for v in values):
            continue
        cells = {}
        for key, value in zip(header, values, strict=False):
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value.strip())
            cells[key] = value
        yield line, cells
    book.close()


def upload_problem(upload, max_mb: int = 20) -> str | None:
    """Why an uploaded spreadsheet cannot be taken (none chosen, not CSV/XLSX, too large), or None."""
    from django.utils.translation import gettext as _

    if upload is None or not upload.name.lower().endswith((".csv", ".xlsx")):
        return _("Choose a CSV or XLSX file")
    if upload.size > max_mb * 1024 * 1024:
        return _("The file is larger than %(n)s MB") % {"n": max_mb}
    return None


def import_upload(request, run):
    """For an import page: `run(content, filename)` on the spreadsheet posted as `file`, and its result; None on a
    GET or when the upload is refused (the reason is put in the user's messages)."""
    from django.contrib import messages

    if request.method != "POST":
        return None
    upload = request.FILES.get("file")
    if problem := upload_problem(upload):
        messages.error(request, problem)
        return None
    return run(upload.read(), upload.name)


# --- exports: nothing in a cell may run as a spreadsheet formula ------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would take as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`) is kept as text with a
    leading apostrophe, as OWASP advises for CSV and XLSX exports; numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """csv.writer whose every cell goes through safe_cell."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def append_safe(sheet, row) -> None:
    """An openpyxl row whose every cell goes through safe_cell."""
    sheet.append(safe_row(row))
