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


def rows(path_or_bytes, filename: str = "") -> Iterator[tuple[int, dict]]:
    """(line number, {column: value}) for each data row of a CSV or XLSX file; the header is line 1."""
    raw = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    name = (filename or str(path_or_bytes if not isinstance(path_or_bytes, bytes) else "")).lower()
    if raw[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        yield from _xlsx_rows(raw)
        return
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


def _xlsx_rows(raw: bytes) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

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
