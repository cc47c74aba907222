"""Assessments and decisions through the API (issue 16, bad input): an unknown regime,
element, member state, currency, authority or legal basis, or a decision dated before its
proceeding opened, is a typed 4xx naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from events import store
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://example.org/a", "publisher": "Example", "reliability": "official"}


def assessment(version: int, **data: Any) -> dict[str, Any]:
    fields = {
        "occurred_at": "2024-03-01T00:00:00Z", "regime": "de_gwb_35_1a",
        "element": "significant_domestic_activity", "basis": "authority_statement",
        "author": "Bundeskartellamt", "source": "https://www.bundeskartellamt.de/x",
        "met": False, "member_state": "DE",
    }  # fmt: skip
    fields.update(data)
    body = {"type": "JurisdictionAssessed", "expected_version": version, "data": fields}
    return {**body, "source": SOURCE}


def post(world: World, stream: str, body: dict[str, Any]) -> Any:
    return world.client("analyst").post(f"/api/v1/streams/{stream}/events/", body, format="json")


def test_a_sourced_assessment_is_recorded_and_read_by_the_rules(world: World) -> None:
    inv = world.a.investment
    response = post(world, inv, assessment(3))
    assert response.status_code == 201, response.json()
    assert store.read_stream(inv)[-1].type == "JurisdictionAssessed"


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"regime": "de_gwb_99"}, 400, "data.regime"),
        ({"element": "vibes"}, 400, "data.element"),
        ({"basis": "rumour"}, 400, "data.basis"),
        ({"member_state": "XX"}, 422, "member_state"),
        ({"member_state": "FR"}, 422, "member_state"),
        ({"element": "uk_share_of_supply", "member_state": None}, 422, "element"),
        (
            {"element": "consideration", "met": None, "member_state": None,
             "bound": {"operator": ">", "amount": "400000000", "currency": "PCT"}},
            422, "bound.currency",
        ),
        (
            {"element": "consideration", "met": None, "member_state": None,
             "bound": {"operator": "~", "amount": "400000000", "currency": "EUR"}},
            400, "data.bound.operator",
        ),
    ],
)  # fmt: skip
def test_an_assessment_the_rules_cannot_read_is_a_typed_4xx_naming_the_field(
    world: World, data: dict[str, Any], status: int, field: str
) -> None:
    inv = world.a.investment
    response = post(world, inv, assessment(3, **data))
    assert response.status_code == status, response.json()
    assert response.json()["errors"][0]["field"] == field
    assert store.current_version(inv) == 3


def test_a_decision_dated_before_its_proceeding_opened_is_refused(world: World) -> None:
    proceeding = world.a.proceeding
    version = store.current_version(proceeding)
    body = {
        "type": "DecisionIssued", "expected_version": version,
        "data": {"occurred_at": "2024-05-01T00:00:00Z", "outcome": "not_a_concentration",
                 "decided_on": "2023-01-01"},
        "source": SOURCE,
    }  # fmt: skip
    response = post(world, proceeding, body)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "before_opened"
    assert response.json()["errors"][0]["field"] == "decided_on"
    assert store.current_version(proceeding) == version


@pytest.mark.parametrize(
    ("authority", "legal_basis", "regime", "code", "field"),
    [
        ("UK CMA", "EUMR Art 6(1)(b)", None, "unknown_authority", "authority"),
        ("European Commission", "Enterprise Act 2002", "eumr", "unknown_legal_basis",
         "legal_basis"),
    ],
)  # fmt: skip
def test_a_proceeding_of_an_unknown_authority_or_legal_basis_is_refused(
    world: World, authority: str, legal_basis: str, regime: str | None, code: str, field: str
) -> None:
    body = {
        "type": "ProceedingOpened", "expected_version": 0,
        "data": {"occurred_at": "2024-05-01T00:00:00Z", "authority": authority,
                 "legal_basis": legal_basis, "kind": "phase_1",
                 "investment_ids": [world.a.investment], "regime": regime},
        "source": SOURCE,
    }  # fmt: skip
    response = post(world, "proceeding-new-1", body)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["field"] == field
    assert store.current_version("proceeding-new-1") == 0
