"""One error shape for every error; never a stack trace; size limits and throttling."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from rest_framework.throttling import UserRateThrottle

from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "title", "detail", "errors"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
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


def test_a_body_just_over_the_production_limit_is_a_413(world: World, settings: Any) -> None:
    assert settings.API_MAX_BODY_BYTES == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 256 * 1024
    body = json.dumps({"occurred_at": "2024-01-01T00:00:00Z", "name": "", "kind": "company",
                       "country": "FR"})  # fmt: skip
    body = body.replace('"name": ""', '"name": "' + "x" * (256 * 1024 + 1 - len(body)) + '"')
    assert len(body) == 256 * 1024 + 1
    response = world.client("analyst").post(
        "/api/v1/parties/", data=body, content_type="application/json"
    )
    problem = assert_problem(response, 413, "payload_too_large")
    assert problem["limit"] == 256 * 1024
    assert problem["errors"] == [{"field": "body", "reason": problem["detail"]}]


def test_a_body_at_the_production_limit_is_parsed(world: World) -> None:
    body = json.dumps({"occurred_at": "2024-01-01T00:00:00Z", "name": "", "kind": "company",
                       "country": "FR"})  # fmt: skip
    body = body.replace('"name": ""', '"name": "' + "x" * (256 * 1024 - len(body)) + '"')
    response = world.client("analyst").post(
        "/api/v1/parties/", data=body, content_type="application/json"
    )
    body_problem = assert_problem(response, 400, "invalid")  # parsed: the name is too long
    assert body_problem["errors"][0]["field"] == "name"


@pytest.mark.parametrize("levels", [33, 200, 1000, 40_000])
def test_deeply_nested_json_is_a_400(world: World, levels: int) -> None:
    for body in ["[" * levels + "]" * levels, '{"a":' * levels + "1" + "}" * levels]:
        response = world.client("analyst").post(
            "/api/v1/parties/", data=body, content_type="application/json"
        )
        problem = assert_problem(response, 400, "parse_error")
        assert "nested deeper than 32 levels" in problem["detail"]


def test_nesting_up_to_the_limit_is_parsed(world: World) -> None:
    data = {"occurred_at": "2024-01-01T00:00:00Z", "x": 1}
    for _ in range(30):
        data = {"nested": data}
    response = world.client("analyst").post(
        f"/api/v1/streams/{world.a.investment}/events/",
        {"type": "StakeAcquired", "data": data, "expected_version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] != "parse_error"  # refused by the event's schema instead


def test_duplicate_keys_are_a_400_naming_the_key(world: World) -> None:
    response = world.client("analyst").post(
        "/api/v1/parties/",
        data='{"occurred_at": "2024-01-01T00:00:00Z", "name": "A", "kind": "company", '
        '"country": "FR", "name": "B"}',
        content_type="application/json",
    )
    problem = assert_problem(response, 400, "parse_error")
    assert problem["errors"] == [{"field": "name", "reason": problem["detail"]}]
    assert "'name' appears twice" in problem["detail"]


def test_every_missing_field_is_listed(world: World) -> None:
    response = world.client("analyst").post("/api/v1/parties/", {}, format="json")
    body = assert_problem(response, 400, "invalid")
    assert {e["field"] for e in body["errors"]} == {"occurred_at", "name", "kind", "country"}


def test_unknown_paths_and_methods(world: World) -> None:
    client = world.client("analyst")
    assert_problem(client.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_problem(client.get("/api/v1/reports/%0A/"), 404, "not_found")  # was Django's HTML
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
    # A count of its own: on Redis, an earlier run's user with the same id is still counted.
    fresh = f"throttle_%(scope)s_%(ident)s_{uuid.uuid4().hex}"
    monkeypatch.setattr(UserRateThrottle, "cache_format", fresh)
    client = world.client("viewer")
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    response = client.get("/api/v1/me/")
    body = assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) == body["retry_after"] > 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/parties/%00/",
        "/api/v1/proceedings/%00/",
        "/api/v1/matters/%00/",
        "/api/v1/investments/%00/",
        "/api/v1/investments/investment-%00/timeline/",
        "/api/v1/investments/investment-%00/findings/",
        "/api/v1/investments/investment-%00/findings/diff/",
        "/api/v1/streams/party-%00/events/",
        "/api/v1/events/%00/",
        "/api/v1/event-types/%00/",
        "/api/v1/reports/%00/",
        "/api/v1/parties/?name=%00",
        "/api/v1/events/?stream_id=party-%00",
        "/admin/compliance/matter/%00/change/",
    ],
)
def test_a_nul_in_the_url_is_a_400(world: World, path: str) -> None:
    for method in ["get", "post", "patch"]:
        response = getattr(world.client("admin"), method)(path, {}, format="json")
        problem = assert_problem(response, 400, "invalid")
        assert problem["errors"] == [{"field": "url", "reason": problem["detail"]}]


def test_a_chunked_body_is_refused_with_411(world: World) -> None:
    """As gunicorn hands it over: Transfer-Encoding, and no Content-Length (Django would read
    the body as empty, so the answer was a misleading 400 naming every field missing)."""
    body = (
        '{"occurred_at": "2024-01-01T00:00:00Z", "name": "A", "kind": "company", "country": "FR"}'
    )
    response = world.client("analyst").generic(
        "POST",
        "/api/v1/parties/",
        body,
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    problem = assert_problem(response, 411, "length_required")
    assert problem["errors"][0]["field"] == "Content-Length"
