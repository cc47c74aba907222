"""5a: a Celery worker killed with SIGKILL in the middle of a projection batch. After a
restart the read models equal a rebuild from the log: nothing lost, nothing doubled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from celery import Celery

from events import ledger, projections
from events.models import ProjectionCheckpoint
from tests.faults.portfolio import (
    compliance_projections,
    differences,
    read_models,
    rebuilt_read_models,
    record_portfolio,
)
from tests.faults.services import Process, RedisServer, app_env, celery_worker, scalar, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

APP_NAME = "faults-worker"
# A batch in flight: the worker's session holds a projection's advisory lock (taken for the
# batch's transaction only) inside an open transaction.
BATCH_IN_FLIGHT = """
SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
WHERE a.application_name = %s AND a.datname = current_database()
  AND a.xact_start IS NOT NULL AND l.locktype = 'advisory' AND l.granted
"""
COMMITTED_BATCHES = "SELECT count(*) FROM events_projection_checkpoint WHERE position > %s"
SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE application_name = %s AND datname = current_database()"
)


def send_catch_up(broker_url: str) -> None:
    """Queue the catch-up task as an append's commit (or beat) would. (The connection is
    explicit: Celery prefers the ``CELERY_BROKER_URL`` variable to a ``broker`` argument.)
    The client is not made the current app: the project's shared tasks would follow it, and
    the later tests' appends would queue their catch-up on this client's closed app."""
    with (
        Celery("faults", set_as_current=False) as client,
        client.connection_for_write(broker_url) as connection,
    ):
        client.send_task("events.projections_catch_up", queue="tracker", connection=connection)


def test_a_worker_killed_mid_batch_leaves_nothing_lost_or_doubled(
    redis_server: RedisServer,
    launch: Callable[[Process], Process],
    test_database_url: str,
    tmp_path: Path,
) -> None:
    projections.catch_up()  # whatever earlier tests left in the log
    before = ledger.head()[0]
    record_portfolio(400)  # 2,400+ events: several batches of 500 per projection
    ledger.seal()
    head = ledger.head()[0]
    names = [p.name for p in compliance_projections()]
    env = app_env(test_database_url, app_name=APP_NAME, broker_url=redis_server.url)

    with psycopg.connect(test_database_url, autocommit=True) as watcher:

        def in_flight() -> Any:
            if scalar(watcher, COMMITTED_BATCHES, [before]) == 0:
                return None  # kill after some batch committed, not before the first
            return watcher.execute(BATCH_IN_FLIGHT, [APP_NAME]).fetchone()

        worker = launch(celery_worker(env, tmp_path / "worker-1.log"))
        send_catch_up(redis_server.url)
        wait_for(in_flight, timeout=120, interval=0.002, what="a projection batch in flight")
        worker.kill()
        wait_for(
            lambda: scalar(watcher, SESSIONS, [APP_NAME]) == 0,
            timeout=10,
            what="PostgreSQL to end the killed worker's session",
        )

    positions = dict(
        ProjectionCheckpoint.objects.filter(name__in=names).values_list("name", "position")
    )
    assert min(positions.get(n, 0) for n in names) < head, (
        f"the kill came after the catch-up had finished: {positions}, head {head}"
    )
    assert max(positions.values()) > before, "the kill came before any batch committed"
    print(f"killed with the checkpoints at {positions}, the head at {head}")

    launch(celery_worker(env, tmp_path / "worker-2.log"))
    send_catch_up(redis_server.url)

    def caught_up() -> bool:
        rows = ProjectionCheckpoint.objects.filter(name__in=names).values_list("position", "error")
        return len(rows) == len(names) and all(p == head and not e for p, e in rows)

    wait_for(caught_up, timeout=180, interval=0.5, what="the restarted worker to catch up")
    incremental = read_models()
    assert sum(len(rows) for rows in incremental.values()) > 2400
    assert differences(incremental, rebuilt_read_models()) == {}
