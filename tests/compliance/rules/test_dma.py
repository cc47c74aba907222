"""DMA Art 14: the gatekeeper's information duty."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from compliance.domain.events import (
    GatekeeperDesignationRevoked,
    GovernanceRightGranted,
    StakeAcquired,
)
from compliance.domain.values import GovernanceRight, Instrument
from compliance.rules import dma
from compliance.rules.base import DealFacts, Status
from compliance.rules.packs import Designations
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, gatekeeper, pack, party

PACK = pack("dma_art14")
CONTROL = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
)
MINORITY = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("5")
)


def test_a_gatekeeper_acquiring_control_must_inform_whatever_the_thresholds() -> None:
    finding = dma.evaluate(deal(CONTROL, investor=(gatekeeper(),)), PACK)
    assert finding.status == Status.INFORMATION_DUTY
    assert finding.citation == "DMA Art 14(1)"


def test_the_duty_starts_on_the_designation_date() -> None:
    before = deal(CONTROL, investor=(gatekeeper("2023-09-05"),), as_of=date(2023, 9, 4))
    on = deal(CONTROL, investor=(gatekeeper("2023-09-05"),), as_of=date(2023, 9, 5))
    assert dma.evaluate(before, PACK).status == Status.NOT_NOTIFIABLE
    assert dma.evaluate(on, PACK).status == Status.INFORMATION_DUTY


def test_no_concentration_no_duty() -> None:
    assert dma.evaluate(deal(MINORITY, investor=(gatekeeper(),)), PACK).status == (
        Status.NOT_NOTIFIABLE
    )


def test_not_a_gatekeeper_no_duty() -> None:
    assert dma.evaluate(deal(CONTROL), PACK).status == Status.NOT_NOTIFIABLE


def test_unknown_control_is_insufficient_data() -> None:
    finding = dma.evaluate(deal(investor=(gatekeeper(),)), PACK)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert finding.missing


def test_a_veto_counts_as_possible_control() -> None:
    veto = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.VETO)
    finding = dma.evaluate(deal(MINORITY, veto, investor=(gatekeeper(),)), PACK)
    assert finding.status == Status.INFORMATION_DUTY


# ---------------------------------------------------------------- designations as data


def amazon_subsidiary(as_of: date, *events: Event) -> DealFacts:
    """An investor with no designation event whose group parent is Amazon.com, Inc."""
    facts = deal(CONTROL, *events, as_of=as_of)
    parent = party("party-amazon", "Amazon.com, Inc.")
    investor = replace(facts.investor, name="Amazon Web Services EMEA SARL",
                       group_parent_id="party-amazon")  # fmt: skip
    return replace(facts, investor=investor, groups={"party-amazon": parent})


def test_a_designated_group_makes_its_subsidiary_a_gatekeeper_from_the_designation() -> None:
    after = dma.evaluate(amazon_subsidiary(date(2023, 9, 7)), pack("dma_art14", date(2023, 9, 7)))
    assert after.status == Status.INFORMATION_DUTY
    assert "group of Amazon.com, Inc." in after.rationale
    assert "Amazon designated on 2023-09-06" in after.rationale
    assert "https://digital-markets-act.ec.europa.eu/gatekeepers_da" in after.rationale
    before = dma.evaluate(amazon_subsidiary(date(2023, 9, 5)), pack("dma_art14", date(2023, 9, 5)))
    assert before.status == Status.NOT_NOTIFIABLE
    assert "was not a gatekeeper on 2023-09-05" in before.rationale


def test_the_investors_own_name_matches_normalised() -> None:
    facts = deal(CONTROL, as_of=date(2024, 6, 1))
    facts = replace(facts, investor=replace(facts.investor, name="META PLATFORMS, INC"))
    assert dma.evaluate(facts, PACK).status == Status.INFORMATION_DUTY
    assert dma.normalised("Amazon.com, Inc.") == "amazon com"
    assert dma.normalised("Booking Holdings Inc.") == "booking"
    assert dma.normalised("Nvidia Corporation") == "nvidia"


def test_booking_is_a_gatekeeper_only_from_2024_05_13() -> None:
    def booking(on: date) -> Status:
        facts = deal(CONTROL, as_of=on)
        named = replace(facts, investor=replace(facts.investor, name="Booking Holdings Inc."))
        return dma.evaluate(named, pack("dma_art14", on)).status

    assert booking(date(2024, 5, 12)) == Status.NOT_NOTIFIABLE
    assert booking(date(2024, 5, 13)) == Status.INFORMATION_DUTY


def test_an_unlisted_investor_is_no_gatekeeper_only_while_the_list_is_complete() -> None:
    within = dma.evaluate(deal(CONTROL, as_of=date(2024, 6, 1)), PACK)
    assert within.status == Status.NOT_NOTIFIABLE
    assert "not among the gatekeepers the Commission had designated" in within.rationale
    later = date(2025, 6, 1)
    after = dma.evaluate(deal(CONTROL, as_of=later), pack("dma_art14", later))
    assert after.status == Status.INSUFFICIENT_DATA
    assert any("designated a DMA gatekeeper between 2024-12-31 and 2025-06-01" in m
               for m in after.missing)  # fmt: skip
    # A minority stake decides whatever the designation.
    minority = dma.evaluate(deal(MINORITY, as_of=later), pack("dma_art14", later))
    assert minority.status == Status.NOT_NOTIFIABLE


def test_a_recorded_revocation_wins_over_the_list() -> None:
    revoked = GatekeeperDesignationRevoked(
        occurred_at=T0, regime="DMA", revoked_on=date(2024, 1, 1)
    )
    facts = deal(CONTROL, investor=(gatekeeper(), revoked), as_of=date(2024, 6, 1))
    facts = replace(facts, investor=replace(facts.investor, name="Microsoft Corporation"))
    finding = dma.evaluate(facts, PACK)
    assert finding.status == Status.NOT_NOTIFIABLE
    assert "revoked on 2024-01-01" in finding.rationale


def test_a_designation_recorded_on_a_group_parent_counts() -> None:
    facts = deal(CONTROL, as_of=date(2025, 6, 1))
    parent = party("party-parent", "Parent", gatekeeper("2025-01-01"))
    grouped = replace(
        facts,
        investor=replace(facts.investor, group_parent_id="party-parent"),
        groups={"party-parent": parent},
    )
    finding = dma.evaluate(grouped, pack("dma_art14", date(2025, 6, 1)))
    assert finding.status == Status.INFORMATION_DUTY
    assert "group parent Parent" in finding.rationale


def test_a_designation_list_must_cover_its_own_designations() -> None:
    listed = {
        "undertaking": "X", "designated_on": date(2025, 1, 1), "citation": "c",
        "sources": ["https://example.org"],
    }  # fmt: skip
    period = {"citation": "c", "sources": ["https://example.org"], "undertakings": [listed]}
    with pytest.raises(ValidationError, match="designated after complete_to"):
        Designations.model_validate(
            {**period, "complete_from": date(2023, 5, 2), "complete_to": date(2024, 12, 31)}
        )
    with pytest.raises(ValidationError, match="complete_to is before complete_from"):
        Designations.model_validate(
            {**period, "complete_from": date(2026, 1, 1), "complete_to": date(2025, 12, 31)}
        )
