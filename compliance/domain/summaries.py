"""One line of plain words per event, for timelines."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from compliance.domain.values import Money
from events.types import Event, PersonalData

MAX = 500


def _words(type_name: str) -> str:
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()
    return spaced[:1].upper() + spaced[1:]


def _value(value: Any) -> str | None:
    match value:
        case None | [] | {}:
            return None
        case Money():
            return f"{value.currency} {value.amount:,}"
        case Enum():
            return str(value.value).replace("_", " ")
        case PersonalData():  # read models are stored: never the value, never the ciphertext
            return "[personal data]"
        case bool():
            return "yes" if value else "no"
        case Decimal():
            return f"{value.normalize():f}"
        case date() | datetime():
            return value.isoformat()[:10]
        case list():
            return ", ".join(filter(None, (_value(v) for v in value)))
        case dict():
            return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def summarize(event: Event) -> str:
    """E.g. "Stake acquired: instrument ordinary shares, amount EUR 15,000,000.00"."""
    parts = []
    for item in fields(event):
        if item.name == "occurred_at":
            continue
        shown = _value(getattr(event, item.name))
        if shown:
            parts.append(f"{item.name.replace('_', ' ')} {shown}")
    text = _words(type(event).__name__) + (": " + ", ".join(parts) if parts else "")
    return text if len(text) <= MAX else text[: MAX - 1] + "…"
