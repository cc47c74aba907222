"""Bitemporal reads: as_of a valid time, as known_at a transaction time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events import store
from events.types import EventCorrected
from tests.events.event_types import ThingHappened

pytestmark = pytest.mark.django_db(transaction=True)


def at(day: int) -> datetime:
    return datetime(2024, 5, day, tzinfo=UTC)


def test_as_of_keeps_what_had_happened_by_then(stream: str) -> None:
    store.append(
        stream,
        [ThingHappened(occurred_at=at(d), name=f"d{d}") for d in (1, 10, 20)],
        expected_version=0,
    )

    assert [e.event.name for e in store.read_stream(stream, as_of=at(10))] == ["d1", "d10"]
    assert store.read_stream(stream, as_of=at(1) - timedelta(seconds=1)) == []


def test_known_at_shows_the_history_as_it_was_known_before_a_correction(stream: str) -> None:
    original = store.append(
        stream, [ThingHappened(occurred_at=at(1), name="wrong", count=100)], expected_version=0
    )
    known_before = timezone.now()
    store.append(
        stream,
        [
            EventCorrected(
                occurred_at=at(15),
                target_event_id=original.event_ids[0],
                reason="the count was 10",
                data={"occurred_at": "2024-05-01T00:00:00Z", "name": "right", "count": 10},
            )
        ],
        expected_version=1,
    )

    then = store.read_stream(stream, as_of=at(2), known_at=known_before)
    now = store.read_stream(stream, as_of=at(2))
    assert [(e.event.name, e.event.count) for e in then] == [("wrong", 100)]
    assert [(e.event.name, e.event.count) for e in now] == [("right", 10)]


def test_known_at_before_anything_was_recorded_is_empty(stream: str) -> None:
    before = timezone.now()
    store.append(stream, [ThingHappened(occurred_at=at(1), name="x")], expected_version=0)

    assert store.read_stream(stream, known_at=before) == []
    assert len(store.read_stream(stream)) == 1
