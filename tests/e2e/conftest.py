"""Real Celery worker processes against Redis and the PostgreSQL test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from tests.db import database_url
from tracker.celery import app


@pytest.fixture
def worker_queue() -> Iterator[str]:
    """A queue of this test's own, and the test process sending real messages to it."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3)
    assert client.ping(), f"Redis is not reachable at {settings.CELERY_BROKER_URL}"
    queue = f"e2e-{uuid.uuid4().hex[:10]}"
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        client.delete(queue)


@pytest.fixture
def start_worker(worker_queue: str) -> Iterator[object]:
    """Start ``celery worker`` processes on the queue; all are stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*, concurrency: int = 2) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": worker_queue,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "-Q", worker_queue,
             "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "warning"],
            env=env,
            start_new_session=True,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until(predicate: object, *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
