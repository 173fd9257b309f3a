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
