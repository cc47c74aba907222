"""/healthz and /readyz: JSON bodies, 200 when ready, 503 naming the failed check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from events import projections
from tests.compliance.scenario import record_deal

pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_is_up() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_broker_and_projection_lag(settings: Any) -> None:
    record_deal()
    projections.catch_up()
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert {"database", "broker", "projections"} <= body["checks"].keys()
    assert body["checks"]["projections"]["max_lag"] == 0


def test_readyz_is_503_while_a_projection_lags_beyond_the_bound(settings: Any) -> None:
    projections.catch_up()
    settings.EVENTS_READY_MAX_LAG = 2
    record_deal()  # 9 events nobody has projected yet
    from events import ledger

    ledger.seal()
    response = Client().get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["projections"]
    assert check["ok"] is False and "behind the log" in check["error"]


def test_readyz_is_503_when_the_broker_does_not_answer(settings: Any, monkeypatch: Any) -> None:
    from kombu import Connection

    from tracker.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A real Redis client pointed at a port where nothing listens.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = Client().get("/readyz")
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["ok"] is False and "Error" in broker["error"]
