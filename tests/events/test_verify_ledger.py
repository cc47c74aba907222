"""Tamper evidence: verify_ledger passes on an intact log and names the first position
that does not verify after someone who bypassed the triggers changed it."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from events import hashing, ledger, store
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)

TRIGGERS_OFF = {
    "postgresql": [
        "ALTER TABLE events_event DISABLE TRIGGER events_event_immutable",
        "ALTER TABLE events_event DISABLE TRIGGER events_event_recorded_at",
        "ALTER TABLE events_ledger DISABLE TRIGGER events_ledger_immutable",
        "ALTER TABLE events_checkpoint DISABLE TRIGGER events_checkpoint_immutable",
    ],
    "sqlite": [
        "DROP TRIGGER events_event_no_update",
        "DROP TRIGGER events_event_no_delete",
        "DROP TRIGGER events_ledger_no_update",
        "DROP TRIGGER events_ledger_no_delete",
        "DROP TRIGGER events_event_recorded_now",
        "DROP TRIGGER events_checkpoint_no_update",
        "DROP TRIGGER events_checkpoint_no_delete",
    ],
}


@contextmanager
def as_a_dba() -> Iterator[Any]:
    """Switch the triggers off and tamper inside a transaction that is rolled back after
    the test, so the rest of the suite keeps an intact log."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in TRIGGERS_OFF[connection.vendor]:
                cursor.execute(sql)
            yield cursor
        transaction.set_rollback(True)


def verify_command(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_ledger", "--no-seal", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def sealed(stream: str) -> list[store.RecordedEvent]:
    store.append(stream, things(5), expected_version=0)
    ledger.seal()
    return store.read_stream(stream)


def test_an_intact_log_verifies(sealed: list[Any]) -> None:
    code, out = verify_command()
    assert code == 0
    assert "Ledger intact" in out
    result = ledger.verify()
    assert result.ok and result.failure is None
    assert result.checked == result.head_position >= sealed[-1].position


def test_json_output_for_machines(sealed: list[Any]) -> None:
    code, out = verify_command("--json")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True
    assert report["head_position"] == ledger.head()[0]
    assert report["failure"] is None


def test_an_edited_event_is_named_by_its_position(sealed: list[Any]) -> None:
    target = sealed[2]
    with as_a_dba() as cursor:
        cursor.execute(
            "UPDATE events_event SET data = %s WHERE stream_id = %s AND version = 3",
            ['{"count":1,"name":"forged"}', target.stream_id],
        )
        code, out = verify_command()
        report = ledger.verify()
    assert code == 1
    assert f"position {target.position}" in out
    assert report.failure is not None
    assert report.failure.position == target.position
    assert report.failure.event_id == str(target.event_id)
    assert "content" in report.failure.reason


def test_an_edit_with_a_recomputed_event_hash_breaks_the_chain(sealed: list[Any]) -> None:
    target = sealed[1]
    forged_data = '{"count":99,"name":"forged"}'
    forged_hash = hashing.event_hash(
        event_id=str(target.event_id),
        stream_id=target.stream_id,
        stream_type=target.stream_type,
        version=target.version,
        type=target.type,
        schema_version=target.schema_version,
        occurred_at=target.occurred_at,
        recorded_at=target.recorded_at,
        data_json=forged_data,
        metadata_json=hashing.canonical_json(target.metadata),
    )
    with as_a_dba() as cursor:
        cursor.execute(
            "UPDATE events_event SET data = %s, hash = %s WHERE stream_id = %s AND version = 2",
            [forged_data, forged_hash, target.stream_id],
        )
        report = ledger.verify()
    assert report.failure is not None
    assert report.failure.position == target.position
    assert "chain" in report.failure.reason


def test_a_deleted_event_is_named_by_its_position(sealed: list[Any]) -> None:
    target = sealed[3]
    with as_a_dba() as cursor:
        cursor.execute("DELETE FROM events_ledger WHERE position = %s", [target.position])
        cursor.execute(
            "DELETE FROM events_event WHERE stream_id = %s AND version = 4", [target.stream_id]
        )
        code, _ = verify_command()
        report = ledger.verify()
    assert code == 1
    assert report.failure is not None
    assert report.failure.position == target.position
    assert "missing" in report.failure.reason


def test_a_deleted_event_whose_positions_were_renumbered_breaks_the_chain(
    sealed: list[Any],
) -> None:
    target = sealed[1]
    with as_a_dba() as cursor:
        cursor.execute("DELETE FROM events_ledger WHERE position = %s", [target.position])
        cursor.execute(
            "DELETE FROM events_event WHERE stream_id = %s AND version = 2", [target.stream_id]
        )
        cursor.execute(
            "UPDATE events_ledger SET position = position - 1 WHERE position > %s",
            [target.position],
        )
        report = ledger.verify()
    assert report.failure is not None
    assert report.failure.position == target.position


def test_a_forged_event_inserted_in_the_middle_is_named(sealed: list[Any]) -> None:
    at = sealed[2].position
    forged = {
        "event_id": "00000000-0000-4000-8000-000000000001",
        "stream_id": "thing-forged",
        "stream_type": "thing",
        "version": 1,
        "type": "ThingHappened",
        "schema_version": 1,
        "occurred_at": sealed[0].occurred_at,
        "recorded_at": sealed[0].recorded_at,
        "data_json": '{"count":1,"name":"forged"}',
        "metadata_json": "{}",
    }
    forged_hash = hashing.event_hash(**forged)
    forged_link = hashing.chain_hash(_link(at - 1), forged_hash)
    event_id = str(forged["event_id"])
    if connection.vendor == "sqlite":
        event_id = event_id.replace("-", "")
    with as_a_dba() as cursor:
        # Make room at `at` by moving every later position up by one.
        cursor.execute(
            "UPDATE events_ledger SET position = position + 1000000 WHERE position >= %s", [at]
        )
        cursor.execute(
            "UPDATE events_ledger SET position = position - 999999 WHERE position > 1000000"
        )
        cursor.execute(
            "INSERT INTO events_event (event_id, stream_id, stream_type, version, type, "
            "schema_version, data, metadata, occurred_at, recorded_at, hash) "
            "VALUES (%s, 'thing-forged', 'thing', 1, 'ThingHappened', 1, %s, '{}', %s, %s, %s)",
            [
                event_id,
                forged["data_json"],
                _db_time(forged["occurred_at"]),
                _db_time(forged["recorded_at"]),
                forged_hash,
            ],
        )
        cursor.execute("SELECT max(seq) FROM events_event")
        (seq,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO events_ledger (position, event_seq, chain_hash, sealed_at) "
            "VALUES (%s, %s, %s, %s)",
            [at, seq, forged_link, _db_time(sealed[0].recorded_at)],
        )
        code, out = verify_command()
        report = ledger.verify()
    assert code == 1
    assert f"position {at}" in out
    assert report.failure is not None
    assert report.failure.position == at
    assert report.failure.event_id == forged["event_id"]
    assert "inserted" in report.failure.reason


@pytest.mark.postgres
def test_an_event_slipped_in_behind_the_sealer_is_named(sealed: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT frontier_txid::bigint FROM events_sealstate WHERE id = 1")
        assert cursor.fetchone()[0] > 1  # the sealer has passed transactions already
    with as_a_dba() as cursor:
        # An INSERT that claims to come from a transaction the sealer has long passed: below
        # its horizon (not below a sealed event's txid, which the horizon may not have
        # passed yet while other transactions of the cluster are open).
        cursor.execute(
            "INSERT INTO events_event (event_id, stream_id, stream_type, version, type, "
            "schema_version, data, metadata, occurred_at, recorded_at, hash, txid) "
            "SELECT '00000000-0000-4000-8000-000000000002', 'thing-slipped', 'thing', 1, "
            "'ThingHappened', 1, '{\"name\":\"x\"}', '{}', now(), now(), 'x', "
            "(frontier_txid::bigint - 1)::text::xid8 FROM events_sealstate WHERE id = 1",
        )
        code, out = verify_command()
        report = ledger.verify()
    assert code == 1
    assert "00000000-0000-4000-8000-000000000002" in out
    assert report.failure is not None
    assert report.failure.event_id == "00000000-0000-4000-8000-000000000002"
    assert "slipped in" in report.failure.reason


def test_a_disabled_or_dropped_trigger_fails_verification(sealed: list[Any]) -> None:
    with as_a_dba():
        code, out = verify_command()
        report = ledger.verify()
    assert code == 4
    assert report.outcome == "schema_changed" and not report.ok
    expected = {"postgresql": "trigger events_event_immutable is disabled",
                "sqlite": "trigger events_event_no_update is missing"}  # fmt: skip
    assert expected[connection.vendor] in report.schema_changes
    assert expected[connection.vendor] in out


def test_an_intact_schema_reports_no_change(sealed: list[Any]) -> None:
    assert ledger.verify().schema_changes == []


REPLACED_FUNCTION = """CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF; RETURN OLD; END $$"""


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sql", "change"),
    [
        (
            [REPLACED_FUNCTION],
            "function events_refuse_change (run by events_event_immutable, "
            "events_event_no_truncate, events_ledger_immutable, events_ledger_no_truncate, "
            "events_checkpoint_immutable, events_checkpoint_no_truncate) "
            "was replaced: its source is not the one the migrations installed",
        ),
        (
            ["CREATE OR REPLACE FUNCTION events_own_time() RETURNS trigger LANGUAGE plpgsql "
             "AS $$ BEGIN RETURN NEW; END $$"],
            "function events_own_time (run by events_event_recorded_at) was replaced: its "
            "source is not the one the migrations installed",
        ),
        (
            ["ALTER TABLE events_event DISABLE TRIGGER events_event_recorded_at"],
            "trigger events_event_recorded_at is disabled",
        ),
        (
            ["ALTER TABLE events_checkpoint DISABLE TRIGGER events_checkpoint_no_truncate"],
            "trigger events_checkpoint_no_truncate is disabled",
        ),
        (
            ["ALTER TABLE events_checkpoint ALTER COLUMN leaves DROP NOT NULL"],
            "column events_checkpoint.leaves is bytea, installed as bytea not null",
        ),
        (
            ["ALTER TABLE events_event ALTER COLUMN hash TYPE text"],
            "column events_event.hash is text not null, installed as character varying(64) "
            "not null",
        ),
        (
            ["ALTER TABLE events_ledger ALTER COLUMN chain_hash TYPE varchar(80)"],
            "column events_ledger.chain_hash is character varying(80) not null, installed as "
            "character varying(64) not null",
        ),
        (
            ["ALTER TABLE events_event ALTER COLUMN txid SET DEFAULT '1'::xid8"],
            "column events_event.txid is xid8 not null default '1'::xid8, installed as xid8 "
            "not null default pg_current_xact_id()",
        ),
        (
            ["ALTER TABLE events_event ENABLE TRIGGER events_event_immutable"],
            "trigger events_event_immutable is enabled (not ALWAYS)",
        ),
        (
            ["ALTER TABLE events_ledger ENABLE REPLICA TRIGGER events_ledger_no_truncate"],
            "trigger events_ledger_no_truncate is enabled on replicas only",
        ),
        (
            ["DROP TRIGGER events_ledger_immutable ON events_ledger",
             "CREATE TRIGGER events_ledger_immutable BEFORE DELETE ON events_ledger "
             "FOR EACH ROW EXECUTE FUNCTION events_refuse_change()"],
            "trigger events_ledger_immutable was redefined: CREATE TRIGGER "
            "events_ledger_immutable BEFORE DELETE ON public.events_ledger FOR EACH ROW EXECUTE "
            "FUNCTION events_refuse_change()",  # and no longer ENABLE ALWAYS
        ),
        (
            ["CREATE FUNCTION pg_temp.keep() RETURNS trigger LANGUAGE plpgsql "
             "AS $$ BEGIN RETURN NULL; END $$",
             "CREATE TRIGGER a_keep BEFORE UPDATE ON events_event FOR EACH ROW "
             "EXECUTE FUNCTION pg_temp.keep()"],
            "trigger a_keep was added: CREATE TRIGGER a_keep BEFORE UPDATE ON "
            "public.events_event FOR EACH ROW EXECUTE FUNCTION pg_temp",
        ),
        (
            ["ALTER TABLE events_event ADD COLUMN note text"],
            "column events_event.note was added: text",
        ),
    ],
)  # fmt: skip
def test_a_changed_trigger_function_trigger_or_column_fails_verification(
    sealed: list[Any], sql: list[str], change: str
) -> None:
    """What the tables' owner can do without disabling a trigger is named, exit status 4."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
        code, out = verify_command()
        report = ledger.verify()
        transaction.set_rollback(True)
    assert code == 4, out
    assert report.outcome == "schema_changed"
    assert report.schema_changes[0].startswith(change), report.schema_changes
    assert "Ledger tables CHANGED" in out and change in out


@pytest.mark.postgres
def test_rows_changed_through_a_replaced_trigger_function_are_named(sealed: list[Any]) -> None:
    """The owner replaces the function so UPDATE passes, and edits an event: both show."""
    target = sealed[1]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(REPLACED_FUNCTION)
            cursor.execute(
                "UPDATE events_event SET data = %s WHERE event_id = %s",
                ['{"count":1,"name":"forged"}', target.event_id],
            )
        code, out = verify_command()
        report = ledger.verify()
        transaction.set_rollback(True)
    assert code == 1
    assert report.failure is not None and report.failure.position == target.position
    assert any(c.startswith("function events_refuse_change") for c in report.schema_changes)
    assert "changed: function events_refuse_change" in out


@pytest.mark.postgres
def test_a_column_rewritten_with_alter_type_using_is_named(sealed: list[Any]) -> None:
    """ALTER TABLE ... TYPE ... USING rewrites every row and fires no trigger."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE events_event ALTER COLUMN data TYPE jsonb "
                "USING jsonb_set(data::jsonb, '{name}', '\"forged\"')"
            )
        report = ledger.verify()
        transaction.set_rollback(True)
    assert report.failure is not None and "content" in report.failure.reason
    assert "column events_event.data is jsonb not null, installed as json not null" in (
        report.schema_changes
    )


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_recreated_sqlite_trigger_is_named(sealed: list[Any]) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER events_event_no_update")
            cursor.execute(
                "CREATE TRIGGER events_event_no_update BEFORE UPDATE ON events_event "
                "BEGIN SELECT 1; END"
            )
        code, out = verify_command()
        transaction.set_rollback(True)
    assert code == 4
    assert "trigger events_event_no_update was redefined" in out


def _link(position: int) -> str:
    if position == 0:
        return hashing.GENESIS
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain_hash FROM events_ledger WHERE position = %s", [position])
        return str(cursor.fetchone()[0])


def _db_time(value: Any) -> Any:
    return (
        value
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(value)
    )


@pytest.mark.postgres
def test_an_intact_log_verifies_while_writers_and_a_sealer_run() -> None:
    """verify_ledger reads one snapshot: an event sealed while it walks the ledger is neither
    missed nor taken for a gap in its stream (it failed with "stream version N follows M")."""
    for start in range(0, 4000, 500):  # a ledger long enough that a walk takes a while
        store.append(f"thing-{uuid.uuid4().hex}", things(500, start=start), expected_version=0)
    ledger.seal()
    streams = [f"thing-{uuid.uuid4().hex}" for _ in range(4)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(stream_id: str) -> None:
        store.append(stream_id, things(1), expected_version=store.current_version(stream_id))

    def seal() -> None:
        ledger.seal()

    def repeat(step: Callable[..., None], *args: Any) -> None:
        try:
            while not stop.is_set():
                step(*args)
        except BaseException as exc:  # the test reports it
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=repeat, args=(write, s)) for s in streams]
    workers.append(threading.Thread(target=repeat, args=(seal,)))
    for worker in workers:
        worker.start()
    try:
        results = [verify_command("--json") for _ in range(6)]
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert not errors, errors
    assert sum(store.current_version(s) for s in streams) > 50, "the writers hardly ran"
    reports = []
    for code, out in results:
        report = json.loads(out[: out.rindex("}") + 1])
        assert code == 0, (report["failure"], report["warnings"])
        assert report["ok"] and report["checked"] == report["head_position"]
        reports.append(report)
    assert reports[-1]["head_position"] > reports[0]["head_position"]  # sealed meanwhile
