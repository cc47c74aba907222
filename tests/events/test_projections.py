"""The projection runner: exactly once, in order, halting on a failing handler."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings

from events import ledger, projections, store
from events.models import ProjectionCheckpoint
from events.tasks import projections_catch_up_task
from events.types import RecordedEvent
from tests.db import database_url
from tests.events.example_projection import StreamCounter
from tests.events.helpers import things
from tests.events.models import StreamCount

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_failures", "only_stream_counter"),
]


def counter() -> projections.Projection:
    return projections.get_projection("stream_counter")


def snapshot() -> list[tuple[str, int, int, int, str]]:
    return list(
        StreamCount.objects.order_by("stream_id").values_list(
            "stream_id", "events", "total", "last_position", "last_type"
        )
    )


def test_catch_up_applies_every_event_once_and_moves_the_checkpoint(stream: str) -> None:
    store.append(stream, things(4), expected_version=0)

    (result,) = projections.catch_up()

    assert result.status == "ok"
    row = StreamCount.objects.get(stream_id=stream)
    assert (row.events, row.total, row.last_type) == (4, 4, "ThingHappened")
    assert ProjectionCheckpoint.objects.get(name="stream_counter").position == ledger.head()[0]
    assert projections.catch_up()[0].applied == 0  # nothing new: nothing applied twice
    assert StreamCount.objects.get(stream_id=stream).events == 4


def test_small_batches_give_the_same_rows_as_one_big_batch(stream: str) -> None:
    for i in range(5):
        store.append(stream, things(3, start=3 * i), expected_version=3 * i)
    projections.run_projection(counter(), batch_size=2)
    incremental = snapshot()

    projections.rebuild(counter(), batch_size=1000)

    assert snapshot() == incremental
    assert StreamCount.objects.get(stream_id=stream).events == 15


def test_a_rebuild_yields_exactly_the_incrementally_built_rows(stream: str) -> None:
    other = stream.replace("thing-", "thing-b")
    store.append(stream, things(3), expected_version=0)
    projections.catch_up()
    store.append(other, things(2), expected_version=0)
    store.append(stream, things(2, start=3), expected_version=3)
    projections.catch_up()
    incremental = snapshot()

    out = StringIO()
    call_command("rebuild_projections", "stream_counter", stdout=out)

    assert snapshot() == incremental
    assert "stream_counter" in out.getvalue()


def test_a_rebuild_runs_every_batch_inside_the_projections_rebuilding_scope(stream: str) -> None:
    store.append(stream, things(5), expected_version=0)
    seen: list[str] = []
    projection = counter()
    handle_batch = projection.handle_batch

    @contextmanager
    def rebuilding() -> Iterator[None]:
        seen.append("enter")
        yield
        seen.append("exit")

    def recording(events: list[RecordedEvent]) -> None:
        seen.append("batch")
        handle_batch(events)

    with (
        patch.object(projection, "rebuilding", rebuilding),
        patch.object(projection, "handle_batch", recording),
    ):
        assert projections.rebuild(projection, batch_size=2).status == "ok"

    assert seen[0] == "enter" and seen[-1] == "exit"
    assert set(seen[1:-1]) == {"batch"} and len(seen) > 4
    assert StreamCount.objects.get(stream_id=stream).events == 5


def test_only_a_rebuilds_own_commit_skips_the_wait_for_the_wal_flush(stream: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    store.append(stream, things(2), expected_version=0)
    projection = counter()
    reset = projection.reset
    during: list[str] = []

    def recording_reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            during.append(cursor.fetchone()[0])
        reset()

    with patch.object(projection, "reset", recording_reset):
        assert projections.rebuild(projection).status == "ok"

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        after = cursor.fetchone()[0]
    assert during == ["off"]  # the rebuild's transaction
    assert after == "on"  # SET LOCAL: the connection's later transactions wait as before
    assert StreamCount.objects.get(stream_id=stream).events == 2


def test_a_rebuild_outside_a_transaction_reads_ahead_on_another_connection(stream: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("read-ahead is for PostgreSQL")
    for i in range(4):
        store.append(stream, things(3, start=3 * i), expected_version=3 * i)
    projections.run_projection(counter(), batch_size=2)
    incremental = snapshot()
    readers: list[str] = []
    read_all = store.read_all

    def recording(**kwargs: Any) -> list[RecordedEvent]:
        readers.append(threading.current_thread().name)
        return read_all(**kwargs)

    with patch.object(store, "read_all", recording):
        assert projections.rebuild(counter(), batch_size=5).status == "ok"

    assert snapshot() == incremental
    assert len(readers) >= 3 and all(name.startswith("rebuild-read") for name in readers)
    assert not [t for t in threading.enumerate() if t.name.startswith("rebuild-read")]


def test_a_rebuild_inside_a_transaction_reads_in_its_own(stream: str) -> None:
    readers: list[str] = []
    read_all = store.read_all

    def recording(**kwargs: Any) -> list[RecordedEvent]:
        readers.append(threading.current_thread().name)
        return read_all(**kwargs)

    with transaction.atomic(), patch.object(store, "read_all", recording):
        store.append(stream, things(4), expected_version=0)  # not committed yet
        assert projections.rebuild(counter(), batch_size=3).status == "ok"
        assert StreamCount.objects.get(stream_id=stream).events == 4
    assert readers and set(readers) == {threading.current_thread().name}


def test_a_failing_handler_halts_the_projection_at_that_event_and_never_skips_it(
    stream: str,
) -> None:
    projections.catch_up()
    result = store.append(stream, things(5), expected_version=0)
    bad = result.event_ids[2]
    StreamCounter.fail_on.add(bad)

    (run,) = projections.catch_up()

    assert run.status == "failed" and "cannot count" in run.error
    checkpoint = ProjectionCheckpoint.objects.get(name="stream_counter")
    failing = next(e for e in store.read_stream(stream) if e.event_id == bad)
    assert checkpoint.failed_position == failing.position
    assert checkpoint.failed_event_id == bad
    assert checkpoint.position == failing.position - 1  # the events before it are kept
    assert StreamCount.objects.get(stream_id=stream).events == 2

    # Still halted on the next run: the event is retried, not skipped.
    assert projections.catch_up()[0].status == "failed"
    assert StreamCount.objects.get(stream_id=stream).events == 2
    status = {s.name: s for s in projections.status()}["stream_counter"]
    assert status.failed_position == failing.position and status.lag > 0

    StreamCounter.fail_on.clear()  # the bug is fixed
    assert projections.catch_up()[0].status == "ok"
    assert StreamCount.objects.get(stream_id=stream).events == 5
    checkpoint.refresh_from_db()
    assert checkpoint.error == "" and checkpoint.failed_position is None


def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_doubles_nothing(stream: str) -> None:
    projections.catch_up()
    result = store.append(stream, things(10), expected_version=0)
    ledger.seal()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "CRASH_ON": str(result.event_ids[6]),
    }
    script = (
        "import django, os, uuid; django.setup();"
        "from tests.events.example_projection import StreamCounter;"
        "StreamCounter.crash_on.add(uuid.UUID(os.environ['CRASH_ON']));"
        "from events import projections;"
        "projections.run_projection(projections.get_projection('stream_counter'))"
    )
    crashed = subprocess.run([sys.executable, "-c", script], env=env, check=False)

    assert crashed.returncode == 17  # the process died inside the handler, mid-batch
    row = StreamCount.objects.filter(stream_id=stream).first()
    assert row is None  # the whole batch was rolled back with the process
    projections.catch_up()
    incremental = snapshot()
    assert StreamCount.objects.get(stream_id=stream).events == 10
    projections.rebuild(counter())
    assert snapshot() == incremental


@pytest.mark.postgres
def test_only_one_runner_per_projection_at_a_time(stream: str) -> None:
    store.append(stream, things(2), expected_version=0)
    other = connection.copy()  # a second session, like a second worker
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [projections._lock_key("stream_counter")]
            )
            result = projections.run_projection(counter())
            assert result.status == "busy"
            assert not StreamCount.objects.filter(stream_id=stream).exists()
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert projections.run_projection(counter()).status == "ok"
    assert StreamCount.objects.get(stream_id=stream).events == 2


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_an_append_queues_a_catch_up_on_commit(stream: str) -> None:
    projections.catch_up()
    with patch.object(
        projections_catch_up_task, "apply_async", wraps=projections_catch_up_task.apply_async
    ) as queued:
        store.append(stream, things(3), expected_version=0)
    assert queued.call_count == 1
    # Tasks run in-process in this configuration: the view is already up to date.
    assert StreamCount.objects.get(stream_id=stream).events == 3


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_nothing_is_queued_when_the_append_rolls_back(stream: str) -> None:
    with (
        patch.object(projections_catch_up_task, "apply_async") as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        store.append(stream, things(1), expected_version=0)
        raise RuntimeError("abort")
    assert queued.call_count == 0
    assert store.current_version(stream) == 0


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_broker_outage_does_not_fail_a_committed_append(stream: str) -> None:
    with patch.object(
        projections_catch_up_task, "apply_async", side_effect=ConnectionError("broker down")
    ):
        result = store.append(stream, things(1), expected_version=0)
    assert result.version == 1
    assert store.current_version(stream) == 1


def test_the_periodic_catch_up_is_in_the_beat_schedule() -> None:
    from tracker.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert any(entry["task"] == "events.projections_catch_up" for entry in schedule.values())


def test_projection_status_shows_head_checkpoint_and_lag(stream: str) -> None:
    projections.catch_up()
    store.append(stream, things(2), expected_version=0)
    ledger.seal()
    out = StringIO()
    call_command("projection_status", stdout=out)
    head = ledger.head()[0]
    assert "stream_counter" in out.getvalue()
    assert f"head {head:>9}" in out.getvalue()
    assert "lag 2" in out.getvalue()

    out = StringIO()
    call_command("projection_status", "--json", stdout=out)
    assert '"lag": 2' in out.getvalue()


def test_rebuilding_an_unknown_projection_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="Unknown projection 'nope'"):
        call_command("rebuild_projections", "nope")


class BatchBrokenCounter(StreamCounter):
    """Its batch handler is broken; one event at a time it works."""

    name = "batch_broken_counter"

    def handle_batch(self, events: list[store.RecordedEvent]) -> None:
        raise RuntimeError("batch bug")


def test_a_failing_batch_is_applied_one_event_at_a_time(stream: str, settings: Any) -> None:
    settings.EVENTS_PROJECTIONS = ["tests.events.test_projections.BatchBrokenCounter"]
    store.append(stream, things(3), expected_version=0)

    (result,) = projections.catch_up()

    assert result.status == "ok"
    assert StreamCount.objects.get(stream_id=stream).events == 3
