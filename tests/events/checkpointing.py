"""Helpers for the checkpoint, verification and proof tests: keys, settings, tampering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events import hashing, signatures


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public(key: Ed25519PrivateKey) -> str:
    return signatures.public_text(key.public_key())


def configure(settings: Any, key: Ed25519PrivateKey, folder: Path) -> None:
    settings.EVENTS_CHECKPOINT_KEY = pem(key)
    settings.EVENTS_CHECKPOINT_KEY_FILE = ""
    settings.EVENTS_CHECKPOINT_TRUSTED_KEYS = []
    settings.EVENTS_CHECKPOINT_DIR = folder


def rewrite_from(cursor: Any, stream_id: str, version: int, data_json: str) -> int:
    """As a DBA with the triggers off: replace an event's payload, recompute its hash and
    every chain link from its position to the head, as a careful forger would. Returns the
    position rewritten."""
    cursor.execute(
        "SELECT e.seq, e.event_id, e.stream_id, e.stream_type, e.version, e.type, "
        "e.schema_version, e.occurred_at, e.recorded_at, CAST(e.metadata AS text), l.position "
        "FROM events_event e JOIN events_ledger l ON l.event_seq = e.seq "
        "WHERE e.stream_id = %s AND e.version = %s",
        [stream_id, version],
    )
    seq, event_id, sid, stype, ver, type_name, schema, occurred, recorded, meta, position = (
        cursor.fetchone()
    )
    from events.backends import sqlite
    from events.ledger import _uuid_text

    forged = hashing.event_hash(
        event_id=str(_uuid_text(event_id)),
        stream_id=sid,
        stream_type=stype,
        version=ver,
        type=type_name,
        schema_version=schema,
        occurred_at=sqlite.from_db(occurred),
        recorded_at=sqlite.from_db(recorded),
        data_json=data_json,
        metadata_json=meta,
    )
    cursor.execute(
        "UPDATE events_event SET data = %s, hash = %s WHERE seq = %s", [data_json, forged, seq]
    )
    relink_from(cursor, position)
    return int(position)


def relink_from(cursor: Any, position: int) -> None:
    """Recompute every chain link from ``position`` to the head from the stored event hashes."""
    cursor.execute("SELECT chain_hash FROM events_ledger WHERE position = %s", [position - 1])
    row = cursor.fetchone()
    chain = row[0] if row else hashing.GENESIS
    cursor.execute(
        "SELECT l.position, e.hash FROM events_ledger l JOIN events_event e "
        "ON e.seq = l.event_seq WHERE l.position >= %s ORDER BY l.position",
        [position],
    )
    updates = []
    for at, event_hash in cursor.fetchall():
        chain = hashing.chain_hash(chain, event_hash)
        updates.append((chain, at))
    cursor.executemany("UPDATE events_ledger SET chain_hash = %s WHERE position = %s", updates)


def clear_stored_checkpoints() -> None:
    """Empty the append-only checkpoint table as its owner would, the triggers bypassed and
    put back: what Django's flush did between tests before the table was append-only (each
    test signs with a key of its own, and another test's checkpoints are untrusted)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM events_checkpoint)")
        if not cursor.fetchone()[0]:
            return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE events_checkpoint DISABLE TRIGGER events_checkpoint_immutable"
            )
            cursor.execute("DELETE FROM events_checkpoint")
            cursor.execute(
                "ALTER TABLE events_checkpoint ENABLE ALWAYS TRIGGER events_checkpoint_immutable"
            )
        else:
            from events.schema import _sqlite_installed

            cursor.execute("DROP TRIGGER events_checkpoint_no_delete")
            cursor.execute("DELETE FROM events_checkpoint")
            cursor.execute(_sqlite_installed()["events_checkpoint_no_delete"])
