"""Secrets kept in the database (camera stream passwords) are encrypted with Fernet under `settings.FIELD_KEY`,
which lives outside the database; a stolen database dump does not give them away."""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)
PREFIX = "fernet:"


def seal(text: str) -> str:
    if not text:
        return ""
    return PREFIX + Fernet(settings.FIELD_KEY.encode()).encrypt(text.encode()).decode()


def unseal(value: str) -> str:
    """The plain text; '' when the key cannot open it (the key changed: the secret must be entered again)."""
    if not value or not value.startswith(PREFIX):
        return value or ""
    try:
        return Fernet(settings.FIELD_KEY.encode()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        log.error("a sealed secret cannot be opened with this FIELD_KEY; enter it again")
        return ""


class SealedTextField(models.TextField):
    """Plain text in Python; encrypted in the database and in backups (serialized sealed, restored as is)."""

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value is not None else value

    def to_python(self, value):
        return unseal(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or value.startswith(PREFIX):
            return value
        return seal(value)

    def value_to_string(self, obj):
        return seal(self.value_from_object(obj) or "")
