"""UK CMA (context): material-influence rules of thumb and the jurisdictional tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import (
    CommercialAgreementSigned,
    GovernanceRightGranted,
    InvestmentCompleted,
    JurisdictionAssessed,
    KeyPersonnelHired,
    StakeAcquired,
)
from compliance.domain.values import (
    AgreementKind,
    AssessmentBasis,
    ControlLevel,
    Element,
    GovernanceRight,
    Instrument,
    Regime,
    ValueBound,
)
from compliance.rules import uk
from compliance.rules.base import Finding, Status
from compliance.rules.packs import pack_for
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, eur, pack

BEFORE_DMCC = date(2024, 6, 1)
UK_PACK = pack(uk.REGIME, BEFORE_DMCC)
AFTER_DMCC = date(2025, 6, 1)


def votes(pct: str | None, instrument: Instrument = Instrument.ORDINARY_SHARES) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=instrument, amount=eur("100"),
        voting_pct=Decimal(pct) if pct is not None else None,
    )  # fmt: skip


SEAT = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.BOARD_SEAT)
CLOUD = CommercialAgreementSigned(
    occurred_at=T0, agreement_id="cloud", kind=AgreementKind.CLOUD_COMPUTE, exclusive=True
)


def evaluate(*events: Event, as_of: date = BEFORE_DMCC) -> Finding:
    found = pack_for(uk.REGIME, as_of)
    assert found is not None
    return uk.evaluate(deal(*events, as_of=as_of), found)


# Rules of thumb: > 25 % generally likely; 15-25 % only with other factors; < 15 % only with
# substantial other factors; > 50 % de jure control.
@pytest.mark.parametrize(
    ("pct", "seat", "status", "score"),
    [
        ("14.99", False, Status.NOT_REVIEWABLE, 5),
        ("14.99", True, Status.MONITOR, 30),  # only with substantial other factors
        ("15", False, Status.NOT_REVIEWABLE, 10),
        ("15", True, Status.MONITOR, 40),
        ("15.01", True, Status.MONITOR, 40),
        ("25", False, Status.NOT_REVIEWABLE, 10),  # at 25 %: not more than 25 %
        ("25", True, Status.MONITOR, 40),
        ("25.01", False, Status.CALL_IN_RISK, 55),  # generally likely, whatever the factors
        ("50", False, Status.CALL_IN_RISK, 55),
        ("50.01", False, Status.CALL_IN_RISK, 60),  # de jure control
    ],
)
def test_rules_of_thumb(pct: str, seat: bool, status: Status, score: int) -> None:
    finding = evaluate(votes(pct), *((SEAT,) if seat else ()))
    assert (finding.status, finding.score) == (status, score)
    assert finding.context_only is True
    assert "Context only" in finding.rationale
    shares = [c for c in finding.comparisons if c.what == "the investor's share of the votes"]
    assert [c.threshold for c in shares] == [50, 25, 15]
    assert all(c.value == Decimal(pct) for c in shares)
    if status in {Status.MONITOR, Status.CALL_IN_RISK}:
        assert uk.UK_TURNOVER in finding.missing
        assert uk.SHARE_OF_SUPPLY in finding.missing
    else:
        assert finding.missing == ()


def test_commercial_ties_are_other_factors() -> None:
    finding = evaluate(votes("10"), CLOUD)
    assert finding.status == Status.MONITOR
    assert "exclusive cloud compute agreement" in finding.rationale
    assert uk.FACTORS_ASSESSMENT in finding.missing


def test_a_licence_and_hire_may_be_a_merger() -> None:
    licence = CommercialAgreementSigned(
        occurred_at=T0, agreement_id="lic", kind=AgreementKind.LICENSING, exclusive=False
    )
    finding = evaluate(KeyPersonnelHired(occurred_at=T0, count=70), licence)
    assert (finding.status, finding.score) == (Status.CALL_IN_RISK, 50)


def test_non_voting_instruments_carry_no_votes_until_converted() -> None:
    finding = evaluate(votes(None, Instrument.CONVERTIBLE_NOTE), SEAT)
    assert finding.status == Status.MONITOR  # 0 % of the votes, a board seat
    assert "convertible note" in finding.rationale
    assert "new merger" in finding.rationale


def test_an_unknown_voting_share_is_missing() -> None:
    finding = evaluate(votes(None))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "the voting percentage of the holding of ordinary shares" in finding.missing
    assert evaluate(votes(None), SEAT).status == Status.MONITOR
    assert evaluate().status == Status.INSUFFICIENT_DATA


def test_a_known_part_over_25_percent_decides() -> None:
    other = StakeAcquired(occurred_at=T0, instrument=Instrument.OTHER)  # votes not stated
    finding = evaluate(votes("30"), other)
    assert finding.status == Status.CALL_IN_RISK
    assert any("known part only" in c.what for c in finding.comparisons)


def test_completed_deals_need_their_completion_date() -> None:
    finding = evaluate(votes("30"), InvestmentCompleted(occurred_at=T0))
    assert uk.COMPLETION not in finding.missing  # the fold records the completion date
    assert f"completed on {T0.date()}" in finding.rationale


# The turnover test: GBP 70m before 2025-01-01, GBP 100m from then, with the safe harbour and
# the hybrid test. UK turnover and share of supply are not in the log: always missing.
@pytest.mark.parametrize(
    ("on", "version", "turnover", "dmcc"),
    [
        (date(2024, 12, 31), "7", Decimal(70_000_000), False),
        (date(2025, 1, 1), "2", Decimal(100_000_000), True),
    ],
)
def test_the_dmcc_thresholds_apply_from_2025_01_01(
    on: date, version: str, turnover: Decimal, dmcc: bool
) -> None:
    finding = evaluate(votes("30"), as_of=on)
    assert finding.pack_version == version
    by_what = {c.what: c for c in finding.comparisons}
    target = by_what["UK turnover of the target"]
    assert (target.value, target.operator, target.threshold, target.unit) == (
        None, ">", turnover, "GBP",
    )  # fmt: skip
    assert target.met is None
    assert by_what["share of supply in the UK"].threshold == 25
    assert ("UK turnover of each party" in by_what) is dmcc
    assert (uk.SAFE_HARBOUR in finding.missing) is dmcc
    assert (uk.SMS in finding.missing) is dmcc
    if dmcc:
        harbour = by_what["UK turnover of each party"]
        assert (harbour.operator, harbour.threshold) == ("<=", Decimal(10_000_000))
        assert by_what["one party's share of supply"].threshold == 33
        assert by_what["that party's UK turnover"].threshold == Decimal(350_000_000)


def test_the_rules_of_thumb_are_the_same_in_both_versions() -> None:
    first, second = pack_for(uk.REGIME, BEFORE_DMCC), pack_for(uk.REGIME, AFTER_DMCC)
    assert first is not None and second is not None
    assert first.context_only and second.context_only
    for key in ("material_influence_likely_votes", "material_influence_other_factors_votes"):
        assert first.thresholds[key].value == second.thresholds[key].value
    assert second.milestones["cma2_guidance_updated"].on == date(2025, 10, 28)


# ---------------------------------------------------------------- assessments (issue 16 point 4)


def assessed(element: Element, **value: object) -> JurisdictionAssessed:
    return JurisdictionAssessed(
        occurred_at=T0, regime=Regime.UK_CMA, element=element,
        basis=AssessmentBasis.AUTHORITY_STATEMENT, author="CMA", source="https://gov.uk/cma-x",
        **value,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_share_of_supply_assessed_meets_the_jurisdictional_test() -> None:
    finding = uk.evaluate(
        deal(votes("30"), assessed(Element.UK_SHARE_OF_SUPPLY, met=True), as_of=BEFORE_DMCC),
        UK_PACK,
    )
    assert (finding.status, finding.score) == (Status.CALL_IN_RISK, 55)
    assert "25 % or more" in finding.rationale and "gov.uk/cma-x" in finding.rationale
    assert uk.UK_TURNOVER not in finding.missing


def test_neither_test_met_decides_whatever_the_influence() -> None:
    no_share = assessed(Element.UK_SHARE_OF_SUPPLY, met=False)
    small = assessed(
        Element.UK_TURNOVER,
        bound=ValueBound(operator="<", amount=Decimal(5_000_000), currency="GBP"),
    )
    finding = uk.evaluate(deal(votes("60"), no_share, small, as_of=BEFORE_DMCC), UK_PACK)
    assert finding.status == Status.NOT_REVIEWABLE
    assert "No relevant merger situation can arise" in finding.rationale


def test_material_influence_assessed_decides_the_level() -> None:
    influence = assessed(Element.CONTROL, control=ControlLevel.MATERIAL_INFLUENCE)
    finding = uk.evaluate(deal(votes("4"), influence, as_of=BEFORE_DMCC), UK_PACK)
    assert finding.status == Status.CALL_IN_RISK and "material influence" in finding.rationale
