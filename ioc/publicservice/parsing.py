"""Reading the one-stop system's exports: CSV (UTF-8 with or without BOM, or Windows-1258) and XLSX, and the
values in them — dates as dd/mm/yyyy[ HH:mm[:ss]], ISO 8601 or Excel serial numbers, booleans as 1/0, x/blank,
có/không. Each parser raises ValueError with a message a clerk understands.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXCEL_EPOCH = datetime(1899, 12, 30)
TRUE = {"1", "x", "có", "co", "c", "true", "yes", "y", "đúng", "dung"}
FALSE = {"0", "", "không", "khong", "k", "false", "no", "n", "sai"}


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


def parse_moment(value, name: str) -> datetime | None:
    """A date or date-time in Vietnam's time; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=TZ)
    if isinstance(value, int | float):
        return _excel_serial(float(value), name)
    text = str(value).strip()
    try:
        if len(text) >= 10 and text[2] == "/" and text[5] == "/":
            day, month, year = int(text[0:2]), int(text[3:5]), int(text[6:10])
            hour = minute = second = 0
            rest = text[10:].strip()
            if rest:
                parts = rest.split(":")
                hour, minute = int(parts[0]), int(parts[1])
                second = int(parts[2]) if len(parts) > 2 else 0
            return datetime(year, month, day, hour, minute, second, tzinfo=TZ)
        if text.replace(".", "", 1).isdigit():
            return _excel_serial(float(text), name)
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=TZ)
    except (ValueError, IndexError):
        raise ValueError(
            _("%(n)s: “%(v)s” is not a date (dd/mm/yyyy [HH:mm[:ss]] or ISO 8601)") % {"n": name, "v": text}
        ) from None


def _excel_serial(serial: float, name: str) -> datetime:
    if not 20_000 < serial < 80_000:  # 1954 .. 2119
        raise ValueError(_("%(n)s: %(v)s is not a plausible Excel date") % {"n": name, "v": serial})
    return (EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))).replace(tzinfo=TZ)  # to the second, as Excel shows


def parse_bool(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(_("%(n)s: “%(v)s” is not yes/no (1/0, x/blank, có/không)") % {"n": name, "v": value})


def parse_satisfaction(value, name: str) -> bool | None:
    """The citizen's rating: satisfied, not satisfied, or none given."""
    if value is None or str(value).strip() == "":
        return None
    text = unicodedata.normalize("NFC", str(value).strip().lower())
    if text in {"hài lòng", "hai long", "satisfied", "1", "x", "có", "co"}:
        return True
    if text in {"không hài lòng", "khong hai long", "not satisfied", "0", "không", "khong"}:
        return False
    raise ValueError(_("%(n)s: “%(v)s” is not a rating (hài lòng / không hài lòng)") % {"n": name, "v": value})


def parse_int(value, name: str, low: int, high: int, default: int | None = None) -> int:
    if value is None or str(value).strip() == "":
        if default is None:
            raise ValueError(_("%(n)s is required") % {"n": name})
        return default
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        raise ValueError(_("%(n)s: “%(v)s” is not a number") % {"n": name, "v": value}) from None
    if not low <= number <= high:
        raise ValueError(
            _("%(n)s: %(v)s is not between %(lo)s and %(hi)s") % {"n": name, "v": number, "lo": low, "hi": high}
        )
    return number
