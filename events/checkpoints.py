"""Signed checkpoints of the ledger's head, kept in the database and written out of it.

A checkpoint states: the ledger's position, the chain hash there, the Merkle root over the
chain links 1..position (events/merkle.py), when, and which key signed (Ed25519, the key
from ``EVENTS_CHECKPOINT_KEY`` or ``EVENTS_CHECKPOINT_KEY_FILE``, never stored). Before
signing, the checkpointer recomputes every event hash and link since the previous valid
checkpoint, so it never signs a log that does not extend what it signed before.

Each checkpoint is stored in ``events_checkpoint`` and written to ``EVENTS_CHECKPOINT_DIR``
as one JSON file: ``{"statement": {...}, "signature", "public_key"}``. Whoever rewrites the
database cannot reach the files (keep that folder on other storage, or copy it away);
``verify_ledger`` compares the log with both. See docs/ledger.md.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from events import hashing, ledger, merkle, signatures
from events.models import Checkpoint

logger = logging.getLogger(__name__)


class CheckpointError(Exception):
    """No checkpoint could be made (no key, or a log that does not extend the last one)."""


def signing_key() -> Ed25519PrivateKey | None:
    """The configured signing key, or None when checkpoints are not configured."""
    value = settings.EVENTS_CHECKPOINT_KEY
    path = settings.EVENTS_CHECKPOINT_KEY_FILE
    if value and path:
        raise CheckpointError("Set EVENTS_CHECKPOINT_KEY or EVENTS_CHECKPOINT_KEY_FILE, not both.")
    if path:
        try:
            value = Path(path).read_text()
        except OSError as exc:
            raise CheckpointError(f"EVENTS_CHECKPOINT_KEY_FILE cannot be read: {exc}") from None
    if not value:
        return None
    try:
        return signatures.load_private_key(value)
    except signatures.BadKeyError as exc:
        raise CheckpointError(f"The checkpoint key is unusable: {exc}") from None


def trusted_keys(extra: Iterable[str] = ()) -> list[str] | None:
    """Public keys (base64) whose checkpoints count: the signing key's, the configured former
    keys and ``extra``; None when none is configured (signatures are then only checked
    against the keys the checkpoints name, and verify_ledger warns)."""
    keys = [
        signatures.public_text(signatures.load_public_key(k))
        for k in [*settings.EVENTS_CHECKPOINT_TRUSTED_KEYS, *extra]
    ]
    key = signing_key()
    if key is not None:
        keys.append(signatures.public_text(key.public_key()))
    return keys or None


def statement_of(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "format": signatures.CHECKPOINT_FORMAT,
        "position": checkpoint.position,
        "chain_hash": checkpoint.chain_hash,
        "merkle_root": checkpoint.merkle_root,
        "created_at": hashing.format_time(checkpoint.created_at),
        "key_id": checkpoint.key_id,
    }


def signed_of(checkpoint: Checkpoint) -> dict[str, Any]:
    """The checkpoint as it is written to its file and put into proof bundles."""
    return {
        "statement": statement_of(checkpoint),
        "signature": checkpoint.signature,
        "public_key": checkpoint.public_key,
    }


def _previous(key_text: str, head: int) -> Checkpoint | None:
    """The newest stored checkpoint this key signed that still checks out, at or below head."""
    candidates = Checkpoint.objects.filter(
        key_id=signatures.key_id(key_text), position__lte=head
    ).order_by("-position", "-id")
    for checkpoint in candidates[:20]:
        if (
            signatures.check(signed_of(checkpoint), expected_format=signatures.CHECKPOINT_FORMAT)
            is None
            and checkpoint.public_key == key_text
        ):
            compact = merkle.CompactRange(checkpoint.position, checkpoint.frontier)
            if compact.root() == checkpoint.merkle_root:
                return checkpoint
    return None


def _extend(previous: Checkpoint | None, head: int) -> tuple[str, merkle.CompactRange, list[str]]:
    """Recompute hashes and links from ``previous`` to ``head``; the chain hash and the
    Merkle tree's compact range at ``head``, and the links after ``previous``. Raise when the
    log does not extend it."""
    if previous is None:
        chain, compact, after = hashing.GENESIS, merkle.CompactRange(), 0
    else:
        chain, after = previous.chain_hash, previous.position
        compact = merkle.CompactRange(previous.position, previous.frontier)
    links: list[str] = []
    with connection.cursor() as cursor:
        for row in ledger._ledger_rows(cursor, after=after, upto=head):
            position, link, seq, stored_hash = row[0], row[1], row[2], row[13]
            if position != compact.size + 1 or seq is None:
                raise CheckpointError(f"Ledger position {compact.size + 1} is missing.")
            if ledger._content_hash(row[2:13]) != stored_hash:
                raise CheckpointError(f"The event at position {position} does not match its hash.")
            chain = hashing.chain_hash(chain, stored_hash)
            if chain != link:
                raise CheckpointError(
                    f"The chain link at position {position} does not extend the last checkpoint."
                )
            compact.append(link)
            links.append(link)
    if compact.size != head:
        raise CheckpointError(f"The ledger ends at {compact.size}, not at its head {head}.")
    return chain, compact, links


def checkpoint_create(
    *, key: Ed25519PrivateKey | None = None, directory: Path | None = None
) -> Checkpoint:
    """Seal what has committed, then sign, store and write out a checkpoint of the head.

    Raise :class:`CheckpointError` when no key is configured or the log does not extend the
    last checkpoint this key signed (someone changed it: run verify_ledger)."""
    key = key or signing_key()
    if key is None:
        raise CheckpointError(
            "No checkpoint key: set EVENTS_CHECKPOINT_KEY or EVENTS_CHECKPOINT_KEY_FILE."
        )
    ledger.seal()
    head, _ = ledger.head()
    public = signatures.public_text(key.public_key())
    previous = _previous(public, head)
    chain, compact, links = _extend(previous, head)
    checkpoint = Checkpoint(
        position=head,
        chain_hash=chain,
        merkle_root=compact.root(),
        created_at=timezone.now(),
        key_id=signatures.key_id(public),
        public_key=public,
        frontier=compact.as_hex(),
        start=previous.position if previous else 0,
        start_frontier=previous.frontier if previous else [],
        leaves=b"".join(bytes.fromhex(link) for link in links),
    )
    signed = signatures.sign(key, statement_of(checkpoint))
    checkpoint.signature = signed["signature"]
    folder = Path(directory or settings.EVENTS_CHECKPOINT_DIR)
    checkpoint.file_name = file_name(checkpoint)
    # The file first: a checkpoint in the database always has its copy outside.
    write_file(signed, folder / checkpoint.file_name)
    with transaction.atomic():
        checkpoint.save()
    logger.info(
        "Checkpoint at position %s (chain hash %s, key %s) written to %s",
        checkpoint.position,
        checkpoint.chain_hash,
        checkpoint.key_id,
        folder / checkpoint.file_name,
    )
    return checkpoint


def file_name(checkpoint: Checkpoint) -> str:
    stamp = checkpoint.created_at.strftime("%Y%m%dT%H%M%S%fZ")
    return f"checkpoint-{checkpoint.position:012d}-{stamp}-{checkpoint.key_id}.json"


def write_file(signed: dict[str, Any], path: Path) -> None:
    """Write atomically (a temporary file, fsync, rename): a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="ascii") as handle:
        json.dump(signed, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def read_files(paths: Iterable[str | Path]) -> list[tuple[str, Any]]:
    """``(file name, parsed JSON)`` for each file, and each ``*.json`` of each directory. A
    file that is not JSON comes back as None (an invalid checkpoint, reported as such)."""
    found: list[tuple[str, Any]] = []
    for raw in paths:
        path = Path(raw)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for item in files:
            try:
                found.append((str(item), json.loads(item.read_text())))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                found.append((str(item), {"error": str(exc)}))
    return found


def stored() -> list[tuple[str, dict[str, Any]]]:
    """Every checkpoint in the database, as ``(source, signed statement)`` (without the links
    it keeps, up to 32 MB each: the statements do not need them)."""
    rows = Checkpoint.objects.defer("leaves", "start_frontier")
    return [(f"database checkpoint #{c.pk}", signed_of(c)) for c in rows]


def covering(position: int, *, made_by: datetime | None = None) -> Checkpoint | None:
    """The first checkpoint that covers ``position`` (signed at or after it), made by
    ``made_by`` if given: once it exists it never changes, so a report can cite it."""
    query = Checkpoint.objects.filter(position__gte=position)
    if made_by is not None:
        query = query.filter(created_at__lte=made_by)
    return query.order_by("position", "id").first()


def signed_links(checkpoint: Checkpoint) -> list[str] | None:
    """The chain links the checkpoint stored for positions ``start + 1`` to ``position``, if
    they, continuing its compact range at ``start``, give the Merkle root it signed (so they
    are the links it signed, whoever could write the table); None otherwise."""
    leaves = bytes(checkpoint.leaves)
    if len(leaves) != 32 * (checkpoint.position - checkpoint.start) or not leaves:
        return None
    links = [leaves[i : i + 32].hex() for i in range(0, len(leaves), 32)]
    try:
        compact = merkle.CompactRange(checkpoint.start, checkpoint.start_frontier)
    except (ValueError, TypeError):
        return None
    for link in links:
        compact.append(link)
    return links if compact.root() == checkpoint.merkle_root else None


def first_difference(after: int, trusted: Iterable[str] | None) -> tuple[int, str] | None:
    """The first ledger position above ``after`` whose chain link differs from (or lacks) the
    link a stored checkpoint signed, with that checkpoint's source: where a fork begins.
    Only checkpoints whose signature verifies, by a trusted key when ``trusted`` is given,
    and whose stored links give their signed root count. None when none shows a difference
    (for instance when the only witness of the fork is a file)."""
    key_ids = None if trusted is None else {signatures.key_id(k) for k in trusted}
    found: tuple[int, str] | None = None
    for checkpoint in Checkpoint.objects.filter(position__gt=after).order_by("position", "id"):
        if found is not None and checkpoint.start >= found[0]:
            continue  # it could only name a later position
        signed = signed_of(checkpoint)
        if signatures.check(signed, expected_format=signatures.CHECKPOINT_FORMAT) is not None:
            continue
        if key_ids is not None and checkpoint.key_id not in key_ids:
            continue
        links = signed_links(checkpoint)
        if links is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT position, chain_hash FROM events_ledger WHERE position > %s "
                "AND position <= %s ORDER BY position",
                [checkpoint.start, checkpoint.position],
            )
            stored = dict(cursor.fetchall())
        for position, link in enumerate(links, start=checkpoint.start + 1):
            if stored.get(position) != link:
                if found is None or position < found[0]:
                    found = (position, f"database checkpoint #{checkpoint.pk}")
                break
    return found


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-position", "-id").first()
