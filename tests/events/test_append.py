"""The store contract for appends: runs on PostgreSQL and on SQLite."""

from __future__ import annotations

import pytest

from events import store
from events.errors import WrongExpectedVersionError
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)


def test_append_to_new_stream_starts_at_version_one(stream: str) -> None:
    result = store.append(stream, things(3), expected_version=store.NO_STREAM)

    assert (result.first_version, result.version) == (1, 3)
    recorded = store.read_stream(stream)
    assert [e.version for e in recorded] == [1, 2, 3]
    assert [e.event.name for e in recorded] == ["thing-0", "thing-1", "thing-2"]
    assert [e.event_id for e in recorded] == list(result.event_ids)
    assert {e.stream_type for e in recorded} == {"thing"}


def test_append_at_the_current_version_continues_the_stream(stream: str) -> None:
    store.append(stream, things(2), expected_version=0)
    result = store.append(stream, things(1, start=2), expected_version=2)

    assert result.version == 3
    assert store.current_version(stream) == 3


@pytest.mark.parametrize("expected", [0, 1, 3, 7])
def test_a_stale_or_future_expected_version_is_a_conflict_and_writes_nothing(
    stream: str, expected: int
) -> None:
    store.append(stream, things(2), expected_version=0)

    with pytest.raises(WrongExpectedVersionError) as caught:
        store.append(stream, things(2, start=2), expected_version=expected)

    assert caught.value.current == 2
    assert caught.value.as_dict()["extra"]["current_version"] == 2
    assert store.current_version(stream) == 2


def test_expected_version_any_appends_whatever_the_version(stream: str) -> None:
    store.append(stream, things(2), expected_version=store.ANY)
    result = store.append(stream, things(1, start=2), expected_version=store.ANY)

    assert result.version == 3


def test_a_failed_batch_writes_none_of_its_events(stream: str) -> None:
    store.append(stream, things(1), expected_version=0)

    with pytest.raises(WrongExpectedVersionError):
        store.append(stream, things(50, start=1), expected_version=0)

    assert [e.version for e in store.read_stream(stream)] == [1]


def test_metadata_is_kept_with_every_event_of_the_batch(stream: str) -> None:
    source = {
        "url": "https://example.org/a",
        "publisher": "Example",
        "title": "A",
        "published_on": "2024-05-01",
        "reliability": "official",
    }
    store.append(
        stream,
        things(2),
        expected_version=0,
        metadata={"actor": "alice", "source": source, "correlation_id": "c-1"},
    )

    for recorded in store.read_stream(stream):
        assert recorded.metadata["actor"] == "alice"
        assert recorded.metadata["source"] == source
        assert recorded.metadata["correlation_id"] == "c-1"


def test_recorded_event_carries_valid_and_transaction_time(stream: str) -> None:
    event = things(1)[0]
    store.append(stream, [event], expected_version=0)

    (recorded,) = store.read_stream(stream)
    assert recorded.occurred_at == event.occurred_at
    assert recorded.recorded_at > event.occurred_at
    assert len(recorded.hash) == 64


def test_unicode_and_special_characters_round_trip_exactly(stream: str) -> None:
    name = 'Société Générale — 株式会社 "quoted" \\ back\nline \U0001f600'
    event = things(1)[0].__class__(occurred_at=things(1)[0].occurred_at, name=name)
    store.append(stream, [event], expected_version=0)

    assert store.read_stream(stream)[0].event.name == name


@pytest.mark.postgres
def test_appends_use_a_prepared_statement(stream: str) -> None:
    from django.db import connection as django_connection

    for version in range(3):
        store.append(stream, things(1, start=version), expected_version=version)
    with django_connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'INSERT INTO events_event%%'"
        )
        (prepared,) = cursor.fetchone()
    assert prepared >= 1
