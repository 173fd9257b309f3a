"""Model fields shared by the domains."""

from __future__ import annotations

import orjson
from django.db import models
from django.db.models.fields.json import KeyTransform


class FastJSONField(models.JSONField):
    """A JSONField read with orjson: an NGSI-LD query decodes the attributes of every candidate entity, and the
    standard library's decoder was a third of its time. Writing, lookups and key transforms are Django's."""

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and self.decoder is None and not isinstance(expression, KeyTransform):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass  # Django's own handling below (it returns the text as it is)
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        # Stored exactly as a JSONField: migrations see one, and no table is rebuilt for a faster reader.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs
