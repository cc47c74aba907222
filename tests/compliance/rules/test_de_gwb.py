"""Germany, GWB §35(1a): the transaction-value test and material competitive influence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import (
    CommercialAgreementSigned,
    GovernanceRightGranted,
    InvestmentAbandoned,
    JurisdictionAssessed,
    KeyPersonnelHired,
    StakeAcquired,
    TurnoverReported,
)
from compliance.domain.values import (
    AgreementKind,
    AssessmentBasis,
    Element,
    GovernanceRight,
    Instrument,
    Money,
    Regime,
    ValueBound,
)
from compliance.rules import de_gwb, engine
from compliance.rules.base import Finding, Status
from compliance.rules.packs import pack_for
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, eur, pack

BEFORE_2021 = date(2020, 6, 1)  # version 1: first domestic threshold EUR 25m
PACK_1 = pack(de_gwb.REGIME, BEFORE_2021)
PACK_3 = pack(de_gwb.REGIME)  # 2024-06-01: the 10th amendment's EUR 50m (from 2021-01-19)


def reports(worldwide: str | None, germany: str | None = None) -> tuple[TurnoverReported, ...]:
    """The same figures (EUR millions) for every fiscal year a test date may use."""
    return tuple(
        TurnoverReported(
            occurred_at=T0, fiscal_year=year,
            worldwide=eur(worldwide) if worldwide is not None else None,
            member_states={"DE": eur(germany)} if germany is not None else {},
        )
        for year in range(2016, 2026)
    )  # fmt: skip


def stake(paid: Money | None = None, votes: str = "5") -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, amount=paid,
        voting_pct=Decimal(votes),
    )  # fmt: skip


def usd(millions: str) -> Money:
    return Money(amount=Decimal(millions) * 1_000_000, currency="USD")


INVESTOR = reports("1000", "100")
TARGET = reports("10", "1")


def active(met: bool | None = True) -> JurisdictionAssessed:
    """A sourced assessment of the target's significant domestic activity in Germany."""
    return JurisdictionAssessed(
        occurred_at=T0, regime=Regime.DE_GWB_35_1A,
        element=Element.SIGNIFICANT_DOMESTIC_ACTIVITY, basis=AssessmentBasis.COUNSEL_OPINION,
        author="Counsel", source="memo 12", met=met, member_state="DE",
    )  # fmt: skip


def evaluate(
    *events: Event,
    investor: tuple[Event, ...] = INVESTOR,
    target: tuple[Event, ...] = TARGET,
    as_of: date = BEFORE_2021,
    activity: bool | None = True,
) -> Finding:
    """The finding, the target's domestic activity assessed as ``activity`` (None: not)."""
    assessed = () if activity is None else (active(activity),)
    facts = deal(*events, *assessed, investor=investor, target=target, as_of=as_of)
    found = pack_for(de_gwb.REGIME, as_of)
    assert found is not None
    return de_gwb.evaluate(facts, found)


# Each threshold just below, at and just above, the other conditions met (version 1).
@pytest.mark.parametrize(
    ("investor_worldwide", "investor_germany", "paid", "status"),
    [
        ("489.99", "100", "500", Status.NOT_NOTIFIABLE),  # combined 499.99 (with the target's 10)
        ("490", "100", "500", Status.NOT_NOTIFIABLE),  # combined 500: at the threshold
        ("490.000001", "100", "500", Status.NOTIFIABLE),
        ("1000", "24.99", "500", Status.NOT_NOTIFIABLE),  # German turnover below EUR 25m
        ("1000", "25", "500", Status.NOT_NOTIFIABLE),
        ("1000", "25.000001", "500", Status.NOTIFIABLE),
        ("1000", "100", "399.99", Status.NOT_NOTIFIABLE),  # consideration below EUR 400m
        ("1000", "100", "400", Status.NOT_NOTIFIABLE),
        ("1000", "100", "400.000001", Status.NOTIFIABLE),
    ],
)
def test_thresholds(investor_worldwide: str, investor_germany: str, paid: str, status: Status):
    finding = evaluate(stake(eur(paid)), investor=reports(investor_worldwide, investor_germany))
    assert finding.status == status
    if status == Status.NOTIFIABLE:
        assert finding.score == 75
        assert "significantly active in Germany" in finding.rationale
    else:
        assert finding.missing == ()


def test_the_findings_numbers_and_citations() -> None:
    finding = evaluate(stake(eur("500")))
    by_what = {c.what: c for c in finding.comparisons}
    assert by_what["combined worldwide turnover"].value == Decimal(1010) * 1_000_000
    assert by_what["combined worldwide turnover"].threshold == Decimal(500_000_000)
    assert by_what["German turnover of Investor"].threshold == Decimal(25_000_000)
    assert by_what["consideration (EUR)"].value == Decimal(500_000_000)
    assert by_what["consideration (EUR)"].threshold == Decimal(400_000_000)
    assert "GWB §35(1a)" in finding.citation
    assert (finding.regime, finding.pack_id, finding.context_only) == (
        "de_gwb_35_1a", "de_gwb_35_1a@1", False,
    )  # fmt: skip


def test_german_turnover_of_either_party_counts() -> None:
    finding = evaluate(stake(eur("500")), investor=reports("1000", "1"), target=reports("10", "30"))
    assert finding.status == Status.NOTIFIABLE


def test_licence_fees_count_towards_the_consideration() -> None:
    from compliance.domain.events import LicenceFeePaid

    fee = LicenceFeePaid(occurred_at=T0, amount=eur("200"))
    assert evaluate(stake(eur("200")), fee).status == Status.NOT_NOTIFIABLE  # 400: at
    more = LicenceFeePaid(occurred_at=T0, amount=eur("200.000001"))
    assert evaluate(stake(eur("200")), more).status == Status.NOTIFIABLE


# Material competitive influence: any stake, seat, veto or licence-and-hire may be enough.
SEAT = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.OBSERVER_SEAT)
VETO = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.VETO)
HIRE = (
    KeyPersonnelHired(occurred_at=T0, count=70),
    CommercialAgreementSigned(
        occurred_at=T0, agreement_id="lic", kind=AgreementKind.LICENSING, exclusive=False
    ),
)
CLOUD = CommercialAgreementSigned(
    occurred_at=T0, agreement_id="cloud", kind=AgreementKind.CLOUD_COMPUTE, exclusive=True
)
INFO = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.INFORMATION_RIGHT)


@pytest.mark.parametrize(
    ("events", "status", "said"),
    [
        ((stake(eur("500"), votes="0.5"),), Status.NOTIFIABLE, "0.5 % of the votes"),
        ((stake(eur("500")), SEAT), Status.NOTIFIABLE, "1 observer seat"),
        ((stake(eur("500")), VETO), Status.NOTIFIABLE, "1 veto"),
        ((*HIRE, stake(eur("500"))), Status.NOTIFIABLE, "licence-and-hire"),
        ((CLOUD, INFO), Status.NOT_NOTIFIABLE, "No stake"),
        ((), Status.INSUFFICIENT_DATA, "Cannot tell"),
    ],
)
def test_material_competitive_influence(events: tuple[Event, ...], status: Status, said: str):
    finding = evaluate(*events)
    assert finding.status == status
    assert said in finding.rationale
    if status == Status.NOTIFIABLE:
        assert "lower bar than EU control" in finding.rationale
        assert any("material competitive influence" in m for m in finding.missing)


def test_a_licence_and_hire_paid_by_fees_alone_counts() -> None:
    from compliance.domain.events import LicenceFeePaid

    finding = evaluate(*HIRE, LicenceFeePaid(occurred_at=T0, amount=eur("650")))
    assert finding.status == Status.NOTIFIABLE


def test_an_abandoned_deal_was_still_notifiable_and_its_procedure_says_abandoned() -> None:
    facts = deal(stake(eur("500")), active(), InvestmentAbandoned(occurred_at=T0),
                 investor=INVESTOR, target=TARGET, as_of=date(2024, 6, 1))  # fmt: skip
    finding = {f.regime: f for f in engine.evaluate(facts)}[de_gwb.REGIME]
    assert (finding.status, finding.procedure, finding.score) == (
        Status.NOTIFIABLE, "abandoned", 0
    )  # fmt: skip


# Missing data is named, never guessed; a known part that already exceeds a threshold decides.
def test_the_targets_turnover_is_not_needed_when_the_investors_exceeds_the_combined():
    finding = evaluate(stake(eur("500")), target=())
    assert finding.status == Status.NOTIFIABLE
    combined = finding.comparisons[0]
    assert combined.what == "combined worldwide turnover (known part only)"
    assert combined.met is True


def test_missing_turnover_is_named() -> None:
    finding = evaluate(stake(eur("500")), investor=reports("300", "100"), target=())
    assert (finding.status, finding.score) == (Status.INSUFFICIENT_DATA, 60)  # one unknown
    assert "turnover of Target for a fiscal year before 2020" in finding.missing
    assert finding.comparisons[0].value is None


def test_german_turnover_absent_from_the_report_is_unknown_not_zero() -> None:
    finding = evaluate(stake(eur("500")), investor=reports("1000", None), target=reports("10"))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "German turnover of Investor (FY 2019)" in finding.missing


def test_an_amount_without_a_eur_rate_makes_the_consideration_unknown() -> None:
    finding = evaluate(stake(usd("500")))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "a EUR rate for USD 500,000,000.00 recorded in the deal's stream" in finding.missing


def test_an_amount_with_a_stated_rate_is_converted() -> None:
    rated = Money(amount=Decimal(500_000_000), currency="USD", eur_rate=Decimal("0.9"))
    assert evaluate(stake(rated)).status == Status.NOTIFIABLE  # EUR 450m


def test_a_eur_part_that_already_exceeds_the_threshold_decides() -> None:
    finding = evaluate(stake(eur("401")), stake(usd("100")))
    assert finding.status == Status.NOTIFIABLE
    assert any(c.what == "consideration (EUR) (known part only)" for c in finding.comparisons)


def test_no_amount_recorded_is_missing() -> None:
    finding = evaluate(stake(None))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert any("no amount paid is recorded" in m for m in finding.missing)


# Version 3 (from 2021-01-19, the 10th amendment): the first domestic threshold is EUR 50m.
# Version 2 (from 2021-01-01 in the fact sheet, threshold UNCONFIRMED) is superseded by it.
@pytest.mark.parametrize(
    ("investor_germany", "status"),
    [
        ("50", Status.NOT_NOTIFIABLE),  # at EUR 50m: not above
        ("50.000001", Status.NOTIFIABLE),
    ],
)
def test_after_the_10th_amendment_the_domestic_threshold_is_eur_50m(
    investor_germany: str, status: Status
) -> None:
    finding = evaluate(
        stake(eur("500")), investor=reports("1000", investor_germany), as_of=date(2024, 6, 1)
    )
    assert (finding.status, finding.pack_version) == (status, "3")
    assert PACK_3.thresholds["first_domestic_turnover"].value == Decimal(50_000_000)
    assert PACK_3.thresholds["second_domestic_turnover"].value == Decimal(17_500_000)
    superseded = pack_for(de_gwb.REGIME, date(2024, 6, 1), version="2")
    assert superseded is not None and superseded.superseded_by == ["3"]
    assert "first_domestic_turnover" not in superseded.thresholds


def test_after_the_10th_amendment_a_small_consideration_still_rules_it_out() -> None:
    finding = evaluate(stake(eur("400")), as_of=date(2024, 6, 1))
    assert finding.status == Status.NOT_NOTIFIABLE


@pytest.mark.parametrize(
    ("on", "version", "status"),
    [
        (date(2017, 6, 8), None, None),  # before §35(1a) was in force
        (date(2017, 6, 9), "1", Status.NOTIFIABLE),
        (date(2021, 1, 18), "1", Status.NOTIFIABLE),  # German turnover EUR 100m > 25m
        (date(2021, 1, 19), "3", Status.NOTIFIABLE),  # EUR 100m > 50m
    ],
)
def test_the_version_in_force(on: date, version: str | None, status: Status | None) -> None:
    found = pack_for(de_gwb.REGIME, on)
    assert (found.version if found else None) == version
    if found is not None:
        assert evaluate(stake(eur("500")), as_of=on).status == status
    assert PACK_1.version == "1"


def test_two_unknown_conditions_score_lower_than_one() -> None:
    finding = evaluate(stake(usd("500")), investor=reports("300", "100"), target=())
    assert (finding.status, finding.score) == (Status.INSUFFICIENT_DATA, 50)


# ---------------------------------------------------------------- domestic activity (issue 16)


def test_without_an_assessment_of_domestic_activity_the_value_test_is_undecided() -> None:
    finding = evaluate(stake(eur("500")), activity=None)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert de_gwb.SUBSTANTIAL_ACTIVITY in finding.missing


def test_no_significant_domestic_activity_decides_whatever_else_is_missing() -> None:
    """The Bundeskartellamt's OpenAI and Inflection decisions turned on this limb alone."""
    finding = evaluate(stake(None), investor=reports(None), target=reports(None), activity=False)
    assert finding.status == Status.NOT_NOTIFIABLE
    assert (
        "no significant domestic activity" in finding.rationale and "memo 12" in finding.rationale
    )
    assert finding.missing == ()


def test_a_bound_on_the_consideration_decides_where_the_amount_is_not_recorded() -> None:
    above = JurisdictionAssessed(
        occurred_at=T0, regime=Regime.DE_GWB_35_1A, element=Element.CONSIDERATION,
        basis=AssessmentBasis.PUBLIC_REPORT, author="Reuters", source="https://x",
        bound=ValueBound(operator=">", amount=Decimal(650_000_000), currency="EUR"),
    )  # fmt: skip
    finding = evaluate(stake(None), above)
    assert finding.status == Status.NOTIFIABLE
    assert any("Reuters" in c.what for c in finding.comparisons)
