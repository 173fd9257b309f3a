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


def test_the_admin_speaks_vietnamese(users, client_for):
    """Its titles and every model's name, not 'Alerts' or 'Lamps'."""
    page = client_for(users["admin"]).get("/admin/").content.decode()
    assert "IOC Lai Châu — quản trị" in page and "Cấu hình và dữ liệu của thành phố" in page
    for name in (
        "Cảnh báo",
        "Sự vụ",
        "Đèn đường",
        "Tủ điều khiển chiếu sáng",
        "Thiết bị cảm biến",
        "Phản ánh hiện trường",
    ):
        assert name in page, name
    assert ">Alerts<" not in page and ">Lamps<" not in page
