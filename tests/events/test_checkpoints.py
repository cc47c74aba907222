"""Signed checkpoints: made by the command and the beat task, stored and written out of the
database, signed over the head's position, chain hash and Merkle root."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events import checkpoints, ledger, merkle, signatures, store, tasks
from events.models import Checkpoint
from tests.events.checkpointing import configure, new_key, pem, public
from tests.events.helpers import things
from tests.events.test_verify_ledger import as_a_dba

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(settings: Any, tmp_path: Path) -> Any:
    key = new_key()
    configure(settings, key, tmp_path / "checkpoints")
    return key


def all_links() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain_hash FROM events_ledger ORDER BY position")
        return [row[0] for row in cursor.fetchall()]


def test_a_checkpoint_signs_the_head_and_is_written_out(key: Any, stream: str, settings: Any):
    store.append(stream, things(3), expected_version=0)
    checkpoint = checkpoints.checkpoint_create()
    position, chain_hash = ledger.head()
    assert (checkpoint.position, checkpoint.chain_hash) == (position, chain_hash)
    assert checkpoint.merkle_root == merkle.root_of(all_links())
    assert checkpoint.key_id == signatures.key_id(public(key))
    stored = Checkpoint.objects.get(pk=checkpoint.pk)
    assert checkpoints.signed_of(stored) == checkpoints.signed_of(checkpoint)
    written = json.loads((Path(settings.EVENTS_CHECKPOINT_DIR) / checkpoint.file_name).read_text())
    assert written == checkpoints.signed_of(checkpoint)
    assert signatures.check(written, expected_format=signatures.CHECKPOINT_FORMAT) is None
    assert written["statement"]["position"] == position
    # The signature covers every field: change one and it no longer verifies.
    written["statement"]["position"] -= 1
    assert signatures.check(written, expected_format=signatures.CHECKPOINT_FORMAT) is not None


def test_the_next_checkpoint_continues_the_tree_from_the_last(key: Any, stream: str) -> None:
    store.append(stream, things(2), expected_version=0)
    first = checkpoints.checkpoint_create()
    store.append(stream, things(5, start=2), expected_version=2)
    second = checkpoints.checkpoint_create()
    assert second.position == first.position + 5
    assert second.merkle_root == merkle.root_of(all_links())
    assert merkle.CompactRange(second.position, second.frontier).root() == second.merkle_root


def test_it_refuses_to_sign_a_log_changed_since_the_last_checkpoint(key: Any, stream: str):
    store.append(stream, things(1), expected_version=0)
    checkpoints.checkpoint_create()
    store.append(stream, things(2, start=1), expected_version=1)
    ledger.seal()
    with as_a_dba() as cursor:
        cursor.execute(
            "UPDATE events_event SET data = %s WHERE stream_id = %s AND version = 2",
            ['{"count":1,"name":"forged"}', stream],
        )
        with pytest.raises(checkpoints.CheckpointError, match="does not match its hash"):
            checkpoints.checkpoint_create()


def test_the_command_prints_the_checkpoint(key: Any, stream: str) -> None:
    store.append(stream, things(1), expected_version=0)
    out = StringIO()
    call_command("checkpoint", "--json", stdout=out)
    signed = json.loads(out.getvalue())
    assert signed["statement"]["position"] == ledger.head()[0]
    assert Checkpoint.objects.count() == 1


def test_without_a_key_the_command_fails_and_the_task_skips(settings: Any) -> None:
    settings.EVENTS_CHECKPOINT_KEY = settings.EVENTS_CHECKPOINT_KEY_FILE = ""
    with pytest.raises(CommandError, match="No checkpoint key"):
        call_command("checkpoint", stdout=StringIO())
    assert tasks.checkpoint_task.delay().get() == {"skipped": "no key"}
    assert not Checkpoint.objects.exists()


def test_the_task_makes_a_checkpoint(key: Any, stream: str) -> None:
    store.append(stream, things(1), expected_version=0)
    result = tasks.checkpoint_task.delay().get()
    assert result["position"] == ledger.head()[0]


def test_a_key_file_made_by_the_command(settings: Any, tmp_path: Path, stream: str) -> None:
    out = StringIO()
    call_command("checkpoint", "--new-key", str(tmp_path / "key.pem"), stdout=out)
    assert (tmp_path / "key.pem").stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="exists"):
        call_command("checkpoint", "--new-key", str(tmp_path / "key.pem"), stdout=out)
    settings.EVENTS_CHECKPOINT_KEY = ""
    settings.EVENTS_CHECKPOINT_KEY_FILE = str(tmp_path / "key.pem")
    settings.EVENTS_CHECKPOINT_DIR = tmp_path / "out"
    checkpoint = checkpoints.checkpoint_create()
    assert f"Public key: {checkpoint.public_key}" in out.getvalue()
    assert "PRIVATE" not in out.getvalue()


def test_a_bad_key_is_refused_without_echoing_it(settings: Any) -> None:
    settings.EVENTS_CHECKPOINT_KEY = "not-a-key-" + "s3cret" * 5
    settings.EVENTS_CHECKPOINT_KEY_FILE = ""
    with pytest.raises(checkpoints.CheckpointError) as caught:
        checkpoints.signing_key()
    assert "s3cret" not in str(caught.value)


def test_the_key_may_be_given_as_its_seed(settings: Any) -> None:
    key = new_key()
    seed = key.private_bytes_raw().hex()
    settings.EVENTS_CHECKPOINT_KEY = seed
    loaded = checkpoints.signing_key()
    assert loaded is not None
    assert public(loaded) == public(key)
    assert pem(loaded) == pem(key)


def test_beat_runs_it_hourly_by_default(settings: Any) -> None:
    from tracker.celery import app, setup_periodic_tasks

    assert settings.EVENTS_CHECKPOINT_SECONDS == 3600
    setup_periodic_tasks(app)
    entry = app.conf.beat_schedule["ledger checkpoint"]
    assert entry["task"] == "events.checkpoint"
    assert entry["schedule"] == 3600.0
