"""The contract every backend meets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from events.types import EventRegistry, RecordedEvent


@dataclass(frozen=True, slots=True)
class Row:
    """One event of a batch, ready to insert: canonical JSON text and the first lines of its
    hash's content (:func:`events.hashing.event_head`): the hash also covers ``recorded_at``,
    which is the database's to set, so the backend completes it with that time."""

    event_id: uuid.UUID
    version: int
    type: str
    schema_version: int
    data_json: str
    occurred_at: datetime
    head: str


class Backend:
    """Inserts and reads events. Subclasses implement every method."""

    #: Whether a single guarded INSERT may run outside a transaction (one round trip).
    autocommit_appends = False

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
        """INSERT ``rows`` in version order in one statement, only if the stream is still
        at version ``current``, each hashed over the ``recorded_at`` stored: the database's
        time on PostgreSQL, ``recorded_at`` (checked by SQLite against its clock) on SQLite.
        Return False if the stream is not at ``current``; a concurrent writer of the same
        versions makes the statement raise an integrity error instead."""
        raise NotImplementedError("subclasses of Backend must provide insert()")

    def select_stream(
        self,
        stream_id: str,
        *,
        known_at: datetime | None,
        types: EventRegistry,
        after: int = 0,
    ) -> list[RecordedEvent]:
        """The stream's events at versions greater than ``after`` recorded by ``known_at``
        (all if None), in version order: one range over the ``(stream_id, version)`` index."""
        raise NotImplementedError("subclasses of Backend must provide select_stream()")

    def select_streams(self, stream_ids: list[str], *, types: EventRegistry) -> list[RecordedEvent]:
        """The events of several streams, by stream and version."""
        raise NotImplementedError("subclasses of Backend must provide select_streams()")

    def select_all(self, *, after: int, limit: int, types: EventRegistry) -> list[RecordedEvent]:
        """Sealed events at positions greater than ``after``, in position order."""
        raise NotImplementedError("subclasses of Backend must provide select_all()")
