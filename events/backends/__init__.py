"""Database backends of the store: the SQL that differs between PostgreSQL and SQLite.

:mod:`events.store` holds the logic (validation, hashing, idempotency, corrections); a backend
only inserts rows and reads them back as :class:`events.types.RecordedEvent`.
"""

from __future__ import annotations

from django.db import connection

from events.backends.base import Backend, Row


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from events.backends.postgres import PostgresBackend

        return PostgresBackend()
    from events.backends.sqlite import SqliteBackend

    return SqliteBackend()


__all__ = ["Backend", "Row", "get_backend"]
