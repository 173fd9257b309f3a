"""Limits on what arrives from outside, the same at every edge (HTTP bodies, MQTT messages, files): JSON nested at
most MAX_DEPTH levels, and no NUL characters in text (PostgreSQL cannot store them; they are never legitimate)."""

from __future__ import annotations

import orjson

MAX_DEPTH = 32


class PayloadError(ValueError):
    """The payload is refused; the message says why in words a client's developer understands."""


def depth(value) -> int:
    """How deeply a decoded JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
    return deepest


def has_nul(value) -> bool:
    """Whether a NUL character hides anywhere in a decoded value's keys or strings."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check(value):
    """The value itself when it is within the limits; PayloadError otherwise."""
    if depth(value) > MAX_DEPTH:
        raise PayloadError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if has_nul(value):
        raise PayloadError("text contains a NUL character")
    return value


def load_json(raw: bytes | str):
    """Decode JSON and check it (depth, NUL); PayloadError for anything else, including invalid JSON."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc).lower():
            raise PayloadError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
        raise PayloadError(f"invalid JSON: {exc}") from None
    return check(value)
