"""Vietnamese first: every UI string has a Vietnamese translation, compiled and shipped."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "ioc" / "locale"


def _text(entry) -> str:
    """The translation; a plural entry's one Vietnamese form."""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def test_every_string_is_translated_to_vietnamese():
    po = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not _text(e) and not e.obsolete]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: _text(e) for e in po if _text(e)} == {e.msgid: _text(e) for e in mo if e.msgid}


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Live map", "Bản đồ trực tuyến"),
        ("Open alerts", "Cảnh báo đang mở"),
        ("Landslide", "Sạt lở"),
    ],
)
def test_vietnamese_is_the_default(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english
