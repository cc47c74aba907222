"""Proof bundles: export_proof writes them, ``python -m events.verify`` checks them offline
without Django, and refuses every forgery we can think of."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import hashing, ledger, merkle, proofs, signatures, store
from events import verify as verifier
from tests.events.checkpointing import configure, new_key, public
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def key(settings: Any, tmp_path: Path) -> Any:
    key = new_key()
    configure(settings, key, tmp_path / "checkpoints")
    return key


@pytest.fixture
def bundle(key: Any, stream: str) -> dict[str, Any]:
    store.append(stream, things(4), expected_version=0)
    store.append(f"{stream}x", things(2), expected_version=0)  # interleaved, not in the bundle
    store.append(stream, things(3, start=4), expected_version=4)
    return proofs.bundle_build(proofs.subject_for("stream", stream))


def trusted(key: Any) -> set[str]:
    return {signatures.key_id(public(key))}


def test_a_stream_bundle_verifies(bundle: dict[str, Any], key: Any, stream: str) -> None:
    summary = verifier.check_bundle(bundle, trusted(key))
    assert summary["events"] == 7
    assert summary["streams"] == {stream: 7}
    assert [e["version"] for e in bundle["events"]] == list(range(1, 8))
    size = bundle["checkpoint"]["statement"]["position"]
    assert all(len(e["proof"]) <= size.bit_length() for e in bundle["events"])


def test_the_command_writes_a_bundle_the_standalone_verifier_accepts(
    key: Any, stream: str, tmp_path: Path
) -> None:
    store.append(stream, things(3), expected_version=0)
    out = tmp_path / "bundle.json"
    call_command("export_proof", "--stream", stream, "--out", str(out), stderr=StringIO())
    (tmp_path / "key.pub").write_text(public(key))
    result = run_verifier(tmp_path, str(out), "--public-key", str(tmp_path / "key.pub"))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "VERIFIED: 3 event(s) of 1 stream(s)" in result.stdout
    other = run_verifier(tmp_path, str(out), "--public-key", public(new_key()))
    assert other.returncode == 1
    assert "not trusted" in other.stderr
    assert run_verifier(tmp_path, str(out)).returncode == 2  # no key given: a usage error


def run_verifier(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """In a clean environment where importing Django fails: the verifier must not need it."""
    poison = tmp_path / "poison" / "django"
    poison.mkdir(parents=True, exist_ok=True)
    (poison / "__init__.py").write_text("raise ImportError('the verifier imported Django')\n")
    return subprocess.run(
        [sys.executable, "-m", "events.verify", *args],
        env={"PYTHONPATH": f"{poison.parent}:{ROOT}", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_verifier_imports_no_django(tmp_path: Path) -> None:
    code = (
        "import sys, events.verify; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'tracker', "
        "'compliance', 'psycopg', 'pydantic')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_no_key_no_bundle(settings: Any, stream: str) -> None:
    settings.EVENTS_CHECKPOINT_KEY = settings.EVENTS_CHECKPOINT_KEY_FILE = ""
    store.append(stream, things(1), expected_version=0)
    with pytest.raises(CommandError, match="No checkpoint key"):
        call_command("export_proof", "--stream", stream, stdout=StringIO())


# ------------------------------------------------------------------ forgeries


def resign(bundle: dict[str, Any], key: Any) -> dict[str, Any]:
    """Sign the manifest again over the bundle as it now is (a forger holding ``key``)."""
    statement = dict(bundle["manifest"]["statement"])
    statement["events"] = [[e["position"], e["hash"]] for e in bundle["events"]]
    statement["anchors"] = [[a["position"], a["link"]] for a in bundle["anchors"]]
    statement["checkpoint"] = signatures.digest(bundle["checkpoint"]["statement"])
    statement["key_id"] = signatures.key_id(public(key))
    bundle["manifest"] = signatures.sign(key, statement)
    return bundle


def rehash(event: dict[str, Any]) -> None:
    event["hash"] = hashing.event_hash(
        event_id=event["event_id"],
        stream_id=event["stream_id"],
        stream_type=event["stream_type"],
        version=event["version"],
        type=event["type"],
        schema_version=event["schema_version"],
        occurred_at=verifier._time(event["occurred_at"], "t"),
        recorded_at=verifier._time(event["recorded_at"], "t"),
        data_json=event["data"],
        metadata_json=event["metadata"],
    )
    event["link"] = hashing.chain_hash(event["previous_link"], event["hash"])


def rejects(bundle: dict[str, Any], key: Any, match: str) -> None:
    with pytest.raises(verifier.Invalid, match=match):
        verifier.check_bundle(bundle, trusted(key))


def test_a_forged_payload_does_not_match_its_hash(bundle: dict[str, Any], key: Any) -> None:
    bundle["events"][2]["data"] = bundle["events"][2]["data"].replace("thing-2", "forged")
    rejects(bundle, key, "content does not match its hash")


def test_a_forged_payload_with_its_hash_recomputed_does_not_match_the_manifest(
    bundle: dict[str, Any], key: Any
) -> None:
    event = bundle["events"][2]
    event["data"] = event["data"].replace("thing-2", "forged")
    rehash(event)
    rejects(bundle, key, "not the ones the manifest lists")


def test_a_forged_event_with_a_resigned_manifest_fails_its_inclusion_proof(
    bundle: dict[str, Any], key: Any
) -> None:
    # Even the operator's own key cannot make a changed event fit the signed checkpoint.
    event = bundle["events"][2]
    event["data"] = event["data"].replace("thing-2", "forged")
    rehash(event)
    rejects(resign(bundle, key), key, "does not lead to the checkpoint's root")


def test_a_forged_occurred_at_in_another_form_is_refused(bundle: dict[str, Any], key: Any):
    event = bundle["events"][0]
    event["occurred_at"] = event["occurred_at"].replace("Z", "+00:00")
    rejects(bundle, key, "occurred_at")


def test_reordered_events_are_refused(bundle: dict[str, Any], key: Any) -> None:
    events = bundle["events"]
    events[1], events[2] = events[2], events[1]
    rejects(bundle, key, "manifest lists")
    rejects(resign(bundle, key), key, "do not increase|version 3 follows 1")


def test_events_moved_to_other_positions_are_refused(bundle: dict[str, Any], key: Any) -> None:
    events = bundle["events"]
    events[1]["position"], events[2]["position"] = events[2]["position"], events[1]["position"]
    events[1], events[2] = events[2], events[1]  # in order again, each with its own proof
    rejects(resign(bundle, key), key, "inclusion proof")


def test_an_event_dropped_from_the_middle_is_refused(bundle: dict[str, Any], key: Any) -> None:
    del bundle["events"][3]
    rejects(bundle, key, "manifest lists")
    rejects(resign(bundle, key), key, "version 5 follows 3")


def test_a_truncated_bundle_is_refused(bundle: dict[str, Any], key: Any, tmp_path: Path):
    shortened = copy.deepcopy(bundle)
    del shortened["events"][-1]  # the stream's newest event left out
    rejects(shortened, key, "manifest lists")
    cut = copy.deepcopy(bundle)
    cut["events"][0]["proof"].pop()
    rejects(cut, key, "too short")
    text = json.dumps(bundle)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    (tmp_path / "k").write_text(public(key))
    assert verifier.main([str(path), "--public-key", str(tmp_path / "k")]) == 1


def test_a_bundle_signed_by_another_key_is_refused(bundle: dict[str, Any], key: Any) -> None:
    intruder = new_key()
    statement = dict(bundle["checkpoint"]["statement"])
    statement["key_id"] = signatures.key_id(public(intruder))
    bundle["checkpoint"] = signatures.sign(intruder, statement)
    resign(bundle, intruder)
    rejects(bundle, key, "not trusted")
    assert verifier.check_bundle(bundle, None)["events"] == 7  # only self-consistent


def test_a_manifest_signed_by_another_key_is_refused(bundle: dict[str, Any], key: Any) -> None:
    rejects(resign(bundle, new_key()), key, "not signed by the checkpoint's key")


def test_a_tampered_checkpoint_is_refused(bundle: dict[str, Any], key: Any) -> None:
    for name, value in [("position", 10**9), ("merkle_root", "0" * 64), ("chain_hash", "1" * 64)]:
        tampered = copy.deepcopy(bundle)
        tampered["checkpoint"]["statement"][name] = value
        rejects(tampered, key, "checkpoint: the signature does not match")
    swapped = copy.deepcopy(bundle)
    swapped["checkpoint"]["public_key"] = public(new_key())
    rejects(swapped, key, "checkpoint:")


def test_another_subject_is_refused(bundle: dict[str, Any], key: Any) -> None:
    bundle["subject"] = {"kind": "stream", "stream_ids": ["thing-other"]}
    rejects(bundle, key, "another subject")


def test_an_anchor_proves_a_pinned_position(key: Any, stream: str) -> None:
    store.append(stream, things(3), expected_version=0)
    ledger.seal()
    recorded = store.read_stream(stream)
    at = recorded[1].position
    assert at is not None
    link = merkle_link(at)
    subject = proofs.Subject(
        {"kind": "pin", "position": at, "chain_hash": link}, stream_ids=[], anchors=[at]
    )
    bundle = proofs.bundle_build(subject)
    assert verifier.check_bundle(bundle, trusted(key))["anchors"] == [at]
    bundle["subject"]["chain_hash"] = "2" * 64  # a report claiming another chain hash
    statement = dict(bundle["manifest"]["statement"], subject=bundle["subject"])
    bundle["manifest"] = signatures.sign(key, statement)
    rejects(bundle, key, "pinned position")


def merkle_link(position: int) -> str:
    return proofs._links(position)[-1]


def test_the_tree_root_matches_the_checkpoint(bundle: dict[str, Any]) -> None:
    size = bundle["checkpoint"]["statement"]["position"]
    assert merkle.root_of(proofs._links(size)) == bundle["checkpoint"]["statement"]["merkle_root"]
