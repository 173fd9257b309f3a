"""Limits on what arrives from outside, the same at every edge (HTTP bodies, MQTT messages, files): JSON nested at
most MAX_DEPTH levels, and no NUL characters in text (PostgreSQL cannot store them; they are never legitimate)."""

from __future__ import annotations

import orjson

MAX_DEPTH = 32


class PayloadError(ValueError):
    """The payload is refused; the message says why in words a client's developer understands."""


def _too_deep(value) -> bool:
    """Whether a decoded JSON value nests more than MAX_DEPTH containers, without recursion (only containers are
    walked: this runs on every JSON body, including 1,000-entity NGSI-LD batches)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, level = stack.pop()
        if level > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


def load_json(raw: bytes | str):
    """Decode JSON and check it (depth, NUL); PayloadError for anything else, including invalid JSON."""
    raw = raw.encode() if isinstance(raw, str) else raw
    # JSON cannot carry a raw NUL inside a string, only its escape: looking at the bytes is enough.
    if b"\\u0000" in raw:
        raise PayloadError("text contains a NUL character")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc).lower():
            raise PayloadError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
        raise PayloadError(f"invalid JSON: {exc}") from None
    if _too_deep(value):
        raise PayloadError(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value
