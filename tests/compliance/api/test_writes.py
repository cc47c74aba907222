"""Recording through the API: versions, idempotency keys, the acting user, the domain's
refusals, and the opening endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from compliance.models import MatterInvestment
from events import store
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def hire(version: int, count: int = 2) -> dict[str, Any]:
    return {
        "type": "KeyPersonnelHired",
        "expected_version": version,
        "data": {"occurred_at": "2024-03-01T00:00:00Z", "count": count, "roles": ["engineer"]},
        "source": {
            "url": "https://example.org/a",
            "publisher": "Example",
            "reliability": "official",
        },
    }


def test_recording_an_event_returns_the_new_version_and_records_the_acting_user(
    world: World,
) -> None:
    inv = world.a.investment
    url = f"/api/v1/streams/{inv}/events/"
    response = world.client("analyst").post(url, hire(3), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["stream_id"] == inv and body["version"] == 4
    last = store.read_stream(inv)[-1]
    assert str(last.event_id) == body["event_id"]
    assert last.metadata["actor"] == "user:analyst"
    assert last.metadata["source"]["publisher"] == "Example"


def test_the_acting_user_cannot_be_given_in_the_body(world: World) -> None:
    url = f"/api/v1/streams/{world.a.investment}/events/"
    response = world.client("analyst").post(url, {**hire(3), "actor": "someone"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "actor", "reason": "Unknown field."}]
    assert store.current_version(world.a.investment) == 3


def test_a_stale_expected_version_is_a_409_with_the_current_version(world: World) -> None:
    url = f"/api/v1/streams/{world.a.investment}/events/"
    response = world.client("analyst").post(url, hire(2), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "version_conflict"
    assert body["current_version"] == 3
    assert body["errors"][0]["field"] == "expected_version"


def test_a_repeated_idempotency_key_returns_the_original_response_and_writes_nothing(
    world: World,
) -> None:
    client = world.client("analyst")
    url = f"/api/v1/streams/{world.a.investment}/events/"
    first = client.post(url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert store.current_version(world.a.investment) == 4
    other = client.post(url, hire(3, count=5), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert store.current_version(world.a.investment) == 4


def test_idempotency_keys_are_private_to_each_user(world: World) -> None:
    url = f"/api/v1/streams/{world.a.investment}/events/"
    world.client("analyst").post(url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = world.client("admin").post(url, hire(4), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201
    assert store.current_version(world.a.investment) == 5


def test_a_bad_idempotency_key_is_a_400(world: World) -> None:
    url = f"/api/v1/streams/{world.a.investment}/events/"
    response = world.client("analyst").post(
        url, hire(3), format="json", HTTP_IDEMPOTENCY_KEY="x" * 101
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_an_invalid_payload_names_the_field_inside_data(world: World) -> None:
    body = hire(3)
    body["data"]["count"] = 0
    response = world.client("analyst").post(
        f"/api/v1/streams/{world.a.investment}/events/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payload"
    assert response.json()["errors"][0]["field"] == "data.count"


def test_a_refusal_of_the_domain_is_a_422_with_its_code(world: World) -> None:
    body = {
        "type": "StakeDisposed",
        "expected_version": 3,
        "data": {"occurred_at": "2024-03-01T00:00:00Z", "instrument": "ordinary_shares",
                 "equity_pct": "5"},
    }  # fmt: skip
    response = world.client("analyst").post(
        f"/api/v1/streams/{world.a.investment}/events/", body, format="json"
    )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "instrument_not_held"
    assert store.current_version(world.a.investment) == 3


def test_announcing_an_investment_files_it_in_the_matter_and_retries_safely(
    world: World,
) -> None:
    client = world.client("analyst")
    body = {
        "occurred_at": "2024-02-26T00:00:00Z", "matter": "A-1", "investor_id": world.a.investor,
        "target_id": world.a.target, "title": "Partnership",
        "source": {"url": "https://example.org/p", "publisher": "Example"},
    }  # fmt: skip
    first = client.post("/api/v1/investments/", body, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
    again = client.post("/api/v1/investments/", body, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    investment_id = first.json()["stream_id"]
    assert store.current_version(investment_id) == 1
    assert (
        MatterInvestment.objects.filter(matter__code="A-1", investment_id=investment_id).count()
        == 1
    )
    assert client.get(f"/api/v1/streams/{investment_id}/events/").json()["version"] == 1


def test_announcing_between_unknown_parties_writes_nothing_at_all(world: World) -> None:
    body = {
        "occurred_at": "2024-02-26T00:00:00Z", "matter": "A-1", "investor_id": "party-nobody",
        "target_id": world.a.target, "title": "Partnership",
    }  # fmt: skip
    before = MatterInvestment.objects.count()
    response = world.client("analyst").post("/api/v1/investments/", body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "investor_id"
    assert MatterInvestment.objects.count() == before


def test_registering_a_party_and_opening_a_proceeding(world: World) -> None:
    client = world.client("analyst")
    party = client.post(
        "/api/v1/parties/",
        {"occurred_at": "2024-01-01T00:00:00Z", "name": "Mistral AI", "kind": "company",
         "country": "FR"},
        format="json",
    )  # fmt: skip
    assert party.status_code == 201
    assert store.read_stream(party.json()["stream_id"])[0].type == "PartyRegistered"
    proceeding = client.post(
        "/api/v1/proceedings/",
        {"occurred_at": "2024-04-01T00:00:00Z", "authority": "Bundeskartellamt",
         "legal_basis": "GWB s 39", "kind": "merger_inquiry",
         "investment_ids": [world.a.investment]},
        format="json",
    )  # fmt: skip
    assert proceeding.status_code == 201
    opened = store.read_stream(proceeding.json()["stream_id"])[0]
    assert opened.event.investment_ids == [world.a.investment]


def test_a_new_investment_stream_cannot_be_opened_around_the_matters(world: World) -> None:
    stream = "investment-sideways"
    body = {
        "type": "InvestmentAnnounced", "expected_version": 0,
        "data": {"occurred_at": "2024-01-01T00:00:00Z", "investor_id": world.a.investor,
                 "target_id": world.a.target, "title": "Sideways"},
    }  # fmt: skip
    response = world.client("analyst").post(
        f"/api/v1/streams/{stream}/events/", body, format="json"
    )
    assert response.status_code == 404
    assert store.current_version(stream) == 0


def test_session_authentication_requires_the_csrf_token(world: World) -> None:
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="analyst", password="pw-analyst")
    assert client.get("/api/v1/me/").json()["role"] == "analyst"
    url = f"/api/v1/streams/{world.a.investment}/events/"
    response = client.post(url, hire(3), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
