"""Recording through the admin's typed forms: one event at the version shown, a clear
message on a concurrent change, validation through the services, new streams by their first
event, and the walls."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.utils import quote

from compliance.models import MatterInvestment
from events import store
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

SOURCE = {"source.url": "https://example.org/deal", "source.publisher": "Example Wire",
          "source.reliability": "reliable_press"}  # fmt: skip


def stake(version: int, **extra: str) -> dict[str, Any]:
    return {
        "expected_version": str(version),
        "occurred_at_0": "2024-03-01", "occurred_at_1": "00:00:00",
        "instrument": "ordinary_shares", "amount.amount": "1000000", "amount.currency": "EUR",
        "equity_pct": "2.5", **SOURCE, **extra,
    }  # fmt: skip


def form_url(stream_id: str, type_name: str) -> str:
    return f"/admin/events/storedevent/record/{stream_id}/{type_name}/"


def test_the_choice_offers_the_types_of_the_stream(world: World, browse: Any) -> None:
    page = browse("analyst").get(f"/admin/events/storedevent/record/{world.a.investment}/")
    text = page.content.decode()
    assert "StakeAcquired" in text and "KeyPersonnelHired" in text
    assert "DeadlineSet" not in text  # a proceeding's event
    assert "InvestmentAnnounced" not in text  # the stream is open already


def test_a_stake_with_its_source_is_recorded_once_at_the_version_shown(
    world: World, browse: Any
) -> None:
    client = browse("analyst")
    form = client.get(form_url(world.a.investment, "StakeAcquired")).content.decode()
    assert 'name="amount.currency"' in form and 'name="source.url"' in form
    assert 'value="3"' in form  # the expected version
    response = client.post(form_url(world.a.investment, "StakeAcquired"), stake(3))
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/admin/compliance/investmentposition/{quote(world.a.investment)}/change/"
    )
    last = store.read_stream(world.a.investment)[-1]
    assert (last.version, last.type) == (4, "StakeAcquired")
    assert str(last.event.equity_pct) == "2.5"
    assert last.metadata["actor"] == "user:analyst"
    assert last.metadata["source"]["publisher"] == "Example Wire"
    again = client.post(form_url(world.a.investment, "StakeAcquired"), stake(3))
    assert again.status_code == 200  # the stream moved on: nothing saved twice
    text = again.content.decode()
    assert "Someone recorded on this stream while you were typing" in text
    assert 'value="4"' in text  # the form now carries the current version
    assert store.current_version(world.a.investment) == 4


def test_invalid_input_is_shown_on_its_field_and_nothing_is_recorded(
    world: World, browse: Any
) -> None:
    client = browse("analyst")
    bad = client.post(form_url(world.a.investment, "StakeAcquired"), stake(3, equity_pct="150"))
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()
    refused = client.post(
        form_url(world.a.investment, "StakeDisposed"),
        {"expected_version": "3", "occurred_at_0": "2024-03-01", "occurred_at_1": "00:00",
         "instrument": "safe", "equity_pct": "1"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert "No safe is held." in refused.content.decode()
    assert store.current_version(world.a.investment) == 3


def test_a_new_party_and_a_new_investment_are_created_by_their_first_event(
    world: World, browse: Any
) -> None:
    client = browse("analyst")
    made = client.post(
        form_url("party-new", "PartyRegistered"),
        {"expected_version": "0", "occurred_at_0": "2023-04-28", "occurred_at_1": "00:00",
         "name": "Mistral AI", "kind": "company", "country": "FR"},
    )  # fmt: skip
    assert made.status_code == 302
    party = made["Location"].split("/")[-3]
    assert store.read_stream(party)[0].event.name == "Mistral AI"
    matter = MatterInvestment.objects.get(investment_id=world.a.investment).matter
    announced = client.post(
        form_url("investment-new", "InvestmentAnnounced"),
        {"expected_version": "0", "occurred_at_0": "2024-02-26", "occurred_at_1": "00:00",
         "investor_id": world.a.investor, "target_id": party, "title": "New deal",
         "filing_matter": str(matter.pk)},
    )  # fmt: skip
    assert announced.status_code == 302, announced.content.decode()[:2000]
    investment = announced["Location"].split("/")[-3]
    assert MatterInvestment.objects.filter(matter=matter, investment_id=investment).exists()


def test_viewers_cannot_record_and_walls_hold(world: World, browse: Any) -> None:
    assert (
        browse("viewer").post(form_url(world.a.investment, "StakeAcquired"), stake(3)).status_code
        == 403
    )
    other = browse("other")
    assert other.get(form_url(world.a.investment, "StakeAcquired")).status_code == 404
    assert other.post(form_url(world.a.investment, "StakeAcquired"), stake(3)).status_code == 404
    hidden = other.get(f"/admin/compliance/investmentposition/{quote(world.a.investment)}/change/")
    assert hidden.status_code == 404
    listed = other.get("/admin/compliance/investmentposition/").content.decode()
    assert world.a.investment not in listed and world.b.investment in listed
    events = other.get("/admin/events/storedevent/", {"q": world.a.investment}).content.decode()
    assert "0 stored events" in events
    assert store.current_version(world.a.investment) == 3


def test_a_proceeding_cannot_be_opened_about_a_hidden_investment(world: World, browse: Any) -> None:
    response = browse("other").post(
        form_url("proceeding-new", "ProceedingOpened"),
        {"expected_version": "0", "occurred_at_0": "2024-03-01", "occurred_at_1": "00:00",
         "authority": "European Commission", "legal_basis": "Art 22", "kind": "referral_request",
         "investment_ids": world.a.investment},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        f"No investment {world.a.investment!r} is recorded."
        in response.content.decode().replace("&#x27;", "'")
    )


def test_a_paralegal_records_a_sourced_assessment_with_a_bound(world: World, browse: Any) -> None:
    """Issue 16 point 4 in the admin: the assessment form has the bound's fields; a currency
    that is not one is shown on its field and nothing is recorded."""
    client = browse("analyst")
    url = form_url(world.a.investment, "JurisdictionAssessed")
    form = client.get(url).content.decode()
    assert 'name="bound.operator"' in form and 'name="bound.currency"' in form
    data = {
        "expected_version": "3", "occurred_at_0": "2024-03-01", "occurred_at_1": "00:00:00",
        "regime": "de_gwb_35_1a", "element": "consideration", "basis": "public_report",
        "author": "Reuters", "source": "https://example.org/price",
        "bound.operator": ">", "bound.amount": "650000000", "bound.currency": "PCT", **SOURCE,
    }  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200 and "not a currency" in refused.content.decode()
    assert store.current_version(world.a.investment) == 3
    response = client.post(url, {**data, "bound.currency": "EUR"})
    assert response.status_code == 302, response.content.decode()[:2000]
    last = store.read_stream(world.a.investment)[-1]
    assert last.type == "JurisdictionAssessed" and last.event.bound.amount == 650_000_000
