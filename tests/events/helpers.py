"""Helpers for the store's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.events.event_types import ThingHappened

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def things(n: int, *, start: int = 0, name: str = "thing") -> list[ThingHappened]:
    return [
        ThingHappened(occurred_at=T0 + timedelta(minutes=start + i), name=f"{name}-{start + i}")
        for i in range(n)
    ]
