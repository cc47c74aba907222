"""The Celery worker's memory setting, as the `celery worker` command really reads it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.tracker.test_project import ROOT, run_settings


def test_max_tasks_per_child_0_means_never_and_the_worker_starts(tmp_path: Path) -> None:
    """`celery worker` also reads CELERY_WORKER_MAX_TASKS_PER_CHILD as its own option; 0 used
    to reach billiard, which refuses it ("maxtasksperchild must be a positive int or None"),
    and the worker exited at once."""
    settings = run_settings(
        {"CELERY_WORKER_MAX_TASKS_PER_CHILD": "0"},
        "from django.conf import settings as s; print(s.CELERY_WORKER_MAX_TASKS_PER_CHILD)",
    )
    assert settings.returncode == 0, settings.stderr
    assert settings.stdout.split() == ["None"]
    assert run_settings(
        {"CELERY_WORKER_MAX_TASKS_PER_CHILD": "7"},
        "from django.conf import settings as s; print(s.CELERY_WORKER_MAX_TASKS_PER_CHILD)",
    ).stdout.split() == ["7"]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="memory://localhost/",
        CELERY_WORKER_MAX_TASKS_PER_CHILD="0",
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "-l", "info",
             "--concurrency", "1", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-Q", "max_tasks_test"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if " ready." in log.read_text(errors="replace"):
                break
            time.sleep(0.3)
        text = log.read_text(errors="replace")
        assert worker.poll() is None, text
        assert " ready." in text, text
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
