"""Request bodies: JSON only, at most ``API_MAX_BODY_BYTES`` (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``, refused in errors.py with a 413), nested at most
``MAX_DEPTH`` levels, and with every object's keys distinct."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

from compliance.api.errors import ApiError

MAX_DEPTH = 32


def _distinct(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _parse_error(f"the key {key[:100]!r} appears twice in one object.", key[:100])
        found[key] = value
    return found


def _depth(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar: 0), without recursion."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, at = level.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is not None:
            deepest = max(deepest, at)
            level.extend((child, at + 1) for child in children)
    return deepest


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, stricter: a body nested deeper than ``MAX_DEPTH`` or with a key
    twice in one object is a 400 (Python's own parser keeps the last of duplicate keys and
    recurses until it fails on deep nesting)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, object_pairs_hook=_distinct, parse_constant=strict_constant)
        except RecursionError:
            raise _too_deep() from None
        except ValueError as exc:  # also a body that is not UTF-8
            raise _parse_error(str(exc)) from None
        if _depth(data) > MAX_DEPTH:
            raise _too_deep()
        return data


def _parse_error(reason: str, field: str = "body") -> ApiError:
    return ApiError("parse_error", f"JSON parse error: {reason}", field=field)


def _too_deep() -> ApiError:
    return _parse_error(f"nested deeper than {MAX_DEPTH} levels.")
