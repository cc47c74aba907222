"""EUMR Art 22 referrals, before and after Illumina/Grail."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import JurisdictionAssessed, StakeAcquired
from compliance.domain.proceedings import Proceeding
from compliance.domain.values import AssessmentBasis, Element, Instrument, Regime
from compliance.rules import art22, engine
from compliance.rules.base import Finding, Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, pack, referral, turnover

PACK = pack("eumr_art22")
CONTROL = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
)
SMALL = (turnover("100", "20", {"DE": "10", "FR": "10"}),)  # no EU dimension


def on(as_of: date, *proceedings: Proceeding) -> Finding:
    facts = deal(CONTROL, investor=SMALL, target=SMALL, as_of=as_of, proceedings=proceedings)
    return {f.regime: f for f in engine.evaluate(facts)}["eumr_art22"]


@pytest.mark.parametrize(
    ("as_of", "status", "score", "era"),
    [
        (date(2021, 3, 25), Status.REFERRAL_RISK, 40, "before_guidance"),  # competent States only
        (date(2021, 3, 26), Status.REFERRAL_RISK, 60, "guidance_2021"),
        (date(2024, 9, 2), Status.REFERRAL_RISK, 60, "guidance_2021"),  # the day before the CJ
        (date(2024, 9, 3), Status.REFERRAL_RISK, 40, "after_illumina_grail"),
    ],
)
def test_three_eras_of_art_22(as_of: date, status: Status, score: int, era: str) -> None:
    finding = on(as_of)
    assert (finding.status, finding.score) == (status, score)
    assert art22.era(pack("eumr_art22", as_of)) == era
    if score == 40:
        assert any("competent" in m for m in finding.missing)
        # The call-in list is dated: never applied as if in force before its date.
        assert "after" in finding.rationale and "2026-06-23" in finding.rationale


def test_the_era_is_that_of_the_referral_request_not_of_the_evaluation() -> None:
    asked = replace(referral("requested"), opened_on=date(2024, 3, 1))
    finding = on(date(2024, 10, 1), asked)  # evaluated after Illumina/Grail
    assert "on the date of the referral request (2024-03-01)" in finding.rationale
    assert "2021 guidance" in finding.rationale  # the law of the request's date
    assert finding.procedure == "filed"


def test_a_competent_member_state_assessed_makes_the_deal_eligible_after_illumina() -> None:
    competence = JurisdictionAssessed(
        occurred_at=T0, regime=Regime.EUMR_ART22, element=Element.NATIONAL_COMPETENCE,
        basis=AssessmentBasis.AUTHORITY_STATEMENT, author="AGCM", source="https://agcm.it/x",
        met=True, member_state="IT",
    )  # fmt: skip
    facts = deal(CONTROL, competence, investor=SMALL, target=SMALL, as_of=date(2024, 10, 1))
    finding = art22.evaluate(facts, pack("eumr_art22", date(2024, 10, 1)))
    assert (finding.status, finding.score) == (Status.REFERRAL_RISK, 60)
    assert "IT is competent" in finding.rationale and "AGCM" in finding.rationale


@pytest.mark.parametrize(
    ("state", "status", "procedure"),
    [
        ("requested", Status.REFERRAL_RISK, "filed"),
        ("accepted", Status.REFERRAL_RISK, "referral_accepted"),
        ("rejected", Status.NOT_ELIGIBLE, "referral_rejected"),
    ],
)
def test_a_referral_in_the_log_decides(state: str, status: Status, procedure: str) -> None:
    finding = on(date(2024, 10, 1), referral(state))
    assert (finding.status, finding.procedure) == (status, procedure)


def test_a_deal_with_an_eu_dimension_is_not_referred() -> None:
    big = (turnover("6000", "3000"),)
    finding = art22.evaluate(deal(CONTROL, investor=big, target=big), PACK)
    assert finding.status == Status.NOT_ELIGIBLE


def test_no_concentration_no_referral() -> None:
    minority = StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("5")
    )
    assert art22.evaluate(deal(minority), PACK).status == Status.NOT_ELIGIBLE
