"""One error shape for every error; never a stack trace; size limits and throttling."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.throttling import UserRateThrottle

from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "title", "detail", "errors"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body.keys() >= SHAPE
    assert body["status"] == status and body["code"] == code
    assert "Traceback" not in str(body)
    return body


def test_malformed_json_is_a_400(world: World) -> None:
    response = world.client("analyst").post(
        "/api/v1/parties/", data="{not json", content_type="application/json"
    )
    assert_problem(response, 400, "parse_error")


def test_a_body_that_is_not_json_is_a_415(world: World) -> None:
    response = world.client("analyst").post(
        "/api/v1/parties/", data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_an_oversized_body_is_a_413_before_it_is_parsed(world: World, settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    body = {"occurred_at": "2024-01-01T00:00:00Z", "name": "x" * 2000, "kind": "company",
            "country": "FR"}  # fmt: skip
    response = world.client("analyst").post("/api/v1/parties/", body, format="json")
    assert_problem(response, 413, "payload_too_large")


def test_every_missing_field_is_listed(world: World) -> None:
    response = world.client("analyst").post("/api/v1/parties/", {}, format="json")
    body = assert_problem(response, 400, "invalid")
    assert {e["field"] for e in body["errors"]} == {"occurred_at", "name", "kind", "country"}


def test_unknown_paths_and_methods(world: World) -> None:
    client = world.client("analyst")
    assert_problem(client.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_problem(client.delete("/api/v1/parties/"), 405, "method_not_allowed")


def test_hostile_stream_ids_are_refused_cleanly(world: World) -> None:
    client = world.client("analyst")
    for stream in ["party-'; DROP TABLE events_event; --", "party-\u0000x", "x" * 300]:
        response = client.get(f"/api/v1/streams/{stream}/events/")
        assert response.status_code in {400, 404}, stream
        assert response.json().keys() >= SHAPE


def test_an_unexpected_failure_is_a_bare_500(world: World, monkeypatch: Any) -> None:
    from compliance import selectors

    def explode(**_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "party_list", explode)
    client = world.client("viewer")
    client.raise_request_exception = False
    body = assert_problem(client.get("/api/v1/parties/"), 500, "server_error")
    assert "secret" not in str(body)


def test_a_lost_database_is_a_retryable_503(world: World, monkeypatch: Any) -> None:
    from django.db import OperationalError

    from compliance import selectors

    def down(**_: Any) -> None:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(selectors, "party_list", down)
    response = world.client("viewer").get("/api/v1/parties/")
    assert_problem(response, 503, "unavailable")
    assert response["Retry-After"] == "1"


def test_too_many_requests_are_a_429_with_retry_after(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = world.client("viewer")
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    response = client.get("/api/v1/me/")
    body = assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) == body["retry_after"] > 0
