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
