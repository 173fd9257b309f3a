"""Vietnamese-aware text: diacritics-insensitive search keys."""

import unicodedata

import pytest

from ioc.core.text import fold, nfc


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Hà Nội", "ha noi"),
        ("ĐÈN ĐƯỜNG  hỏng", "den duong hong"),
        ("Sùng Phài", "sung phai"),
        ("Phường Đoàn Kết", "phuong doan ket"),
        ("", ""),
    ],
)
def test_fold(text, key):
    assert fold(text) == key


def test_decomposed_input_is_composed():
    decomposed = unicodedata.normalize("NFD", "Lai Châu")
    assert decomposed != "Lai Châu" and nfc(decomposed) == "Lai Châu"
    assert fold(decomposed) == "lai chau"


def test_coordinates_are_written_as_degrees_north_and_east_in_the_readers_language():
    from django.utils import translation

    from ioc.core.templatetags.ioc_format import coordinates

    with translation.override("vi"):
        assert coordinates(22.405, 103.455) == "22,40500° B · 103,45500° Đ"
    with translation.override("en"):
        assert coordinates(22.405, 103.455) == "22.40500° N · 103.45500° E"
    assert coordinates(None, None) == "—"
