"""The application's database role: it reads and appends to the log, and may not update,
delete or truncate it (nor the ledger), whatever the triggers say."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def connect(user: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=user, dbname=s["NAME"],
        autocommit=True,
    )  # fmt: skip


@pytest.fixture
def app_role() -> Iterator[str]:
    """A login role with the application's privileges, granted outside the test's
    transaction (so that another connection sees them)."""
    from events.roles import grant_app_role

    role = f"tracker_app_{uuid.uuid4().hex[:8]}"
    owner = connection.settings_dict["USER"]
    with connect(owner) as admin:
        admin.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN").format(psycopg.sql.Identifier(role)))
        try:
            with admin.cursor() as cursor:
                grant_app_role(cursor, role)
            yield role
        finally:
            ident = psycopg.sql.Identifier(role)
            admin.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(ident))
            admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(ident))


def test_the_app_role_appends_and_reads_but_never_rewrites_the_log(app_role: str) -> None:
    with connect(app_role) as app:
        app.execute("SELECT count(*) FROM events_event").fetchone()
        with app.transaction(force_rollback=True):
            app.execute(
                "INSERT INTO events_checkpoint (position, chain_hash, merkle_root, created_at, "
                "key_id, public_key, signature, frontier, file_name, start, start_frontier, "
                "leaves) VALUES (0, '', '', now(), '', '', '', '[]', '', 0, '[]', '')"
            )
        with app.transaction(force_rollback=True):
            # It may append, but not choose when: a back-dated recorded_at becomes the
            # database's time of the INSERT.
            began = app.execute("SELECT now()").fetchone()
            recorded_at = app.execute(
                "INSERT INTO events_event (event_id, stream_id, stream_type, version, type, "
                "schema_version, data, metadata, occurred_at, recorded_at, hash) VALUES "
                "(%s, 'thing-role', 'thing', 1, 'ThingHappened', 1, '{}', '{}', now(), "
                "'2020-01-01T00:00:00Z', 'x') RETURNING recorded_at",
                [uuid.uuid4()],
            ).fetchone()
            assert began is not None and recorded_at is not None
            assert recorded_at[0] >= began[0] > datetime(2020, 1, 1, tzinfo=UTC)
        for statement in [
            "UPDATE events_event SET type = type WHERE false",
            "DELETE FROM events_event WHERE false",
            "TRUNCATE events_event",
            "UPDATE events_ledger SET chain_hash = chain_hash WHERE false",
            "DELETE FROM events_ledger WHERE false",
            "ALTER TABLE events_event DISABLE TRIGGER events_event_immutable",
            # Stored checkpoints are append-only too: the checkpointer only adds them.
            "UPDATE events_checkpoint SET position = position WHERE false",
            "DELETE FROM events_checkpoint WHERE false",
            "TRUNCATE events_checkpoint",
            "ALTER TABLE events_checkpoint DISABLE TRIGGER events_checkpoint_immutable",
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
        # The read models are its to write (projections), and so is the sealer's state.
        app.execute("UPDATE compliance_party SET name = name WHERE false")
        app.execute("UPDATE events_sealstate SET frontier_seq = frontier_seq WHERE false")


def test_the_command_names_a_missing_role() -> None:
    with pytest.raises(CommandError, match="There is no database role 'nobody_here'"):
        call_command("grant_app_role", "nobody_here", stdout=io.StringIO())
