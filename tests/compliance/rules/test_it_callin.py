"""Italy, Art 16(1-bis) Law 287/1990: the AGCM's call-in of below-threshold deals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from compliance.domain.events import (
    CommercialAgreementSigned,
    InvestmentCompleted,
    StakeAcquired,
    TurnoverReported,
)
from compliance.domain.values import AgreementKind, Instrument, Money
from compliance.rules import it_callin
from compliance.rules.base import Finding, Status
from compliance.rules.packs import pack_for
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import AS_OF, deal, eur, pack, turnover

PACK = pack(it_callin.REGIME)
STAKE = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, amount=eur("100"),
    voting_pct=Decimal(5),
)  # fmt: skip


def evaluate(
    *events: Event,
    investor: str | None = "6000",
    target: str | None = "10",
    as_of: date | None = None,
) -> Finding:
    parties = [(turnover(x, None),) if x is not None else () for x in (investor, target)]
    facts = deal(*events, investor=parties[0], target=parties[1], as_of=as_of or AS_OF)
    return it_callin.evaluate(facts, PACK)


# Combined worldwide turnover > EUR 5bn (the target's EUR 10m included).
@pytest.mark.parametrize(
    ("investor", "status"),
    [
        ("4989.99", Status.INSUFFICIENT_DATA),  # the other ground needs UNCONFIRMED thresholds
        ("4990", Status.INSUFFICIENT_DATA),  # combined 5,000: at the threshold
        ("4990.000001", Status.CALL_IN_RISK),
    ],
)
def test_combined_worldwide_turnover(investor: str, status: Status) -> None:
    finding = evaluate(STAKE, investor=investor)
    assert finding.status == status
    combined = finding.comparisons[0]
    assert combined.threshold == Decimal(5_000_000_000)
    if status == Status.INSUFFICIENT_DATA:
        assert combined.met is False
        assert it_callin.ITALIAN_THRESHOLDS in finding.missing
        assert "UNCONFIRMED" in finding.rationale
        assert finding.score == 30


def test_a_pending_deal_can_be_called_in() -> None:
    finding = evaluate(STAKE)
    assert (finding.status, finding.score) == (Status.CALL_IN_RISK, 65)
    assert it_callin.RISKS in finding.missing
    assert it_callin.COMPLETION not in finding.missing
    since = finding.comparisons[-1]
    assert (since.value, since.threshold, since.unit, since.met) == (0, 6, "months", True)
    assert "within 30 days" in finding.rationale


def test_a_completed_deal_counts_the_months_from_its_recorded_closing() -> None:
    finding = evaluate(STAKE, InvestmentCompleted(occurred_at=T0))  # 2024-02-26
    assert (finding.status, finding.score) == (Status.CALL_IN_RISK, 55)
    assert it_callin.COMPLETION not in finding.missing
    assert finding.comparisons[-1].value == Decimal("3.19")  # 2024-02-26 to 2024-06-01
    assert finding.comparisons[-1].met is True


def test_six_months_after_closing_no_call_in_whatever_else_is_missing() -> None:
    closed = InvestmentCompleted(occurred_at=datetime(2024, 1, 15, tzinfo=UTC))
    within = evaluate(STAKE, closed, investor="5001", target=None, as_of=date(2024, 7, 15))
    after = evaluate(STAKE, closed, investor=None, target=None, as_of=date(2024, 7, 20))
    assert within.status == Status.CALL_IN_RISK and "closed on 2024-01-15" in within.rationale
    assert after.status == Status.NOT_REVIEWABLE and after.missing == ()
    assert after.comparisons[0].value == Decimal("6.16")


def test_missing_turnover_is_named() -> None:
    finding = evaluate(STAKE, investor=None)
    assert (finding.status, finding.score) == (Status.INSUFFICIENT_DATA, 45)
    assert "turnover of Investor for a fiscal year before 2024" in finding.missing
    assert "Italian turnover of Investor for a fiscal year before 2024" in finding.missing


def test_the_investors_turnover_alone_can_exceed_the_combined_threshold() -> None:
    assert evaluate(STAKE, investor="5001", target=None).status == Status.CALL_IN_RISK


def test_turnover_in_another_currency_without_a_rate_is_missing() -> None:
    sek = TurnoverReported(  # neither a recorded rate nor an ECB average in the rate table
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal(9_000_000_000), currency="SEK"),
    )  # fmt: skip
    finding = it_callin.evaluate(deal(STAKE, investor=(sek,)), PACK)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert any(m.startswith("the worldwide turnover of Investor in EUR: a EUR rate") for m in (
        finding.missing
    ))  # fmt: skip


def test_turnover_in_usd_counts_at_the_ecb_annual_average() -> None:
    usd = TurnoverReported(
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal(9_000_000_000), currency="USD"),
    )  # fmt: skip
    finding = it_callin.evaluate(deal(STAKE, investor=(usd,)), PACK)
    assert finding.status == Status.CALL_IN_RISK
    assert any("USD 9,000m at the ECB 2023 annual average, 1.0813 USD per EUR" in c.what
               for c in finding.comparisons)  # fmt: skip


def test_no_link_no_call_in() -> None:
    cloud = CommercialAgreementSigned(
        occurred_at=T0, agreement_id="c", kind=AgreementKind.CLOUD_COMPUTE, exclusive=True
    )
    assert evaluate(cloud).status == Status.NOT_REVIEWABLE
    assert evaluate().status == Status.INSUFFICIENT_DATA


@pytest.mark.parametrize(("on", "version"), [(date(2022, 8, 26), None), (date(2022, 8, 27), "1")])
def test_the_call_in_power_applies_from_2022_08_27(on: date, version: str | None) -> None:
    found = pack_for(it_callin.REGIME, on)
    assert (found.version if found else None) == version
    if found is not None:
        facts = deal(STAKE, investor=(turnover("6000", None, year=2021),), as_of=on)
        assert it_callin.evaluate(facts, found).status == Status.CALL_IN_RISK
    assert "italian_thresholds" in PACK.provisions
    assert not any("italian" in key for key in PACK.thresholds)  # UNCONFIRMED: not encoded
