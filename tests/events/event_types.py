"""Event types used by the store's tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from events.types import Event, PersonalData, registry


@registry.register
@dataclass(frozen=True, kw_only=True)
class ThingHappened(Event):
    name: str
    amount: Decimal | None = None
    count: int = 1


@registry.register
@dataclass(frozen=True, kw_only=True)
class ThingNoted(Event):
    note: str


@registry.register
@dataclass(frozen=True, kw_only=True)
class ContactNamed(Event):
    """Holds personal data (tests/events/test_personal_data.py)."""

    topic: str
    contact: PersonalData | None = None
    others: list[PersonalData] | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class BlobRecorded(Event):
    """Carries any JSON value (tests/events/test_store_properties.py). Registered with the
    log's catalogue, like the others: the tests commit it, and processes that other tests
    start (workers, servers) read the whole log."""

    blob: Any = None
