"""Values the store refuses reach an API client as a 400 in the one error shape, naming the
field, and nothing is written (issue 15: an occurred_at beyond UTC's range was a 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from events import store
from tests.compliance.api import conftest
from tests.compliance.api.conftest import World

world = conftest.world  # the API tests' world: two matters, a deal in each, a user per role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def record(world: World, data: dict[str, Any], *, raw: str | None = None) -> Any:
    stream = world.a.investment
    body = {"type": "GovernanceRightGranted", "data": data,
            "expected_version": store.current_version(stream)}  # fmt: skip
    text = raw if raw is not None else json.dumps(body)
    return world.client("analyst").post(
        f"/api/v1/streams/{stream}/events/", data=text, content_type="application/json"
    )


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_an_occurred_at_beyond_utc_is_a_400_naming_it(world: World, when: str) -> None:
    before = store.current_version(world.a.investment)
    response = record(world, {"occurred_at": when, "right": "observer_seat"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_payload"
    assert [e["field"] for e in body["errors"]] == ["data.occurred_at"]
    assert store.current_version(world.a.investment) == before


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\u0000"])
def test_a_lone_surrogate_or_nul_in_a_payload_is_a_400_naming_it(world: World, escape: str) -> None:
    before = store.current_version(world.a.investment)
    raw = json.dumps({"type": "EventRetracted", "expected_version": before, "data": {
        "occurred_at": "2024-01-01T00:00:00Z", "target_event_id": str(_last_event(world)),
        "reason": "REASON"}}).replace("REASON", f"bad {escape}")  # fmt: skip
    response = record(world, {}, raw=raw)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_payload"
    assert [e["field"] for e in body["errors"]] == ["data.reason"]
    assert store.current_version(world.a.investment) == before


def _last_event(world: World) -> Any:
    return store.read_stream(world.a.investment)[-1].event_id


@pytest.mark.parametrize("expected", [2**31 - 1, 2**31, 2**63, 10**30])
def test_an_expected_version_beyond_the_version_column_is_a_4xx(
    world: World, expected: int
) -> None:
    """Never a DataError's 500: the service answers a conflict (the stream is not there) or
    the store refuses the version (``store.MAX_VERSION``)."""
    before = store.current_version(world.a.investment)
    data = {"occurred_at": "2024-01-01T00:00:00Z", "right": "veto"}
    raw = json.dumps({"type": "GovernanceRightGranted", "expected_version": expected, "data": data})
    response = record(world, {}, raw=raw)
    assert response.status_code in {400, 409}, response.content
    body = response.json()
    assert body["code"] in {"invalid_expected_version", "version_conflict"}
    assert [e["field"] for e in body["errors"]] == ["expected_version"]
    assert store.current_version(world.a.investment) == before
