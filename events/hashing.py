"""How an event and the ledger chain are hashed. Pure standard library, so an outside
verifier can recompute everything without Django or a database (docs/event-store.md).

An event's hash is SHA-256 over ten lines joined by ``\\n``: event_id, stream_id,
stream_type, version, type, schema_version, occurred_at, recorded_at (both UTC,
``YYYY-MM-DDTHH:MM:SS.ffffffZ``), then the data and metadata exactly as stored (canonical
JSON: sorted keys, no spaces, ASCII only). None of the first eight can hold a newline and
canonical JSON never does, so the encoding is unambiguous.

The chain: ``chain_hash(n) = SHA-256(chain_hash(n-1) + event_hash(n))`` over the ledger's
positions, starting from ``GENESIS``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


@lru_cache(maxsize=4096)
def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_head(
    *,
    event_id: str,
    stream_id: str,
    stream_type: str,
    version: int,
    type: str,
    schema_version: int,
    occurred_at: datetime,
) -> str:
    """The hashed content's first seven lines, each ended by ``\\n``: all but
    ``recorded_at`` and the JSON, so the database can complete the hash with its own time."""
    return "".join(
        f"{line}\n"
        for line in (
            event_id,
            stream_id,
            stream_type,
            str(version),
            type,
            str(schema_version),
            format_time(occurred_at),
        )
    )


def event_hash_from(head: str, recorded_at: datetime, data_json: str, metadata_json: str) -> str:
    content = f"{head}{format_time(recorded_at)}\n{data_json}\n{metadata_json}"
    return hashlib.sha256(content.encode("ascii")).hexdigest()


def event_hash(
    *,
    event_id: str,
    stream_id: str,
    stream_type: str,
    version: int,
    type: str,
    schema_version: int,
    occurred_at: datetime,
    recorded_at: datetime,
    data_json: str,
    metadata_json: str,
) -> str:
    head = event_head(
        event_id=event_id,
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        type=type,
        schema_version=schema_version,
        occurred_at=occurred_at,
    )
    return event_hash_from(head, recorded_at, data_json, metadata_json)


def chain_hash(previous: str, event_hash_hex: str) -> str:
    return hashlib.sha256((previous + event_hash_hex).encode("ascii")).hexdigest()
