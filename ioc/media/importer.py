"""Imports of other tools' exports (CSV, XLSX or JSON): the columns are read through a versioned mapping, so an
export whose columns were renamed in a new release still comes in under its new version, and a file no mapping
fits is refused whole with the columns it lacks. Each row goes through the same ingest as a collected article
(dedup, keyword sets, tone); a row that cannot be read is refused with its line and reason. Authors are kept only
as a keyed hash (personal data: an author's posts can be grouped without storing who they are)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import tabular
from ioc.core.services.calendar import TZ
from ioc.core.text import nfc
from ioc.media.choices import ArticleVia

MAX_BYTES = 20 * 1024 * 1024
MAX_JSON_ITEMS = 200_000
# name → versions, newest last; each maps our fields to the export's column names.
MAPPINGS: dict[str, list[dict[str, str]]] = {
    "laichau-ioc": [
        {"url": "url", "title": "title", "text": "text", "published_at": "published_at", "author": "author"},
    ],
    "social-listening (vi)": [
        {"url": "Link", "title": "Tiêu đề", "text": "Nội dung", "published_at": "Thời gian", "author": "Tác giả"},
        # v2 (exports since the tool's 2026 release): renamed columns, the channel added
        {
            "url": "Đường dẫn",
            "title": "Tiêu đề",
            "text": "Nội dung bài",
            "published_at": "Thời gian đăng",
            "author": "Người đăng",
        },
    ],
}
REQUIRED = ("url", "published_at")
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class ImportError_(ValueError):  # noqa: N801 (not the builtin ImportError)
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class ImportResult:
    mapping: str = ""
    created: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def author_hash(author: str) -> str:
    """A keyed hash of an author's name or handle: the same author, the same hash; the name is not kept."""
    name = nfc(author or "").strip().lower()
    if not name:
        return ""
    return hmac.new(settings.FIELD_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()[:24]


def choose_mapping(columns: set[str]) -> tuple[str, dict[str, str]]:
    """The newest mapping version whose required columns the file has."""
    for name, versions in MAPPINGS.items():
        for number in range(len(versions), 0, -1):
            mapping = versions[number - 1]
            if all(mapping[f] in columns for f in REQUIRED) and (
                mapping["title"] in columns or mapping["text"] in columns
            ):
                return f"{name} v{number}", mapping
    known = "; ".join(
        f"{name} v{n}: {', '.join(m[f] for f in ('url', 'title', 'text', 'published_at'))}"
        for name, versions in MAPPINGS.items()
        for n, m in enumerate(versions, start=1)
    )
    raise ImportError_(_("No known export has these columns. Expected one of: %(known)s") % {"known": known})


def parse_time(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    text = str(value or "").strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=TZ)
    except ValueError:
        pass
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).replace(tzinfo=TZ)
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date and time") % {"value": text[:40]})


def _json_rows(raw: bytes):
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportError_(_("The file is not JSON that can be read")) from None
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportError_(_('The JSON must be a list of objects (or {"items": [...]})'))
    if len(items) > MAX_JSON_ITEMS:
        raise ImportError_(_("The file has more than %(n)s rows; split it") % {"n": f"{MAX_JSON_ITEMS:,}"})
    return [(k, {str(key): value for key, value in item.items()}) for k, item in enumerate(items, start=1)]


def read(raw: bytes, filename: str) -> tuple[str, dict, list[tuple[int, dict]]]:
    """The mapping and the rows of a file, or ImportError_ for a file that cannot be imported at all."""
    if len(raw) > MAX_BYTES:
        raise ImportError_(_("The file is larger than %(n)s MB") % {"n": MAX_BYTES // 1024 // 1024})
    name = filename.lower()
    if name.endswith(".json"):
        rows = _json_rows(raw)
    elif name.endswith((".csv", ".xlsx")):
        try:
            rows = list(tabular.rows(raw, filename))
        except tabular.FileFormatError as error:
            raise ImportError_(str(error)) from None
    else:
        raise ImportError_(_("Choose a CSV, XLSX or JSON file"))
    if not rows:
        raise ImportError_(_("The file has no rows"))
    columns = set().union(*(cells.keys() for _, cells in rows[:50]))
    mapping_name, mapping = choose_mapping(columns)
    return mapping_name, mapping, rows


def import_file(user, raw: bytes, filename: str) -> ImportResult:
    """Import an export: every readable row is ingested (a URL already collected is counted, not stored again)."""
    from ioc.core.services.audit import record
    from ioc.media.services import MediaError, _matchers, ingest_article

    mapping_name, mapping, rows = read(raw, filename)
    result = ImportResult(mapping=mapping_name)
    matchers = _matchers()
    for line, cells in rows:
        try:
            url = str(cells.get(mapping["url"]) or "").strip()
            if not url.startswith(("http://", "https://")):
                raise ValueError(_("no web address"))
            text = nfc(str(cells.get(mapping["text"]) or ""))
            title = nfc(str(cells.get(mapping["title"]) or "")) or text[:120]
            published = parse_time(cells.get(mapping["published_at"]))
            ingested = ingest_article(
                url=url,
                title=title,
                text=text,
                published_at=min(published, timezone.now()),
                via=ArticleVia.IMPORT,
                user=user,
                matchers=matchers,
                author=str(cells.get(mapping.get("author", ""), "") or ""),
            )
        except (ValueError, MediaError) as error:
            result.refused.append((line, str(error)))
            continue
        if ingested.created:
            result.created += 1
        else:
            result.already += 1
    record(
        user,
        "media.import",
        object_type="media.import",
        filename=filename[:100],
        mapping=mapping_name,
        created=result.created,
        already=result.already,
        refused=len(result.refused),
    )
    return result
