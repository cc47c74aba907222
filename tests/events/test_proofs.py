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
    assert "VERIFIED against the log signed at position" in result.stdout
    assert f"{stream}: versions 1 to 3, complete up to position" in result.stdout
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
    """Sign the stream index and the manifest again over the bundle as it now is (a forger
    holding ``key``)."""
    index = dict(bundle["stream_index"]["statement"]["statement"])
    index["checkpoint"] = signatures.digest(bundle["checkpoint"]["statement"])
    index["key_id"] = signatures.key_id(public(key))
    bundle["stream_index"]["statement"] = signatures.sign(key, index)
    statement = dict(bundle["manifest"]["statement"])
    statement["events"] = [[e["position"], e["hash"]] for e in bundle["events"]]
    statement["anchors"] = [[a["position"], a["link"]] for a in bundle["anchors"]]
    statement["checkpoint"] = signatures.digest(bundle["checkpoint"]["statement"])
    statement["stream_index"] = signatures.digest(index)
    statement["streams"] = [e["stream_id"] for e in bundle["stream_index"]["streams"]]
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


# ------------------------------------------------------------------ completeness


def stream_id_with_key(prefix: str) -> str:
    """A stream id whose index key starts with ``prefix`` (below or above every other)."""
    n = 0
    while not verifier.stream_key(f"thing-edge-{prefix}-{n}").startswith(prefix):
        n += 1
    return f"thing-edge-{prefix}-{n}"


def test_a_bundle_proves_its_stream_complete_up_to_the_checkpoint(
    bundle: dict[str, Any], key: Any, stream: str
) -> None:
    summary = verifier.check_bundle(bundle, trusted(key), streams=[stream])
    assert summary["complete"] == {stream: bundle["events"][-1]["position"]}
    assert f"{stream}x" not in json.dumps(bundle)  # the interleaved stream stays unnamed
    size = bundle["checkpoint"]["statement"]["position"]
    leaves, tree = proofs.stream_index(size)  # the signed index is the log's own
    statement = bundle["stream_index"]["statement"]["statement"]
    assert (statement["root"], statement["streams"]) == (tree.root(), len(leaves))
    store.append(stream, things(1, start=7), expected_version=7)
    again = proofs.bundle_build(proofs.subject_for("stream", stream))
    if again["checkpoint"] == bundle["checkpoint"]:  # one checkpoint, one index statement
        assert again["stream_index"]["statement"] == bundle["stream_index"]["statement"]


def test_a_newest_event_left_out_is_refused_even_with_a_resigned_manifest(
    bundle: dict[str, Any], key: Any
) -> None:
    # The manifest alone is the operator's word: the signed stream index is not.
    del bundle["events"][-1]
    rejects(resign(bundle, key), key, "leaves later events out")


def test_a_stream_with_events_cannot_pass_for_empty(bundle: dict[str, Any], key: Any) -> None:
    entry = bundle["stream_index"]["streams"][0]
    at, size = entry["index"], bundle["stream_index"]["statement"]["statement"]["streams"]
    leaves, tree = proofs.stream_index(bundle["checkpoint"]["statement"]["position"])

    def leaf(i: int) -> dict[str, Any]:
        return {
            "index": i,
            "key": leaves[i][:64],
            "entry": leaves[i][64:],
            "proof": tree.inclusion_proof(i),
        }

    bundle["events"] = []
    for left, right in [(at - 1, at + 1), (at, at + 1), (at - 1, at)]:
        forged = copy.deepcopy(bundle)
        forged["stream_index"]["streams"][0] = {
            "stream_id": entry["stream_id"],
            "absent": {
                "left": leaf(left) if 0 <= left < size else None,
                "right": leaf(right) if 0 <= right < size else None,
            },
        }
        rejects(resign(forged, key), key, "not adjacent|do not enclose")


def test_an_empty_stream_is_proven_empty_and_said_plainly(
    key: Any, stream: str, tmp_path: Path
) -> None:
    store.append(f"{stream}x", things(1), expected_version=0)  # a log that is not empty
    for empty in [stream, stream_id_with_key("0000"), stream_id_with_key("ffff")]:
        bundle = proofs.bundle_build(proofs.subject_for("stream", empty))
        summary = verifier.check_bundle(bundle, trusted(key), streams=[empty])
        assert summary["events"] == 0 and summary["complete"] == {empty: 0}
    out = tmp_path / "empty.json"
    call_command("export_proof", "--stream", stream, "--out", str(out), stderr=StringIO())
    (tmp_path / "key.pub").write_text(public(key))
    result = run_verifier(tmp_path, str(out), "--public-key", "key.pub", "--stream", stream)
    assert result.returncode == 0, result.stderr
    size = json.loads(out.read_text())["checkpoint"]["statement"]["position"]
    assert f"{stream}: no events up to position {size}" in result.stdout
    assert "0 event(s)" not in result.stdout


def test_an_empty_stream_bundle_must_carry_its_absence_proof(key: Any, stream: str) -> None:
    bundle = proofs.bundle_build(proofs.subject_for("stream", stream))
    bundle["stream_index"]["streams"] = []
    rejects(resign(bundle, key), key, "does not prove every stream its subject names")


def test_an_empty_stream_bundle_cannot_hide_events(bundle: dict[str, Any], key: Any) -> None:
    entry = bundle["stream_index"]["streams"][0]
    neighbour = {k: entry[k] for k in ("index", "key", "entry", "proof")}
    bundle["events"] = []
    bundle["stream_index"]["streams"][0] = {
        "stream_id": entry["stream_id"],
        "absent": {"left": None, "right": neighbour},
    }
    rejects(resign(bundle, key), key, "not adjacent|do not enclose")


def test_the_verifier_refuses_a_stream_the_bundle_does_not_prove(
    bundle: dict[str, Any], key: Any, stream: str, tmp_path: Path
) -> None:
    with pytest.raises(verifier.Invalid, match=f"does not prove stream {stream}x"):
        verifier.check_bundle(bundle, trusted(key), streams=[f"{stream}x"])
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    (tmp_path / "key.pub").write_text(public(key))
    other = run_verifier(tmp_path, str(path), "--public-key", "key.pub", "--stream", "thing-y")
    assert other.returncode == 1 and "does not prove stream thing-y" in other.stderr
    own = run_verifier(tmp_path, str(path), "--public-key", "key.pub", "--stream", stream)
    assert own.returncode == 0, own.stderr


def test_a_stream_index_entry_dropped_or_swapped_is_refused(
    bundle: dict[str, Any], key: Any, stream: str
) -> None:
    dropped = copy.deepcopy(bundle)
    dropped["stream_index"]["streams"] = []
    rejects(dropped, key, "not the ones the manifest lists")
    rejects(resign(dropped, key), key, "a stream the stream index does not prove")
    swapped = copy.deepcopy(bundle)
    swapped["stream_index"]["streams"][0]["stream_id"] = f"{stream}x"
    rejects(resign(swapped, key), key, "another stream's")
    forged = copy.deepcopy(bundle)
    forged["stream_index"]["statement"]["statement"]["root"] = "0" * 64
    rejects(forged, key, "stream index: the signature does not match")


def test_an_older_bundle_proves_inclusion_only(bundle: dict[str, Any], key: Any, stream: str):
    bundle["format"] = verifier.INCLUSION_ONLY_FORMAT
    del bundle["stream_index"]
    summary = verifier.check_bundle(bundle, trusted(key))
    assert summary["events"] == 7 and summary["complete"] == {}
    with pytest.raises(verifier.Invalid, match="older format proves inclusion only"):
        verifier.check_bundle(bundle, trusted(key), streams=[stream])


def test_a_false_index_signed_by_our_key_passes_offline_and_the_log_refutes_it(
    bundle: dict[str, Any], key: Any, tmp_path: Path
) -> None:
    # The key holder drops the stream's newest event and signs an index that agrees.
    size = bundle["checkpoint"]["statement"]["position"]
    leaves, _ = proofs.stream_index(size)
    entry = bundle["stream_index"]["streams"][0]
    del bundle["events"][-1]
    last = bundle["events"][-1]
    at = entry["index"]
    leaves[at] = entry["key"] + verifier.stream_entry(
        last["version"], last["position"], last["link"]
    )
    tree = merkle.Tree(leaves)
    entry.update(entry=leaves[at][64:], proof=tree.inclusion_proof(at))
    bundle["stream_index"]["statement"]["statement"]["root"] = tree.root()
    resign(bundle, key)
    assert verifier.check_bundle(bundle, trusted(key))["events"] == 6  # offline: our word
    path = tmp_path / "false.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(CommandError, match=r"stream index signed for position \d+ is not the log"):
        call_command("export_proof", "--check", str(path), stdout=StringIO())


def test_the_log_agrees_with_an_honest_bundle(bundle: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    out = StringIO()
    call_command("export_proof", "--check", str(path), stdout=out)
    assert "this log agrees with its checkpoint and stream index" in out.getvalue()
