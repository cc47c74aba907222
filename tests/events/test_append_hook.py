"""The store announces committed appends through ``events.signals.events_committed`` and
knows nothing of who listens: no Celery, no task module (the project wires its catch-up
task in events/apps.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from events import store
from events.signals import events_committed
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def heard() -> Iterator[list[int]]:
    """A receiver that counts the announcements it hears."""
    calls: list[int] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        assert sender is None and set(kwargs) == {"signal"}
        calls.append(1)

    events_committed.connect(receiver, dispatch_uid="test-heard")
    yield calls
    events_committed.disconnect(dispatch_uid="test-heard")


def test_the_store_module_imports_no_task_module_nor_celery() -> None:
    tree = ast.parse((ROOT / "events" / "store.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m and m.split(".")[0] in ("celery", "kombu", "tracker")}
    assert "events.tasks" not in imported


def test_importing_the_store_with_django_set_up_loads_no_celery(tmp_path: Path) -> None:
    code = (
        "import sys, django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['events'], DATABASES={'default': "
        "{'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}); django.setup(); "
        "import events.store; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('celery', 'kombu', 'tracker', 'compliance') or m == 'events.tasks'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_hook_hears_an_append_after_its_transaction_commits(heard: list[int], stream: str):
    with transaction.atomic():
        store.append(stream, things(2), expected_version=0)
        store.append(stream, things(1, start=2), expected_version=2)
        assert heard == []  # not before the commit
    assert heard == [1, 1]


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_hook_hears_an_append_made_outside_a_transaction(heard: list[int], stream: str):
    store.append(stream, things(1), expected_version=0)
    assert heard == [1]


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_hook_hears_nothing_of_an_append_that_rolls_back(heard: list[int], stream: str):
    with pytest.raises(RuntimeError), transaction.atomic():
        store.append(stream, things(1), expected_version=0)
        raise RuntimeError("abort")
    assert heard == []
    assert store.current_version(stream) == 0


def test_a_hook_hears_nothing_while_dispatch_is_off(heard: list[int], stream: str) -> None:
    with transaction.atomic():
        store.append(stream, things(1), expected_version=0)
    store.append(stream, things(1, start=1), expected_version=1)
    assert heard == []


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_failing_hook_neither_fails_the_append_nor_silences_the_others(
    heard: list[int], stream: str, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_kwargs: Any) -> None:
        raise ConnectionError("down")

    events_committed.connect(broken, dispatch_uid="test-broken")
    try:
        with transaction.atomic():
            result = store.append(stream, things(1), expected_version=0)
    finally:
        events_committed.disconnect(dispatch_uid="test-broken")
    assert result.version == 1 and store.current_version(stream) == 1
    assert heard == [1]
    assert "events_committed receiver" in caplog.text
