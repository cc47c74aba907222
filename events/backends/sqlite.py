"""SQLite: the embedded default. One writer at a time; values in Django's text formats."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from events import hashing
from events.backends.base import Backend, Row
from events.types import EventRegistry, RecordedEvent

COLUMNS = (
    "e.seq, l.position, e.event_id, e.stream_id, e.stream_type, e.version, e.type, "
    "e.schema_version, e.data, e.metadata, e.recorded_at, e.hash"
)


def to_db(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def from_db(value: Any) -> datetime:
    """A timestamp as read back: Django's naive-UTC text on SQLite, a datetime elsewhere."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class SqliteBackend(Backend):
    def insert(
        self,
        *,
        stream_id: str,
        stream_type: str,
        current: int,
        rows: list[Row],
        metadata_json: str,
        recorded_at: datetime,
    ) -> bool:
        params: list[Any] = []
        for row in rows:
            params += [
                row.event_id.hex, stream_id, stream_type, row.version, row.type,
                row.schema_version, row.data_json, metadata_json, to_db(row.occurred_at),
                to_db(recorded_at),
                hashing.event_hash_from(row.head, recorded_at, row.data_json, metadata_json),
            ]  # fmt: skip
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        sql = (
            "INSERT INTO events_event (event_id, stream_id, stream_type, version, type, "
            "schema_version, data, metadata, occurred_at, recorded_at, hash) "
            f"SELECT * FROM (VALUES {values}) AS v "
            "WHERE (SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s) = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, stream_id, current])
            return bool(cursor.rowcount == len(rows))

    def select_stream(
        self,
        stream_id: str,
        *,
        known_at: datetime | None,
        types: EventRegistry,
        after: int = 0,
    ) -> list[RecordedEvent]:
        sql = (
            f"SELECT {COLUMNS} FROM events_event e LEFT JOIN events_ledger l "
            "ON l.event_seq = e.seq WHERE e.stream_id = %s AND e.version > %s"
        )
        params: list[Any] = [stream_id, after]
        if known_at is not None:
            sql += " AND e.recorded_at <= %s"
            params.append(to_db(known_at))
        with connection.cursor() as cursor:
            cursor.execute(sql + " ORDER BY e.version", params)
            return [_decode(row, types) for row in cursor.fetchall()]

    def select_streams(self, stream_ids: list[str], *, types: EventRegistry) -> list[RecordedEvent]:
        found: list[RecordedEvent] = []
        for start in range(0, len(stream_ids), 500):  # SQLite's limit on bound parameters
            chunk = stream_ids[start : start + 500]
            with connection.cursor() as cursor:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {COLUMNS} FROM events_event e LEFT JOIN events_ledger l "
                    f"ON l.event_seq = e.seq WHERE e.stream_id IN ({marks}) "
                    "ORDER BY e.stream_id, e.version",
                    chunk,
                )
                found += [_decode(row, types) for row in cursor.fetchall()]
        return found

    def select_all(self, *, after: int, limit: int, types: EventRegistry) -> list[RecordedEvent]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {COLUMNS} FROM events_ledger l JOIN events_event e "
                "ON e.seq = l.event_seq WHERE l.position > %s ORDER BY l.position LIMIT %s",
                [after, limit],
            )
            return [_decode(row, types) for row in cursor.fetchall()]


def _decode(row: tuple[Any, ...], types: EventRegistry) -> RecordedEvent:
    (_seq, position, event_id, stream_id, stream_type, version, type_name, schema_version,
     data, metadata, recorded_at, hash_) = row  # fmt: skip
    event = types.decode(type_name, schema_version, json.loads(data))
    return RecordedEvent(
        position=position,
        event_id=uuid.UUID(event_id),
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        type=type_name,
        schema_version=schema_version,
        event=event,
        metadata=json.loads(metadata),
        occurred_at=event.occurred_at,
        recorded_at=from_db(recorded_at),
        hash=hash_,
    )
