"""docs/api.md's walk-through, call by call: a lawyer's script records the Microsoft and
Mistral AI partnership, reads the findings and exports the log."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import projections

pytestmark = pytest.mark.django_db

DCD = "https://www.datacenterdynamics.com/en/news/european-commission-to-analyze-microsoft-and-mistral-ai-partnership/"


def test_the_walkthrough_of_docs_api_md() -> None:
    grant = ["jane", "--role", "analyst", "--matter", "M-2024-017", "--create"]
    call_command(
        "grant_access", *grant, "--matter-name", "Microsoft / Mistral AI", stdout=io.StringIO()
    )
    call_command("drf_create_token", "jane", stdout=io.StringIO())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user__username='jane').key}")

    def post(url: str, body: dict, **headers: Any) -> dict:
        response = api.post(f"/api/v1/{url}", body, format="json", **headers)
        assert response.status_code == 201, response.json()
        return dict(response.json())

    microsoft = post(
        "parties/",
        {"occurred_at": "1975-04-04T00:00:00Z", "name": "Microsoft Corporation",
         "kind": "company", "country": "US"},
        HTTP_IDEMPOTENCY_KEY="register-microsoft",
    )["stream_id"]  # fmt: skip
    mistral = post(
        "parties/",
        {"occurred_at": "2023-04-28T00:00:00Z", "name": "Mistral AI", "kind": "company",
         "country": "FR"},
    )["stream_id"]  # fmt: skip
    announced = post(
        "investments/",
        {"matter": "M-2024-017", "occurred_at": "2024-02-26T00:00:00Z",
         "investor_id": microsoft, "target_id": mistral,
         "title": "Microsoft - Mistral AI partnership and investment",
         "source": {"url": DCD, "publisher": "DatacenterDynamics",
                    "reliability": "reliable_press"}},
        HTTP_IDEMPOTENCY_KEY="announce-microsoft-mistral",
    )  # fmt: skip
    investment = announced["stream_id"]
    assert announced["version"] == 1
    note = {
        "type": "StakeAcquired", "expected_version": 1,
        "data": {"occurred_at": "2024-02-27T00:00:00Z", "instrument": "convertible_note",
                 "amount": {"amount": "15000000", "currency": "EUR"},
                 "conversion_trigger": "Mistral AI next funding round"},
        "source": {"url": "https://ttm.financial/m/news/2414824790",
                   "publisher": "TTM (Reuters)", "reliability": "reliable_press"},
    }  # fmt: skip
    assert post(f"streams/{investment}/events/", note)["version"] == 2
    stale = api.post(f"/api/v1/streams/{investment}/events/", note, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2

    projections.catch_up()
    position = api.get(f"/api/v1/investments/{investment}/").json()
    assert position["invested_eur"] == "15000000.00"
    assert "convertible_note" in position["holdings"]
    findings = api.get(f"/api/v1/investments/{investment}/findings/").json()
    assert {f["regime"] for f in findings} >= {"eumr", "dma_art14", "fdi_screening"}
    assert all(f["rationale"] and f["citation"] for f in findings)
    dated = api.get(f"/api/v1/investments/{investment}/findings/", {"as_of": "2024-03-01"})
    assert {f["regime"] for f in dated.json()} == {f["regime"] for f in findings}
    matrix = api.get("/api/v1/risk-matrix/").json()
    assert [row["investment_id"] for row in matrix["rows"]] == [investment]

    export = api.get("/api/v1/exports/events.ndjson", {"stream_id": investment})
    lines = [json.loads(line) for line in b"".join(export.streaming_content).splitlines()]  # type: ignore[attr-defined,unused-ignore]
    assert [e["type"] for e in lines] == ["InvestmentAnnounced", "StakeAcquired"]
    assert all(len(e["hash"]) == len(e["chain_hash"]) == 64 for e in lines)
    assert lines[1]["metadata"]["actor"] == "user:jane"
