"""Database privileges for the application's role: it may read and append to the log, the
ledger and the stored checkpoints, never update, delete or truncate them; everything else
(read models, the sealer's state, idempotency keys, sessions) it may read and write. The
tables are owned by another role, the one that runs the migrations, so the application cannot
change their triggers or drop them either. PostgreSQL only.

The triggers of migrations 0001 and 0005 already refuse UPDATE, DELETE and TRUNCATE on those
three tables; these privileges are a second, independent lock: with the application's
credentials, neither a bug nor an intruder can disable the triggers or rewrite history.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

APPEND_ONLY = ("events_event", "events_ledger", "events_checkpoint")


def grant_app_role(cursor: Any, role: str, *, schema: str = "public") -> None:
    """Grant ``role`` what the application needs on every table of ``schema`` as it stands
    (run it again after migrations that add tables), with the log append-only."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        raise ValueError(f"There is no database role {role!r}: create it first (CREATE ROLE).")
    who, where = sql.Identifier(role), sql.Identifier(schema)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            where, who
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(where, who),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.SQL(", ").join(sql.Identifier(schema, table) for table in APPEND_ONLY), who
        ),
    ]
    for statement in statements:
        cursor.execute(statement)
