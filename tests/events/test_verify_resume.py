"""verify_ledger resumes after the newest stored checkpoint a trusted key signed and the log
still links to, and says so; ``--full`` recomputes from genesis. Tampering above that
checkpoint is caught by both passes, below it only by the full pass (or, when the links were
rewritten too, by the comparison with the checkpoints)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from events import checkpoints, hashing, ledger, store
from tests.events.checkpointing import configure, new_key, rewrite_from
from tests.events.event_types import ThingHappened
from tests.events.helpers import things
from tests.events.test_database_time import LONG_AGO, forged_row
from tests.events.test_verify_ledger import as_a_dba, verify_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(settings: Any, tmp_path: Path, stream: str) -> dict[str, Any]:
    """A stream of five events across two checkpoints: three below the newest, two above."""
    configure(settings, new_key(), tmp_path / "checkpoints")
    first = checkpoints.checkpoint_create()
    store.append(stream, things(3), expected_version=0)
    newest = checkpoints.checkpoint_create()
    store.append(stream, things(2, start=3), expected_version=3)
    ledger.seal()
    return {"first": first, "newest": newest, "events": store.read_stream(stream)}


def both(**kwargs: Any) -> tuple[ledger.Verification, ledger.Verification]:
    trusted = checkpoints.trusted_keys()
    given = checkpoints.stored()
    return (
        ledger.verify(given, trusted_keys=trusted, resume=True, **kwargs),
        ledger.verify(given, trusted_keys=trusted, **kwargs),
    )


def forge(cursor: Any, stream: str, version: int) -> None:
    cursor.execute(
        "UPDATE events_event SET data = %s WHERE stream_id = %s AND version = %s",
        ['{"count":1,"name":"forged"}', stream, version],
    )


def test_a_resumed_pass_says_where_it_started(history: dict[str, Any]) -> None:
    resumed, full = both()
    newest = history["newest"]
    assert resumed.ok and full.ok
    assert resumed.started_after == newest.position
    assert resumed.resumed_from == f"database checkpoint #{newest.pk}"
    assert resumed.checked == resumed.head_position - newest.position  # only the new events
    assert full.started_after == 0 and full.resumed_from is None
    assert full.checked == full.head_position
    # Version 4 follows 3, below the start: each stream's last version there was re-derived.
    # Checkpoints below the start are compared with the stored links.
    assert {c.status for c in resumed.checkpoints} == {"matches"}
    code, out = verify_command()
    assert code == 0, out
    assert f"Resumed after database checkpoint #{newest.pk} at position {newest.position}" in out
    assert f"verified after position {newest.position}" in out
    code, out = verify_command("--full")
    assert code == 0, out
    assert "Full pass from genesis" in out


def test_both_passes_catch_tampering_above_the_checkpoint(
    history: dict[str, Any], stream: str
) -> None:
    target = history["events"][4]  # version 5, above the newest checkpoint
    with as_a_dba() as cursor:
        forge(cursor, stream, 5)
        resumed, full = both()
        code, out = verify_command()
    for result in (resumed, full):
        assert result.outcome == "bad_position"
        assert result.failure is not None and result.failure.position == target.position
        assert result.failure.reason == "the event's content does not match its hash"
    assert resumed.started_after == history["newest"].position
    assert code == 1 and f"position {target.position}" in out


def test_only_the_full_pass_catches_tampering_below_the_checkpoint(
    history: dict[str, Any], stream: str
) -> None:
    target = history["events"][1]  # version 2, below the newest checkpoint
    with as_a_dba() as cursor:
        forge(cursor, stream, 2)
        resumed, full = both()
        code, out = verify_command("--full")
    assert full.outcome == "bad_position"
    assert full.failure is not None and full.failure.position == target.position
    assert code == 1 and f"position {target.position}" in out
    # The limit, as docs/ledger.md says: the resumed pass does not recompute below its start
    # (only the triggers being off show here).
    assert resumed.failure is None and resumed.fork is None
    assert resumed.outcome == "schema_changed"


def test_a_rewrite_below_with_recomputed_links_is_a_fork_and_not_a_resume_point(
    history: dict[str, Any], stream: str
) -> None:
    """A forger who recomputes every link from version 2 on changes the link the newest
    checkpoint signed: the resumed pass cannot start there, and the first checkpoint's
    comparison finds the fork."""
    with as_a_dba() as cursor:
        at = rewrite_from(cursor, stream, 2, '{"count":1,"name":"forged"}')
        resumed, full = both()
    assert resumed.started_after == history["first"].position
    for result in (resumed, full):
        assert result.outcome == "fork"
        assert result.fork is not None and result.fork.first_difference == at


def test_an_untrusted_checkpoint_is_no_resume_point(
    history: dict[str, Any], stream: str, tmp_path: Path
) -> None:
    store.append(stream, things(1, start=5), expected_version=5)
    stranger = checkpoints.checkpoint_create(key=new_key(), directory=tmp_path / "stranger")
    resumed, _ = both()
    assert stranger.position > history["newest"].position
    assert resumed.started_after == history["newest"].position
    assert resumed.outcome == "bad_checkpoint"  # the stranger's checkpoint is untrusted


def test_without_trusted_keys_the_pass_is_full(history: dict[str, Any]) -> None:
    result = ledger.verify(checkpoints.stored(), trusted_keys=None, resume=True)
    assert result.started_after == 0 and result.checked == result.head_position


def test_content_postgresql_spells_otherwise_is_hashed_from_its_columns(
    settings: Any, tmp_path: Path, stream: str
) -> None:
    """A year before 1000: PostgreSQL's to_char pads it to four digits, Python's strftime
    does not, so the one-string reading falls back to hashing the columns."""
    store.append(
        stream,
        [ThingHappened(occurred_at=datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), name="old")],
        expected_version=0,
    )
    ledger.seal()
    assert ledger.verify().ok


def test_a_back_dated_event_above_the_checkpoint_is_caught_by_the_resumed_pass(
    history: dict[str, Any],
) -> None:
    """The resumed pass compares times from the signed time at its start on: the forged
    event follows the checkpoint directly."""
    at_head = checkpoints.checkpoint_create()
    with as_a_dba() as cursor:
        position, chain = ledger.head()
        row = forged_row(cursor, recorded_at=LONG_AGO, stream_id=f"thing-{uuid.uuid4().hex}")
        cursor.execute("SELECT max(seq) FROM events_event")
        seq = cursor.fetchone()[0]
        now = timezone.now()
        cursor.execute(
            "INSERT INTO events_ledger (position, event_seq, chain_hash, sealed_at) "
            "VALUES (%s, %s, %s, %s)",
            [
                position + 1,
                seq,
                hashing.chain_hash(chain, hashing.event_hash(**row)),
                connection.ops.adapt_datetimefield_value(now)
                if connection.vendor == "sqlite"
                else now,
            ],
        )
        resumed, full = both()
    assert resumed.started_after == at_head.position == position
    for result in (resumed, full):
        assert result.failure is not None and result.failure.position == position + 1
        assert "clock tolerance" in result.failure.reason
