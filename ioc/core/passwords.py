"""Password rule beyond Django's: letters and digits mixed, upper and lower case."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MixedCharactersValidator:
    def validate(self, password: str, user=None) -> None:
        if not (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            raise ValidationError(
                _("The password must mix upper-case and lower-case letters and digits."),
                code="password_not_mixed",
            )

    def get_help_text(self) -> str:
        return _("Your password must mix upper-case and lower-case letters and digits.")


# Words a guesser tries first, beside Django's list of 20,000 common passwords: the product's, Vietnamese ones, and
# the loaded city's own names (its name and its units'), which every "Laichau2025" builds on.
GUESSABLE_WORDS = {
    "ioc", "admin", "administrator", "quantri", "matkhau", "password", "passw", "vietnam", "hanoi", "saigon",
    "thanhpho", "ubnd", "congan", "user", "test", "demo", "welcome", "iloveyou", "qwerty", "asdf", "zxcv",
}  # fmt: skip
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _city_words() -> set[str]:
    from ioc.core.models import AdministrativeUnit, City
    from ioc.core.text import fold

    words = set()
    for name in [
        *City.objects.values_list("name", flat=True),
        *AdministrativeUnit.objects.values_list("name", flat=True),
    ]:
        folded = fold(name).replace(" ", "")
        words.add(folded)
        for prefix in ("thanhpho", "phuong", "xa", "tinh", "huyen", "thixa"):
            if folded.startswith(prefix) and len(folded) > len(prefix) + 2:
                words.add(folded[len(prefix) :])
    return words


class GuessablePasswordValidator:
    """Refuses a password that is a guessable word dressed up with digits and symbols (Laichau2025, Abcd1234!,
    Matkhau@123): its letters alone must not be the city's or a unit's name, a common product or Vietnamese word,
    or a run along the alphabet or a keyboard row."""

    def validate(self, password: str, user=None) -> None:
        from ioc.core.text import fold

        letters = "".join(c for c in fold(password) if c.isalpha())
        run = len(letters) >= 3 and any(letters in row or letters in row[::-1] for row in KEYBOARD_ROWS)
        if not letters or run or letters in GUESSABLE_WORDS or letters in _city_words():
            raise ValidationError(
                _(
                    "The password is too easy to guess: a name or common word with digits added. Use several words "
                    "or a longer phrase."
                ),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be a place name or a common word with digits added.")
