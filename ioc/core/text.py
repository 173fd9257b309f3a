"""Vietnamese-aware text: NFC normalisation and diacritics-insensitive search keys ('ha noi' finds 'Hà Nội')."""

import unicodedata


def nfc(text: str) -> str:
    """The canonical composed form: what users type and paste comes in either form."""
    return unicodedata.normalize("NFC", text or "")


def fold(text: str) -> str:
    """A search key: lower case, no tone or vowel marks, đ → d, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())
