"""Fixtures of the fault tests: processes started and stopped by each test.

Each test gets its own Redis (a private ``redis-server`` on a free port, never the shared
one) where it needs a broker, and its own gunicorn, Celery worker and beat processes on the
PostgreSQL test database. Everything is stopped after the test, before the test database is
flushed; the output of each process is printed then (pytest shows it when the test fails).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.db import database_url
from tests.faults.services import Process, RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer.create(tmp_path)
    server.start()
    yield server
    server.process.stop()


@pytest.fixture
def test_database_url(transactional_db: None) -> str:
    return database_url()


@pytest.fixture
def launch(transactional_db: None) -> Iterator[Callable[[Process], Process]]:
    """``launch(process)`` starts it; every launched process is stopped after the test."""
    launched: list[Process] = []

    def start(process: Process) -> Process:
        if process not in launched:
            launched.append(process)
        return process.start()

    yield start
    for process in launched:
        process.terminate()  # all at once, then wait for each
    for process in launched:
        process.stop()
    for process in launched:
        print(f"---- {process.name} ({process.log}), last lines:\n{process.tail()}")
