"""The database owns the log's time: recorded_at is its clock at the INSERT, whatever the
client sends, and a recorded_at that goes back along positions by more than the clock
tolerance is not sealed and fails verification."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from events import hashing, ledger, store
from tests.events.helpers import things
from tests.events.test_verify_ledger import as_a_dba, verify_command

pytestmark = pytest.mark.django_db(transaction=True)

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def forged_row(cursor: Any, *, recorded_at: datetime, stream_id: str) -> dict[str, Any]:
    """A plain INSERT of a complete event claiming ``recorded_at``, its hash computed over
    that claim as a forger would: the INSERT privilege is all it takes."""
    event_id = uuid.uuid4()
    row: dict[str, Any] = {
        "event_id": str(event_id),
        "stream_id": stream_id,
        "stream_type": "thing",
        "version": 1,
        "type": "ThingHappened",
        "schema_version": 1,
        "occurred_at": LONG_AGO,
        "recorded_at": recorded_at,
        "data_json": '{"amount":null,"count":1,"name":"forged",'
        '"occurred_at":"2020-01-01T00:00:00Z"}',
        "metadata_json": '{"actor":"alice"}',
    }
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else None
    cursor.execute(
        "INSERT INTO events_event (event_id, stream_id, stream_type, version, type, "
        "schema_version, data, metadata, occurred_at, recorded_at, hash) "
        "VALUES (%s, %s, 'thing', 1, 'ThingHappened', 1, %s, %s, %s, %s, %s)",
        [
            event_id.hex if adapt else event_id,
            stream_id,
            row["data_json"],
            row["metadata_json"],
            adapt(LONG_AGO) if adapt else LONG_AGO,
            adapt(recorded_at) if adapt else recorded_at,
            hashing.event_hash(**row),
        ],
    )
    return row


@contextmanager
def rolled_back() -> Iterator[None]:
    """The log is never flushed: what a test forges must not outlive it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def head(stream: str) -> store.RecordedEvent:
    store.append(stream, things(2), expected_version=0)
    ledger.seal()
    return store.read_stream(stream)[-1]


@pytest.mark.postgres
def test_a_plain_insert_gets_the_database_time_whatever_it_claims(head: Any) -> None:
    with rolled_back():
        _a_plain_insert_is_caught()


def _a_plain_insert_is_caught() -> None:
    before = timezone.now()
    stream_id = f"thing-{uuid.uuid4().hex}"
    with connection.cursor() as cursor:
        forged_row(cursor, recorded_at=LONG_AGO, stream_id=stream_id)
    (stored,) = store.read_stream(stream_id)
    assert stored.recorded_at >= before  # the trigger's time, not 2020
    assert store.read_stream(stream_id, known_at=before) == []  # never known in the past
    assert store.read_stream(stream_id, known_at=LONG_AGO + timedelta(days=1)) == []
    ledger.seal()
    # Its hash covers the time it claimed, not the time stored: caught, at its position.
    report = ledger.verify()
    assert report.failure is not None
    assert report.failure.event_id == str(stored.event_id)
    assert report.failure.position == store.read_stream(stream_id)[0].position
    assert "does not match its hash" in report.failure.reason


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_on_sqlite_a_plain_insert_claiming_another_time_is_refused(head: Any) -> None:
    stream_id = f"thing-{uuid.uuid4().hex}"
    refused = pytest.raises(IntegrityError, match="recorded_at must be the time of the insert")
    with refused, connection.cursor() as cursor:
        forged_row(cursor, recorded_at=LONG_AGO, stream_id=stream_id)
    assert store.read_stream(stream_id) == []


@pytest.mark.postgres
def test_the_store_records_the_database_time_not_the_application_clock(
    stream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An application server whose clock is off cannot date events: the database's clock at
    the INSERT is stored, and the hash covers it (the events verify)."""
    monkeypatch.setattr("events.store.timezone.now", lambda: LONG_AGO)
    before = datetime.now(UTC)
    store.append(stream, things(1), expected_version=0)  # one statement, autocommit
    with transaction.atomic():  # in a transaction (a key): the statement's time, not BEGIN's
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            began = cursor.fetchone()[0]
        store.append(stream, things(3, start=1), expected_version=1, idempotency_key=stream)
    events = store.read_stream(stream)
    assert all(e.recorded_at >= before for e in events)
    assert events[1].recorded_at > began
    assert len({e.recorded_at for e in events[1:]}) == 1  # one statement, one time
    ledger.seal()
    assert ledger.verify().ok


@pytest.fixture
def backdated(head: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """As the tables' owner with the triggers off: an event at the head dated an hour before
    the newest sealed event, its hash right, then the triggers back on (so the schema is as
    installed). Rolled back after the test."""
    with as_a_dba() as cursor:
        row = forged_row(
            cursor,
            recorded_at=head.recorded_at - timedelta(hours=1),
            stream_id=f"thing-{uuid.uuid4().hex}",
        )
        if connection.vendor == "postgresql":
            for table, trigger in [
                ("events_event", "events_event_immutable"),
                ("events_event", "events_event_recorded_at"),
                ("events_ledger", "events_ledger_immutable"),
                ("events_checkpoint", "events_checkpoint_immutable"),
            ]:
                cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {trigger}")
        yield cursor, row


def test_sealing_stops_before_an_event_dated_back_beyond_the_tolerance(
    backdated: tuple[Any, dict[str, Any]], stream: str, caplog: pytest.LogCaptureFixture
) -> None:
    _cursor, row = backdated
    head_before = ledger.head()
    ledger.seal()
    assert ledger.head() == head_before  # not sealed
    assert f"Sealing stopped at event {row['event_id']}" in caplog.text
    report = ledger.verify()
    assert report.failure is not None and report.failure.position is None
    assert report.failure.event_id == row["event_id"]
    assert "time goes back by more than the clock tolerance (60 s)" in report.failure.reason
    if connection.vendor == "postgresql":
        assert report.schema_changes == []  # only the dates show it
    code, out = verify_command()
    assert code == 1
    assert row["event_id"] in out


def test_an_event_dated_back_and_sealed_by_hand_is_named_by_its_position(
    backdated: tuple[Any, dict[str, Any]], settings: Any
) -> None:
    cursor, row = backdated
    position, chain = ledger.head()
    cursor.execute(
        "SELECT seq, hash FROM events_event WHERE event_id = %s",
        [uuid.UUID(row["event_id"]).hex if connection.vendor == "sqlite" else row["event_id"]],
    )
    seq, event_hash = cursor.fetchone()
    now = timezone.now()
    cursor.execute(
        "INSERT INTO events_ledger (position, event_seq, chain_hash, sealed_at) "
        "VALUES (%s, %s, %s, %s)",
        [
            position + 1,
            seq,
            hashing.chain_hash(chain, event_hash),
            connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now,
        ],
    )
    report = ledger.verify()
    assert report.failure is not None
    assert report.failure.position == position + 1
    assert report.failure.event_id == row["event_id"]
    assert "before" in report.failure.reason and "clock tolerance" in report.failure.reason
    # Within a tolerance wider than the gap, the same log verifies (and would be sealed).
    settings.EVENTS_CLOCK_TOLERANCE_SECONDS = 2 * 3600
    assert ledger.verify().failure is None


def test_small_steps_back_add_up(head: Any) -> None:
    """Each event 50 s before the previous one (within the 60 s tolerance), the second 100 s
    before the newest sealed event: compared with the latest time at a lower position, not
    only the previous one, the staircase is caught."""
    with as_a_dba() as cursor:
        position, chain = ledger.head()
        forged = []
        for step in (1, 2):
            row = forged_row(
                cursor,
                recorded_at=head.recorded_at - timedelta(seconds=50 * step),
                stream_id=f"thing-{uuid.uuid4().hex}",
            )
            cursor.execute("SELECT max(seq) FROM events_event")
            seq = cursor.fetchone()[0]
            chain = hashing.chain_hash(chain, hashing.event_hash(**row))
            now = timezone.now()
            cursor.execute(
                "INSERT INTO events_ledger (position, event_seq, chain_hash, sealed_at) "
                "VALUES (%s, %s, %s, %s)",
                [
                    position + step,
                    seq,
                    chain,
                    connection.ops.adapt_datetimefield_value(now)
                    if connection.vendor == "sqlite"
                    else now,
                ],
            )
            forged.append(row)
        report = ledger.verify()
    assert report.failure is not None
    assert report.failure.position == position + 2
    assert report.failure.event_id == forged[1]["event_id"]
    assert "100.000000 s before" in report.failure.reason
