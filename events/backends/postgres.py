"""PostgreSQL: prepared statements on psycopg's own cursor, one statement per append.

Django's cursor binds parameters on the client and never prepares, and its timestamp loader
is pure Python; the store's hot paths use a plain ``psycopg.Cursor`` on Django's connection
(same session, same transaction) with server-side binding, prepared statements and the C
timestamp loader.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Self

import psycopg
from django.db import connection
from psycopg import pq
from psycopg.abc import Loader

from events.backends.base import Backend, Row
from events.types import EventRegistry, RecordedEvent

TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid


def _c_loader(oid: int) -> type[Loader]:
    """psycopg's default loader (the C one, with psycopg[binary]); Django replaces the
    timestamptz loader with a Python subclass on its connections."""
    loader = psycopg.adapters.get_loader(oid, pq.Format.TEXT)
    assert loader is not None
    return loader


_FAST_TIMESTAMPTZ = _c_loader(TIMESTAMPTZ)

COLUMNS = "(event_id, stream_id, stream_type, version, type, schema_version, data, metadata, " \
    "occurred_at, recorded_at, hash)"  # fmt: skip
GUARD = "WHERE (SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s) = %s"
# recorded_at is the database's: a trigger (migration 0005) sets it to statement_timestamp(),
# fixed for the whole statement, so the hash completed here covers the value stored.
NOW = "statement_timestamp()"
HASH = (
    "encode(sha256(convert_to(v.head || to_char(statement_timestamp() AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || E'\\n' || v.data || E'\\n' || {metadata}, "
    "'UTF8')), 'hex')"
)
INSERT_ONE = (
    f"INSERT INTO events_event {COLUMNS} "
    "SELECT v.event_id, v.stream_id, v.stream_type, v.version, v.type, v.schema_version, "
    f"v.data::json, v.metadata::json, v.occurred_at, {NOW}, {HASH.format(metadata='v.metadata')} "
    "FROM (SELECT %s::uuid AS event_id, %s::text AS stream_id, %s::text AS stream_type, "
    "%s::integer AS version, %s::text AS type, %s::smallint AS schema_version, %s::text AS data, "
    "%s::text AS metadata, %s::timestamptz AS occurred_at, %s::text AS head) v "
    f"{GUARD}"
)
INSERT_MANY = (
    f"INSERT INTO events_event {COLUMNS} "
    "SELECT v.event_id, %s::text, %s::text, v.version, v.type, v.schema_version, v.data::json, "
    f"m.metadata::json, v.occurred_at, {NOW}, {HASH.format(metadata='m.metadata')} "
    "FROM unnest(%b::uuid[], %b::integer[], %b::text[], %b::smallint[], %b::text[], "
    "%b::timestamptz[], %b::text[]) AS v(event_id, version, type, schema_version, data, "
    f"occurred_at, head), (SELECT %s::text AS metadata) m {GUARD} ORDER BY v.version"
)
SELECT = (
    "SELECT l.position, e.event_id, e.stream_id, e.stream_type, e.version, e.type, "
    "e.schema_version, e.data::text, e.metadata::text, e.recorded_at, e.hash"
)
SELECT_ALL = (
    f"{SELECT} FROM events_ledger l JOIN events_event e ON e.seq = l.event_seq "
    "WHERE l.position > %s ORDER BY l.position LIMIT %s"
)
# Both stream reads range over the unique (stream_id, version) index: ``version > after``
# (0 for the whole stream) costs one index probe, not a scan of the stream's earlier events.
SELECT_STREAM = (
    f"{SELECT} FROM events_event e LEFT JOIN events_ledger l ON l.event_seq = e.seq "
    "WHERE e.stream_id = %s AND e.version > %s ORDER BY e.version"
)
SELECT_STREAMS = (
    f"{SELECT} FROM events_event e LEFT JOIN events_ledger l ON l.event_seq = e.seq "
    "WHERE e.stream_id = ANY(%s) ORDER BY e.stream_id, e.version"
)
SELECT_STREAM_KNOWN_AT = (
    f"{SELECT} FROM events_event e LEFT JOIN events_ledger l ON l.event_seq = e.seq "
    "WHERE e.stream_id = %s AND e.version > %s AND e.recorded_at <= %s ORDER BY e.version"
)


EXPLICIT_ONLY = 2**31 - 1


class _Cursor(psycopg.Cursor[Any]):
    """psycopg's cursor raising Django's database errors, as Django's own cursor does: a
    lost connection becomes ``django.db.OperationalError`` (a 503 in the API, not a 500) and
    marks Django's connection as broken, so it is discarded instead of reused."""

    def execute(self, *args: Any, **kwargs: Any) -> Self:
        with connection.wrap_database_errors:
            return super().execute(*args, **kwargs)

    def executemany(self, *args: Any, **kwargs: Any) -> None:
        with connection.wrap_database_errors:
            super().executemany(*args, **kwargs)


def cursor() -> psycopg.Cursor[Any]:
    """A server-binding cursor on Django's connection, in Django's current transaction.
    One per connection, reused: do not close it. It is kept on Django's connection object
    (one per thread) and replaced when that opens a new connection, so a closed connection is
    freed with its cursor (a cursor holds its connection: as the value of a dictionary weakly
    keyed by the connection it kept every connection of the process alive)."""
    connection.ensure_connection()
    raw = connection.connection
    cur: _Cursor | None = getattr(connection, "_events_cursor", None)
    if cur is None or cur.closed or cur.connection is not raw:
        if raw.prepare_threshold is None:
            # Django opens connections with prepare_threshold=None, which makes psycopg ignore
            # prepare=True. A threshold no query reaches prepares only what asks to be.
            raw.prepare_threshold = EXPLICIT_ONLY
        cur = _Cursor(raw)
        cur.adapters.register_loader(TIMESTAMPTZ, _FAST_TIMESTAMPTZ)
        connection._events_cursor = cur  # type: ignore[attr-defined]  # the thread's wrapper
    return cur


class PostgresBackend(Backend):
    autocommit_appends = True

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
        if len(rows) == 1:
            (row,) = rows
            sql = INSERT_ONE
            params: list[Any] = [
                row.event_id, stream_id, stream_type, row.version, row.type, row.schema_version,
                row.data_json, metadata_json, row.occurred_at, row.head,
            ]  # fmt: skip
        else:
            sql = INSERT_MANY
            params = [
                stream_id, stream_type,
                [r.event_id for r in rows], [r.version for r in rows], [r.type for r in rows],
                [r.schema_version for r in rows], [r.data_json for r in rows],
                [r.occurred_at for r in rows], [r.head for r in rows], metadata_json,
            ]  # fmt: skip
        cur = cursor()
        cur.execute(sql, [*params, stream_id, current], prepare=True)
        return cur.rowcount == len(rows)

    def select_stream(
        self,
        stream_id: str,
        *,
        known_at: datetime | None,
        types: EventRegistry,
        after: int = 0,
    ) -> list[RecordedEvent]:
        cur = cursor()
        if known_at is None:
            cur.execute(SELECT_STREAM, [stream_id, after], prepare=True, binary=True)
        else:
            params = [stream_id, after, known_at]
            cur.execute(SELECT_STREAM_KNOWN_AT, params, prepare=True, binary=True)
        return [_decode(row, types) for row in cur.fetchall()]

    def select_streams(self, stream_ids: list[str], *, types: EventRegistry) -> list[RecordedEvent]:
        cur = cursor()
        cur.execute(SELECT_STREAMS, [stream_ids], prepare=True, binary=True)
        return [_decode(row, types) for row in cur.fetchall()]

    def select_all(self, *, after: int, limit: int, types: EventRegistry) -> list[RecordedEvent]:
        cur = cursor()
        cur.execute(SELECT_ALL, [after, limit], prepare=True, binary=True)
        return [_decode(row, types) for row in cur.fetchall()]


def _decode(row: tuple[Any, ...], types: EventRegistry) -> RecordedEvent:
    (position, event_id, stream_id, stream_type, version, type_name, schema_version,
     payload, metadata, recorded_at, hash_) = row  # fmt: skip
    event = types.decode_json(type_name, schema_version, payload)
    return RecordedEvent(
        position,
        event_id,
        stream_id,
        stream_type,
        version,
        type_name,
        schema_version,
        event,
        {} if metadata == "{}" else json.loads(metadata),
        event.occurred_at,
        recorded_at,
        hash_,
    )
