"""Build in-memory histories for pure domain tests (no database)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from events.types import Event, RecordedEvent, registry

T0 = datetime(2024, 2, 26, tzinfo=UTC)


def history(stream_id: str, *events: Event) -> list[RecordedEvent]:
    return [
        RecordedEvent(
            position=None,
            event_id=uuid.uuid4(),
            stream_id=stream_id,
            stream_type=stream_id.split("-", 1)[0],
            version=version,
            type=registry.type_of(event).name,
            schema_version=1,
            event=event,
            metadata={},
            occurred_at=event.occurred_at,
            recorded_at=T0,
            hash="0" * 64,
        )
        for version, event in enumerate(events, start=1)
    ]


def pct(value: str) -> Decimal:
    return Decimal(value)


def day(text: str) -> date:
    return date.fromisoformat(text)
