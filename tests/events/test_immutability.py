"""The log and the ledger refuse UPDATE, DELETE and TRUNCATE, whatever the client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from events import checkpoints, ledger, store
from events.models import Checkpoint
from tests.events.checkpointing import configure, new_key
from tests.events.helpers import things
from tests.events.raw import raw_connection

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENTS = [
    "UPDATE events_event SET type = 'Forged'",
    "UPDATE events_event SET data = '{}' WHERE seq = (SELECT min(seq) FROM events_event)",
    "DELETE FROM events_event",
    "DELETE FROM events_event WHERE seq = (SELECT max(seq) FROM events_event)",
    "UPDATE events_ledger SET chain_hash = 'x'",
    "DELETE FROM events_ledger",
    "TRUNCATE events_event CASCADE",
    "TRUNCATE events_ledger",
]


@pytest.mark.parametrize("sql", STATEMENTS)
def test_raw_changes_to_the_log_are_refused(stream: str, sql: str) -> None:
    store.append(stream, things(3), expected_version=0)
    ledger.seal()
    before = [(e.event_id, e.event) for e in store.read_stream(stream)]
    if sql.startswith("TRUNCATE") and connection.vendor == "sqlite":
        sql = sql.replace("TRUNCATE", "DELETE FROM").replace(" CASCADE", "")  # SQLite's truncate

    raw = raw_connection()
    try:
        with pytest.raises(Exception, match="append-only") as caught:
            raw.execute(sql)
        assert "refused" in str(caught.value)
    finally:
        raw.close()

    assert [(e.event_id, e.event) for e in store.read_stream(stream)] == before
    assert ledger.verify().ok


@pytest.mark.postgres
def test_replica_mode_does_not_switch_the_triggers_off(stream: str) -> None:
    store.append(stream, things(1), expected_version=0)
    raw = raw_connection()
    try:
        raw.execute("SET session_replication_role = replica")
        with pytest.raises(Exception, match="append-only"):
            raw.execute("DELETE FROM events_event")
    finally:
        raw.close()
    assert store.current_version(stream) == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events_checkpoint SET position = position + 1",
        "UPDATE events_checkpoint SET leaves = leaves",
        "DELETE FROM events_checkpoint",
        "TRUNCATE events_checkpoint",
    ],
)
def test_stored_checkpoints_refuse_changes_too(
    stream: str, sql: str, settings: Any, tmp_path: Path
) -> None:
    """A checkpoint is evidence: the database keeps it as the log keeps events."""
    configure(settings, new_key(), tmp_path)
    store.append(stream, things(2), expected_version=0)
    made = checkpoints.signed_of(checkpoints.checkpoint_create())
    if sql.startswith("TRUNCATE") and connection.vendor == "sqlite":
        sql = "DELETE FROM events_checkpoint"
    raw = raw_connection()
    try:
        with pytest.raises(Exception, match="append-only"):
            raw.execute(sql)
    finally:
        raw.close()
    assert [checkpoints.signed_of(c) for c in Checkpoint.objects.all()] == [made]
