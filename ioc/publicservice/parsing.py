"""Reading the one-stop system's exports: CSV (UTF-8 with or without BOM, or Windows-1258) and XLSX, and the
values in them — dates as dd/mm/yyyy[ HH:mm[:ss]], ISO 8601 or Excel serial numbers, booleans as 1/0, x/blank,
có/không. Each parser raises ValueError with a message a clerk understands.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from ioc.core.tabular import FileFormatError, decode, rows  # noqa: F401  (this domain reads tables through here)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXCEL_EPOCH = datetime(1899, 12, 30)
TRUE = {"1", "x", "có", "co", "c", "true", "yes", "y", "đúng", "dung"}
FALSE = {"0", "", "không", "khong", "k", "false", "no", "n", "sai"}


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
