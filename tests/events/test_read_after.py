"""Reading a stream after a version: only what a reader holding its first events has not seen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from events import store
from events.errors import EventStoreError
from events.types import EventRetracted
from tests.events.event_types import ThingHappened
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)

T = datetime(2024, 5, 1, tzinfo=UTC)


def test_after_a_version_reads_the_later_events_in_order(stream: str) -> None:
    store.append(stream, things(5), expected_version=0)
    whole = store.read_stream(stream, effective=False)

    for after in range(6):
        tail = store.read_stream(stream, effective=False, after=after)
        assert tail == whole[after:]
        assert [e.version for e in tail] == list(range(after + 1, 6))
    assert store.read_stream(stream, effective=False, after=store.MAX_VERSION) == []
    assert store.read_stream("thing-nothing-here", effective=False, after=3) == []


def test_after_zero_is_the_whole_stream_and_keeps_corrections_applied(stream: str) -> None:
    first = store.append(stream, things(2), expected_version=0)
    store.append(
        stream,
        [EventRetracted(occurred_at=T, target_event_id=first.event_ids[0], reason="wrong")],
        expected_version=2,
    )
    assert [e.version for e in store.read_stream(stream, after=0)] == [2]
    tail = store.read_stream(stream, effective=False, after=1)
    assert [(e.version, e.type) for e in tail] == [(2, "ThingHappened"), (3, "EventRetracted")]


def test_a_tail_is_read_as_recorded_only(stream: str) -> None:
    store.append(stream, things(2), expected_version=0)
    with pytest.raises(EventStoreError) as caught:
        store.read_stream(stream, after=1)
    assert caught.value.field == "after"


@pytest.mark.parametrize("after", [-1, True, 1.0, "1", None, store.MAX_VERSION + 1])
def test_after_must_be_a_version(stream: str, after: object) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.read_stream(stream, effective=False, after=after)  # type: ignore[arg-type]
    assert caught.value.field == "after"


def test_after_and_known_at_combine(stream: str) -> None:
    store.append(stream, things(2), expected_version=0)
    known = timezone.now()
    store.append(stream, [ThingHappened(occurred_at=T, name="later")], expected_version=2)

    then = store.read_stream(stream, effective=False, after=1, known_at=known)
    assert [e.version for e in then] == [2]
    assert [e.version for e in store.read_stream(stream, effective=False, after=1)] == [2, 3]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.postgres
def test_a_tail_is_one_range_over_the_stream_version_index(stream: str) -> None:
    """PostgreSQL reads a tail from the unique (stream_id, version) index starting at the
    version: the stream's earlier events are not visited, so a long stream's tail costs what a
    short one's does."""
    from events.backends.postgres import SELECT_STREAM

    for first in range(0, 3000, 1000):
        store.append(stream, things(1000, start=first), expected_version=first)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + SELECT_STREAM, [stream, 2995])
        (plan,) = cursor.fetchone()[0]
    scans = [n for n in _nodes(plan["Plan"]) if n.get("Index Name") == "events_stream_version"]
    assert scans, plan
    assert all(n["Actual Rows"] == 5 for n in scans), plan
