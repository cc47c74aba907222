"""verify_ledger against signed checkpoints (stored and given as files): intact, the first
bad position, or a fork, including a rewrite of the whole tail with a recomputed chain and
the removal of the newest events, which the chain alone cannot see."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events import checkpoints, ledger, signatures, store
from events.models import Checkpoint
from tests.events.checkpointing import configure, new_key, pem, public, rewrite_from
from tests.events.helpers import things
from tests.events.test_verify_ledger import as_a_dba

pytestmark = pytest.mark.django_db(transaction=True)


def all_links() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain_hash FROM events_ledger ORDER BY position")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    configure(settings, new_key(), tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


def verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_ledger", "--no-seal", "--full", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def history(folder: Path, stream: str) -> dict[str, Any]:
    """Two checkpoints: one before the stream's events, one after them."""
    before = checkpoints.checkpoint_create()
    store.append(stream, things(5), expected_version=0)
    after = checkpoints.checkpoint_create()
    return {"before": before, "after": after, "events": store.read_stream(stream)}


def test_an_intact_log_matches_every_checkpoint(history: dict[str, Any], folder: Path) -> None:
    code, out = verify(str(folder))
    assert code == 0, out
    assert "2 checkpoint(s) match" not in out  # stored and files: four
    assert "4 checkpoint(s) match" in out
    result = ledger.verify(checkpoints.stored(), trusted_keys=checkpoints.trusted_keys())
    assert result.outcome == "intact"
    assert [c.status for c in result.checkpoints] == ["matches", "matches"]


def test_a_full_rewrite_with_a_recomputed_chain_is_a_fork(
    history: dict[str, Any], folder: Path, stream: str
) -> None:
    target = history["events"][1]
    with as_a_dba() as cursor:
        at = rewrite_from(cursor, stream, 2, '{"count":1,"name":"forged"}')
        alone = ledger.verify()  # the chain alone cannot see it
        code, out = verify()
        json_code, json_out = verify("--json")
    assert json_code == 2
    assert at == target.position
    assert alone.failure is None and alone.fork is None  # only the triggers being off show
    assert alone.outcome == "schema_changed"
    assert code == 2
    assert "FORK" in out
    report = json.loads(json_out.split("\n" + "Ledger FORK")[0])
    assert report["outcome"] == "fork"
    fork = report["fork"]
    assert fork["position"] == history["after"].position
    assert fork["after"] == history["before"].position  # it began between the two
    assert history["before"].position < at <= fork["position"]
    statuses = {c["position"]: c["status"] for c in report["checkpoints"]}
    assert statuses == {history["before"].position: "matches", fork["position"]: "fork"}
    # Located to the position: the links the later checkpoint stored give its signed root,
    # and the first of them the log no longer holds is the rewritten event's.
    assert fork["first_difference"] == at
    assert fork["located_by"] == f"database checkpoint #{history['after'].pk}"
    assert f"the first position that differs is {at}" in out


def test_a_fork_is_located_to_its_first_position_wherever_it_lies(
    folder: Path, stream: str
) -> None:
    store.append(stream, things(9), expected_version=0)
    first = checkpoints.checkpoint_create()
    store.append(stream, things(4, start=9), expected_version=9)
    checkpoints.checkpoint_create()
    events = store.read_stream(stream)
    for version in (3, 7, 12):
        with as_a_dba() as cursor:
            at = rewrite_from(cursor, stream, version, '{"count":1,"name":"forged"}')
            result = ledger.verify(checkpoints.stored(), trusted_keys=checkpoints.trusted_keys())
        assert at == events[version - 1].position
        assert result.fork is not None
        assert result.fork.first_difference == at, version
        # The fork shows at the first checkpoint at or after it.
        assert result.fork.position == (
            first.position if at <= first.position else ledger.head()[0]
        )


def test_stored_links_count_only_when_they_give_the_signed_root(
    history: dict[str, Any], folder: Path, stream: str
) -> None:
    after = history["after"]
    assert checkpoints.signed_links(after) == all_links()[after.start : after.position]
    with as_a_dba() as cursor:
        rewrite_from(cursor, stream, 2, '{"count":1,"name":"forged"}')
        # The rewriter also rewrites the links the checkpoint stored: they no longer give the
        # root it signed, so they locate nothing (the fork is still found, between the two).
        forged = b"".join(bytes.fromhex(link) for link in all_links()[after.start : after.position])
        cursor.execute("UPDATE events_checkpoint SET leaves = %s WHERE id = %s", [forged, after.pk])
        stored = Checkpoint.objects.get(pk=after.pk)
        assert checkpoints.signed_links(stored) is None
        result = ledger.verify(checkpoints.stored(), trusted_keys=checkpoints.trusted_keys())
    assert result.fork is not None and result.fork.first_difference is None
    assert result.fork.after == history["before"].position


def test_the_files_expose_a_rewrite_when_the_stored_checkpoints_are_gone(
    history: dict[str, Any], folder: Path, stream: str
) -> None:
    with as_a_dba() as cursor:
        rewrite_from(cursor, stream, 1, '{"count":1,"name":"forged"}')
        Checkpoint.objects.all().delete()
        assert verify()[0] == 4  # nothing left in the database to compare with but triggers
        code, out = verify(str(folder))
    assert code == 2
    assert "FORK" in out


def test_removing_the_newest_events_is_a_fork(
    history: dict[str, Any], folder: Path, stream: str
) -> None:
    events = history["events"]
    assert ledger.head()[0] == events[-1].position  # the stream's events are the newest
    with as_a_dba() as cursor:
        cursor.execute("DELETE FROM events_ledger WHERE position >= %s", [events[3].position])
        cursor.execute("DELETE FROM events_event WHERE stream_id = %s AND version >= 4", [stream])
        alone = ledger.verify()
        result = ledger.verify(checkpoints.stored(), trusted_keys=checkpoints.trusted_keys())
        code, out = verify()
    assert alone.failure is None and alone.outcome == "schema_changed"  # the triggers only
    assert code == 2
    assert result.outcome == "fork"
    assert result.fork is not None and result.fork.position == events[-1].position
    assert result.fork.first_difference == events[3].position  # the first one missing
    assert [c.status for c in result.checkpoints] == ["matches", "truncated"]
    assert "removed" in out


def test_an_edit_is_named_by_its_position_and_later_checkpoints_are_not_reached(
    history: dict[str, Any], stream: str
) -> None:
    target = history["events"][2]
    with as_a_dba() as cursor:
        cursor.execute(
            "UPDATE events_event SET data = %s WHERE stream_id = %s AND version = 3",
            ['{"count":1,"name":"forged"}', stream],
        )
        code, out = verify()
        result = ledger.verify(checkpoints.stored(), trusted_keys=checkpoints.trusted_keys())
    assert code == 1
    assert f"position {target.position}" in out
    assert result.outcome == "bad_position"
    assert [c.status for c in result.checkpoints] == ["matches", "not_reached"]


def test_a_tampered_checkpoint_file_is_reported(history: dict[str, Any], folder: Path) -> None:
    path = folder / history["after"].file_name
    signed = json.loads(path.read_text())
    signed["statement"]["position"] += 1
    path.write_text(json.dumps(signed))
    (folder / "garbage.json").write_text("{not json")
    code, out = verify(str(folder))
    assert code == 3
    assert "invalid" in out
    assert f"{history['after'].file_name} at position" in out
    result = ledger.verify(checkpoints.read_files([folder]), trusted_keys=None)
    statuses = sorted(c.status for c in result.checkpoints)
    assert statuses == ["invalid", "invalid", "matches"]


def test_a_checkpoint_signed_by_another_key_is_untrusted(
    history: dict[str, Any], tmp_path: Path
) -> None:
    intruder = new_key()
    statement = dict(checkpoints.signed_of(history["after"])["statement"])
    statement["key_id"] = signatures.key_id(public(intruder))
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(signatures.sign(intruder, statement)))
    code, out = verify(str(forged))
    assert code == 3
    assert "untrusted" in out
    # Trusting that key explicitly makes it count (and it matches: same head).
    assert verify(str(forged), "--public-key", public(intruder))[0] == 0


def test_a_former_key_stays_trusted_when_configured(
    history: dict[str, Any], folder: Path, settings: Any
) -> None:
    former = checkpoints.signing_key()
    assert former is not None
    settings.EVENTS_CHECKPOINT_KEY = pem(new_key())
    assert verify()[0] == 3  # the stored checkpoints' key is no longer trusted
    settings.EVENTS_CHECKPOINT_TRUSTED_KEYS = [public(former)]
    assert verify()[0] == 0
