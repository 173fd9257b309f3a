"""Fast GeoJSON for big map layers: points straight from database rows, encoded with orjson.

Thousands of features mean tens of thousands of small dicts; the garbage collector's generation sweeps over
the whole process during that burst cost more than the work itself, so it is paused while the layer is built.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.http import HttpResponse


@contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def raw_rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset without Django's per-value conversion (for plain columns only)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an officer without a unit, an unknown unit)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def point_collection(rows: Iterable[Sequence], names: Sequence[str], url: str | None = None) -> dict:
    """A FeatureCollection from rows of (id, lon, lat, *properties named by `names`)."""
    with gc_paused():
        features = []
        for pk, lon, lat, *values in rows:
            properties = dict(zip(names, values, strict=True))
            if url:
                properties["url"] = url.format(id=pk)
            features.append(
                {
                    "type": "Feature",
                    "id": pk,
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": properties,
                }
            )
        return {"type": "FeatureCollection", "features": features}


def geojson_response(data: dict) -> HttpResponse:
    with gc_paused():
        body = orjson.dumps(data)
    return HttpResponse(body, content_type="application/geo+json")
