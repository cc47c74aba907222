"""Proof bundles: a self-contained JSON file that proves, offline, that some events (a
stream's) and some chain links (a report's pinned position) are in the log a signed
checkpoint covers, unaltered and at their positions. Checked by ``python -m events.verify``
(standard library and ``cryptography`` only). Format and choices:
docs/decisions/0008-proofs-merkle-over-chain.md; step by step: docs/ledger.md.

A bundle holds:

- ``checkpoint``: a signed checkpoint (position p, chain hash, Merkle root over links 1..p);
- ``events``: each event's content exactly as hashed, its hash, the chain link before it and
  its own link, and an inclusion proof of that link in the tree of p leaves (log2(p) hashes);
- ``anchors``: bare chain links with inclusion proofs (a report's pinned position);
- ``stream_index``: the stream index at p, signed by the same key (every stream's last
  version, position and link up to p, as sorted leaves of a Merkle tree; see
  :func:`stream_index`), and for each stream of the subject its leaf with an inclusion proof,
  or the two adjacent leaves that prove it has none: what makes the bundle complete;
- ``manifest``: a statement signed by the same key listing the subject, the checkpoint's
  digest, the stream index's digest and the streams it proves, and every event and anchor
  (position, hash): a bundle with events left out, reordered or added does not match it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from events import checkpoints, hashing, ledger, merkle, signatures, verify
from events.models import Checkpoint

BUNDLE_FORMAT = verify.BUNDLE_FORMAT


class ProofError(Exception):
    """No bundle can be made (no key, an unknown subject, a log that changed)."""


@dataclass
class Subject:
    """What a bundle proves: a description (signed in the manifest), the streams whose events
    it carries, and bare positions whose links it proves."""

    description: dict[str, Any]
    stream_ids: list[str] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)


def subject_for(kind: str, identifier: str) -> Subject:
    """A subject by kind: ``stream`` here, others from ``EVENTS_PROOF_SUBJECTS``."""
    if kind == "stream":
        return Subject({"kind": "stream", "stream_ids": [identifier]}, [identifier])
    path = settings.EVENTS_PROOF_SUBJECTS.get(kind)
    if path is None:
        raise ProofError(f"No proof subject of kind {kind!r}.")
    module, _, name = path.rpartition(".")
    resolve = getattr(import_module(module), name)
    subject: Subject = resolve(identifier)
    return subject


def _covering_checkpoint(key_id: str, needed: int) -> Checkpoint:
    """The newest checkpoint this key signed, when it covers ``needed``; else a new one."""
    latest = Checkpoint.objects.filter(key_id=key_id).order_by("-position", "-id").first()
    if latest is not None and latest.position >= needed:
        return latest
    return checkpoints.checkpoint_create()


def _links(upto: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chain_hash FROM events_ledger WHERE position <= %s ORDER BY position", [upto]
        )
        return [row[0] for row in cursor.fetchall()]


def _stream_rows(stream_ids: Sequence[str], upto: int) -> list[Sequence[Any]]:
    text = "::text" if connection.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * len(stream_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.position, l.chain_hash, e.seq, e.event_id, e.stream_id, e.stream_type, "
            "e.version, e.type, e.schema_version, e.occurred_at, e.recorded_at, "
            f"e.data{text}, e.metadata{text}, e.hash "
            "FROM events_event e JOIN events_ledger l ON l.event_seq = e.seq "
            f"WHERE e.stream_id IN ({marks}) AND l.position <= %s ORDER BY l.position",
            [*stream_ids, upto],
        )
        return list(cursor.fetchall())


def _stream_heads(upto: int) -> list[Sequence[Any]]:
    """Each stream's last event up to ``upto``: stream id, version, position, chain link."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.stream_id, e.version, l.position, l.chain_hash "
            "FROM events_ledger l JOIN events_event e ON e.seq = l.event_seq "
            "WHERE l.position IN (SELECT MAX(l2.position) FROM events_ledger l2 "
            "JOIN events_event e2 ON e2.seq = l2.event_seq WHERE l2.position <= %s "
            "GROUP BY e2.stream_id)",
            [upto],
        )
        return list(cursor.fetchall())


def stream_index(upto: int) -> tuple[list[str], merkle.Tree]:
    """The stream index of the log up to ``upto``: one leaf per stream, ``key || entry``
    (:func:`events.verify.stream_key` and :func:`~events.verify.stream_entry`: hashes of the
    id and of its last version, position and link), sorted by key, and its Merkle tree (RFC
    6962 hashing, as the chain's). A function of the log alone: the same at the same
    position, whoever computes it, so a signed one can be checked against the log."""
    leaves = sorted(
        verify.stream_key(stream_id) + verify.stream_entry(version, position, link)
        for stream_id, version, position, link in _stream_heads(upto)
    )
    return leaves, merkle.Tree(leaves)


def _index_proofs(
    stream_ids: Sequence[str], leaves: list[str], tree: merkle.Tree
) -> list[dict[str, Any]]:
    """For each stream, its leaf and inclusion proof, or the adjacent leaves around where its
    key would be (its absence)."""
    keys = [leaf[:64] for leaf in leaves]

    def leaf(at: int) -> dict[str, Any]:
        return {
            "index": at,
            "key": keys[at],
            "entry": leaves[at][64:],
            "proof": tree.inclusion_proof(at),
        }

    proofs = []
    for stream_id in sorted(set(stream_ids)):
        key = verify.stream_key(stream_id)
        at = bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            proofs.append({"stream_id": stream_id, **leaf(at)})
        else:
            left = leaf(at - 1) if at > 0 else None
            right = leaf(at) if at < len(keys) else None
            proofs.append({"stream_id": stream_id, "absent": {"left": left, "right": right}})
    return proofs


def bundle_build(subject: Subject) -> dict[str, Any]:
    """Seal, pick (or make) a checkpoint that covers the subject, and assemble the bundle.
    The signing key must be configured: the manifest is signed with it."""
    key = checkpoints.signing_key()
    if key is None:
        raise ProofError("No checkpoint key: set EVENTS_CHECKPOINT_KEY or its _FILE.")
    public = signatures.public_text(key.public_key())
    ledger.seal()
    head, _ = ledger.head()
    needed = max([0, *subject.anchors])
    if subject.stream_ids:
        rows = _stream_rows(subject.stream_ids, head)
        needed = max([needed, *(int(r[0]) for r in rows)])
    if needed > head:
        raise ProofError(f"Position {needed} is beyond the ledger's head {head}.")
    checkpoint = _covering_checkpoint(signatures.key_id(public), needed)
    size = checkpoint.position
    links = _links(size)
    tree = merkle.Tree(links)
    if tree.size != size or tree.root() != checkpoint.merkle_root:
        raise ProofError(
            f"The ledger no longer matches checkpoint #{checkpoint.pk}: run verify_ledger."
        )
    events = []
    for row in _stream_rows(subject.stream_ids, size) if subject.stream_ids else []:
        position = int(row[0])
        if ledger._content_hash(row[2:13]) != row[13]:
            raise ProofError(f"The event at position {position} does not match its hash.")
        events.append(
            {
                "position": position,
                "event_id": ledger._uuid_text(row[3]),
                "stream_id": row[4],
                "stream_type": row[5],
                "version": row[6],
                "type": row[7],
                "schema_version": row[8],
                "occurred_at": hashing.format_time(_time(row[9])),
                "recorded_at": hashing.format_time(_time(row[10])),
                "data": row[11],
                "metadata": row[12],
                "hash": row[13],
                "previous_link": links[position - 2] if position > 1 else hashing.GENESIS,
                "link": links[position - 1],
                "proof": tree.inclusion_proof(position - 1, size),
            }
        )
    anchors = [
        {
            "position": at,
            "link": links[at - 1],
            "proof": tree.inclusion_proof(at - 1, size),
        }
        for at in sorted(set(subject.anchors))
        if at >= 1
    ]
    signed_checkpoint = checkpoints.signed_of(checkpoint)
    leaves, index_tree = stream_index(size)
    index = {  # no time in it: one checkpoint, one statement, byte for byte
        "format": verify.STREAM_INDEX_FORMAT,
        "checkpoint": signatures.digest(signed_checkpoint["statement"]),
        "position": size,
        "streams": index_tree.size,
        "root": index_tree.root(),
        "key_id": signatures.key_id(public),
    }
    entries = _index_proofs(subject.stream_ids, leaves, index_tree)
    manifest = {
        "format": signatures.MANIFEST_FORMAT,
        "subject": subject.description,
        "checkpoint": signatures.digest(signed_checkpoint["statement"]),
        "stream_index": signatures.digest(index),
        "streams": [e["stream_id"] for e in entries],
        "events": [[e["position"], e["hash"]] for e in events],
        "anchors": [[a["position"], a["link"]] for a in anchors],
        "created_at": hashing.format_time(timezone.now()),
        "key_id": signatures.key_id(public),
    }
    return {
        "format": BUNDLE_FORMAT,
        "subject": subject.description,
        "checkpoint": signed_checkpoint,
        "manifest": signatures.sign(key, manifest),
        "stream_index": {"statement": signatures.sign(key, index), "streams": entries},
        "events": events,
        "anchors": anchors,
    }


def bundle_refuted(bundle: dict[str, Any]) -> str | None:
    """What in this log refutes a bundle (run ``events.verify`` on it first): the Merkle root
    of the links up to its checkpoint, and the stream index signed for that position. None
    when the log agrees."""
    size = bundle["checkpoint"]["statement"]["position"]
    links = _links(size)
    if (
        len(links) != size
        or merkle.root_of(links) != bundle["checkpoint"]["statement"]["merkle_root"]
    ):
        return f"the log up to position {size} is not the one its checkpoint signed"
    if "stream_index" in bundle:
        index = bundle["stream_index"]["statement"]["statement"]
        _, tree = stream_index(size)
        if (index["root"], index["streams"]) != (tree.root(), tree.size):
            return f"the stream index signed for position {size} is not the log's"
    return None


def _time(value: Any) -> Any:
    from events.backends import sqlite

    return sqlite.from_db(value)
