"""Request ids: in the response, in the log lines, and in the events the request recorded;
an idempotent retry (another request, another id) still replays."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from events import store
from tests.compliance.api.conftest import World
from tracker.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def hire(version: int) -> dict[str, Any]:
    return {"type": "KeyPersonnelHired", "expected_version": version,
            "data": {"occurred_at": "2024-03-01T00:00:00Z", "count": 1}}  # fmt: skip


def test_the_request_id_reaches_the_response_and_the_recorded_event(world: World) -> None:
    client = world.client("analyst")
    url = f"/api/v1/streams/{world.a.investment}/events/"
    response = client.post(url, hire(3), format="json", HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-123"
    assert store.read_stream(world.a.investment)[-1].metadata["request_id"] == "req-123"
    fresh = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="not a sensible id!")
    assert fresh["X-Request-ID"] != "not a sensible id!" and len(fresh["X-Request-ID"]) == 32


def test_a_retry_in_another_request_still_replays(world: World) -> None:
    client = world.client("analyst")
    url = f"/api/v1/streams/{world.a.investment}/events/"
    first = client.post(url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="k",
                        HTTP_X_REQUEST_ID="first")  # fmt: skip
    again = client.post(url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="k",
                        HTTP_X_REQUEST_ID="second")  # fmt: skip
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert store.current_version(world.a.investment) == 4


def test_log_lines_are_json_with_the_request_id() -> None:
    from events.context import REQUEST_ID

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello %s", ("there",), None)
    token = REQUEST_ID.set("abc")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello there" and line["request_id"] == "abc"
    assert line["level"] == "WARNING"
