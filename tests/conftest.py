from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("e2e"):
            item.fixturenames.insert(0, "_require_postgres")


@pytest.fixture
def _require_postgres(django_db_blocker: object) -> None:
    """Tests marked ``postgres`` fail, never skip, on another database."""
    assert connection.vendor == "postgresql", (
        "This test needs PostgreSQL: set DATABASE_URL to a postgres:// URL "
        "(or deselect it with -m 'not postgres' for the SQLite contract run)."
    )


@pytest.fixture(autouse=True)
def _celery_app_kept() -> Iterator[None]:
    """Every test leaves the project's Celery app the current one: the shared tasks follow
    the current app, so a client app a test made current would send the later tests'
    messages to its own broker and queue (an order-dependent failure once)."""
    from celery import current_app

    from tracker.celery import app

    yield
    assert current_app._get_current_object() is app, "a test left another Celery app current"


@pytest.fixture(autouse=True)
def _checkpoints_cleared(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """After a test that committed (a transactional one), its stored checkpoints are removed:
    the table is append-only, so Django's flush no longer empties it."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        from tests.events.checkpointing import clear_stored_checkpoints

        with django_db_blocker.unblock():
            clear_stored_checkpoints()


@pytest.fixture
def stream() -> str:
    """A fresh stream id: the log is never flushed between tests, so ids must not repeat."""
    return f"thing-{uuid.uuid4().hex}"


@pytest.fixture
def when() -> datetime:
    return datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def no_failures() -> Iterator[None]:
    from tests.events.example_projection import StreamCounter

    yield
    StreamCounter.fail_on.clear()
    StreamCounter.crash_on.clear()


@pytest.fixture
def only_stream_counter(settings: Any) -> None:
    """Run only the store's example projection: the events tests know nothing of compliance."""
    settings.EVENTS_PROJECTIONS = ["tests.events.example_projection.StreamCounter"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The test database, dropped at the end even if a process a test started (a live
    server, a worker) left a connection to it open."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
