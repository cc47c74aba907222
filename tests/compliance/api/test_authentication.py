"""The per-process token cache (compliance/api/authentication.py): fewer queries, revocation
at once in the process that changes access and within API_ACCESS_CACHE_SECONDS elsewhere,
and access granted seen at once by single-object reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from compliance.api import authentication
from compliance.models import Matter
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    authentication.forget_access()
    yield
    authentication.forget_access()


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the cache's clock on, as if that many seconds had passed."""
    now = authentication.time.monotonic()
    monkeypatch.setattr(authentication.time, "monotonic", lambda: now + seconds)


def _behind_the_back(sql: str, params: list[Any]) -> None:
    """A change made by another process: no signal reaches this one."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_remembered_token_saves_the_token_and_access_queries(world: World) -> None:
    client = world.client("viewer")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/risk-matrix/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/risk-matrix/").status_code == 200
    assert len(second) == len(first) - 2
    assert "authtoken_token" not in " ".join(q["sql"] for q in second.captured_queries)


def test_no_cache_when_the_window_is_zero(world: World, settings: Any) -> None:
    settings.API_ACCESS_CACHE_SECONDS = 0
    client = world.client("viewer")
    client.get("/api/v1/risk-matrix/")
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/v1/risk-matrix/").status_code == 200
    assert "authtoken_token" in " ".join(q["sql"] for q in again.captured_queries)


def test_changes_in_this_process_take_effect_at_once(world: World) -> None:
    client = world.client("analyst")
    findings = f"/api/v1/investments/{world.a.investment}/findings/"
    assert client.get(findings).status_code == 200
    Matter.objects.get(code="A-1").members.remove(world.users["analyst"])
    assert client.get(findings).status_code == 404
    assert client.get("/api/v1/risk-matrix/").json()["rows"] == []

    world.users["viewer"].groups.clear()
    viewer = world.client("viewer")
    assert viewer.get("/api/v1/risk-matrix/").status_code == 403

    admin = world.client("admin")
    assert admin.get("/api/v1/me/").status_code == 200
    Token.objects.filter(user=world.users["admin"]).delete()
    assert admin.get("/api/v1/me/").status_code == 401


def test_a_revocation_elsewhere_lasts_at_most_the_window(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = world.client("analyst")
    findings = f"/api/v1/investments/{world.a.investment}/findings/"
    assert client.get(findings).status_code == 200
    _behind_the_back(
        "DELETE FROM compliance_matter_members WHERE user_id = %s",
        [world.users["analyst"].pk],
    )
    assert client.get(findings).status_code == 200  # within the window: still remembered
    _later(monkeypatch, settings.API_ACCESS_CACHE_SECONDS + 0.1)
    assert client.get(findings).status_code == 404
    assert client.get("/api/v1/risk-matrix/").json()["rows"] == []


def test_access_granted_elsewhere_is_seen_at_once_for_one_object(world: World) -> None:
    client = world.client("other")  # matter B: matter A's deal is behind the wall
    findings = f"/api/v1/investments/{world.a.investment}/findings/"
    position = f"/api/v1/investments/{world.a.investment}/"
    assert client.get(findings).status_code == 404
    assert client.get(findings).status_code == 404  # remembered now
    _behind_the_back(
        "INSERT INTO compliance_matterinvestment (matter_id, investment_id) VALUES (%s, %s)",
        [Matter.objects.get(code="B-1").pk, world.a.investment],
    )
    assert client.get(findings).status_code == 200
    assert client.get(position).status_code == 200


def test_a_remembered_miss_is_still_a_404(world: World) -> None:
    """The recheck reads access again but does not open the wall."""
    client = world.client("other")
    client.get("/api/v1/me/")
    for url in (
        f"/api/v1/investments/{world.a.investment}/",
        f"/api/v1/investments/{world.a.investment}/findings/",
        f"/api/v1/proceedings/{world.a.proceeding}/",
        f"/api/v1/streams/{world.a.investment}/events/",
    ):
        assert client.get(url).status_code == 404, url
