"""Austria, KartG §9: the turnover test (changed 2022-01-01) and the transaction-value test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import (
    CommercialAgreementSigned,
    InvestmentAbandoned,
    JurisdictionAssessed,
    StakeAcquired,
    TurnoverReported,
)
from compliance.domain.values import (
    AgreementKind,
    AssessmentBasis,
    Element,
    Instrument,
    Money,
    Regime,
)
from compliance.rules import at_kartg
from compliance.rules.base import Finding, Status
from compliance.rules.packs import pack_for
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, eur

BEFORE_2022 = date(2021, 6, 1)
AFTER_2022 = date(2024, 6, 1)


def reports(worldwide: str | None, austria: str | None = None) -> tuple[TurnoverReported, ...]:
    """The same figures (EUR millions) for every fiscal year a test date may use."""
    return tuple(
        TurnoverReported(
            occurred_at=T0, fiscal_year=year,
            worldwide=eur(worldwide) if worldwide is not None else None,
            member_states={"AT": eur(austria)} if austria is not None else {},
        )
        for year in range(2016, 2026)
    )  # fmt: skip


def stake(paid: Money | None = None) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, amount=paid, voting_pct=Decimal(5)
    )


def active(met: bool = True) -> JurisdictionAssessed:
    return JurisdictionAssessed(
        occurred_at=T0, regime=Regime.AT_KARTG_9_4,
        element=Element.SIGNIFICANT_DOMESTIC_ACTIVITY, basis=AssessmentBasis.COUNSEL_OPINION,
        author="Counsel", source="BWB guidance read by counsel", met=met, member_state="AT",
    )  # fmt: skip


def evaluate(
    *events: Event,
    investor: tuple[Event, ...],
    target: tuple[Event, ...],
    as_of: date = AFTER_2022,
) -> Finding:
    found = pack_for(at_kartg.REGIME, as_of)
    assert found is not None
    return at_kartg.evaluate(deal(*events, investor=investor, target=target, as_of=as_of), found)


# Turnover test: combined worldwide > 300m, combined Austria > 30m, each > 5m worldwide and
# (from 2022-01-01) each > 1m in Austria. The consideration (EUR 100m) is below the value test.
@pytest.mark.parametrize(
    ("investor", "target", "status"),
    [
        (("289.99", "40"), ("10", "2"), Status.NOT_NOTIFIABLE),  # combined worldwide 299.99
        (("290", "40"), ("10", "2"), Status.NOT_NOTIFIABLE),  # 300: at the threshold
        (("290.000001", "40"), ("10", "2"), Status.NOTIFIABLE),
        (("1000", "27.99"), ("10", "2"), Status.NOT_NOTIFIABLE),  # combined Austria 29.99
        (("1000", "28"), ("10", "2"), Status.NOT_NOTIFIABLE),  # 30: at
        (("1000", "28.000001"), ("10", "2"), Status.NOTIFIABLE),
        (("1000", "40"), ("4.99", "2"), Status.NOT_NOTIFIABLE),  # target worldwide below 5m
        (("1000", "40"), ("5", "2"), Status.NOT_NOTIFIABLE),
        (("1000", "40"), ("5.000001", "2"), Status.NOTIFIABLE),
        (("1000", "40"), ("10", "0.99"), Status.NOT_NOTIFIABLE),  # target Austria below 1m
        (("1000", "40"), ("10", "1"), Status.NOT_NOTIFIABLE),
        (("1000", "40"), ("10", "1.000001"), Status.NOTIFIABLE),
    ],
)
def test_turnover_test(investor: tuple[str, str], target: tuple[str, str], status: Status):
    finding = evaluate(stake(eur("100")), investor=reports(*investor), target=reports(*target))
    assert finding.status == status
    if status == Status.NOTIFIABLE:
        assert finding.citation == "KartG §9(1) as amended from 2022-01-01"
        assert at_kartg.CONCENTRATION in finding.missing


@pytest.mark.parametrize(
    ("target_austria", "on", "status"),
    [
        ("0.5", date(2021, 12, 31), Status.NOTIFIABLE),  # version 1: no Austrian minimum each
        ("0.5", date(2022, 1, 1), Status.NOT_NOTIFIABLE),  # version 2: each > EUR 1m in Austria
    ],
)
def test_the_turnover_test_changed_on_2022_01_01(target_austria: str, on: date, status: Status):
    finding = evaluate(
        stake(eur("100")), investor=reports("1000", "40"), target=reports("10", target_austria),
        as_of=on,
    )  # fmt: skip
    assert finding.status == status
    assert finding.pack_version == ("1" if on < date(2022, 1, 1) else "2")


# Transaction-value test: combined worldwide > 300m, combined Austria > 15m, consideration
# > 200m, target significantly active in Austria. The target has no turnover, so the turnover
# test (each party > 5m worldwide) fails.
@pytest.mark.parametrize(
    ("investor", "paid", "status"),
    [
        (("299.99", "20"), "300", Status.NOT_NOTIFIABLE),  # combined worldwide below 300m
        (("300", "20"), "300", Status.NOT_NOTIFIABLE),
        (("300.000001", "20"), "300", Status.NOTIFIABLE),
        (("1000", "14.99"), "300", Status.NOT_NOTIFIABLE),  # combined Austria below 15m
        (("1000", "15"), "300", Status.NOT_NOTIFIABLE),
        (("1000", "15.000001"), "300", Status.NOTIFIABLE),
        (("1000", "20"), "199.99", Status.NOT_NOTIFIABLE),  # consideration below 200m
        (("1000", "20"), "200", Status.NOT_NOTIFIABLE),
        (("1000", "20"), "200.000001", Status.NOTIFIABLE),
    ],
)
def test_transaction_value_test(investor: tuple[str, str], paid: str, status: Status) -> None:
    finding = evaluate(
        stake(eur(paid)), active(), investor=reports(*investor), target=reports("0", "0")
    )
    assert finding.status == status
    if status == Status.NOTIFIABLE:
        assert finding.citation == "KartG §9(4)"
        assert "significantly active in Austria" in finding.rationale
        assert "BWB guidance" in finding.rationale
    else:
        assert "Neither test applies" in finding.rationale or "either test" in finding.rationale


def test_the_value_test_applies_from_2017_11_01() -> None:
    assert pack_for(at_kartg.REGIME, date(2017, 10, 31)) is None
    found = pack_for(at_kartg.REGIME, date(2017, 11, 1))
    assert found is not None and found.version == "1"
    assert "turnover_test_each_austria" not in found.thresholds


def test_missing_austrian_turnover_is_named() -> None:
    finding = evaluate(stake(eur("300")), investor=reports("1000"), target=reports("0"))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "Austrian turnover of Investor (FY 2023)" in finding.missing
    assert at_kartg.SIGNIFICANT_ACTIVITY in finding.missing


def test_a_consideration_without_a_eur_rate_is_missing() -> None:
    usd = Money(amount=Decimal(300_000_000), currency="USD")
    finding = evaluate(stake(usd), investor=reports("1000", "20"), target=reports("0", "0"))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "a EUR rate for USD 300,000,000.00 recorded in the deal's stream" in finding.missing


def test_the_turnover_test_decides_even_when_the_consideration_is_unknown() -> None:
    usd = Money(amount=Decimal(300_000_000), currency="USD")
    finding = evaluate(stake(usd), investor=reports("1000", "40"), target=reports("10", "2"))
    assert finding.status == Status.NOTIFIABLE


def test_no_link_no_concentration() -> None:
    cloud = CommercialAgreementSigned(
        occurred_at=T0, agreement_id="c", kind=AgreementKind.CLOUD_COMPUTE, exclusive=True
    )
    big = reports("1000", "40")
    assert evaluate(cloud, investor=big, target=big).status == Status.NOT_NOTIFIABLE
    assert evaluate(investor=big, target=big).status == Status.INSUFFICIENT_DATA
    abandoned = evaluate(stake(eur("300")), InvestmentAbandoned(occurred_at=T0), investor=big,
                         target=big)  # fmt: skip
    # Abandonment is the procedure (rules/decisions.py), not an answer to jurisdiction.
    assert abandoned.status != Status.NOT_NOTIFIABLE


def test_the_value_test_is_undecided_without_the_targets_activity_in_austria() -> None:
    finding = evaluate(stake(eur("300")), investor=reports("1000", "20"), target=reports("0", "0"))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert at_kartg.SIGNIFICANT_ACTIVITY in finding.missing


def test_no_significant_activity_in_austria_fails_the_value_test_whatever_the_value() -> None:
    finding = evaluate(
        stake(eur("300")), active(False), investor=reports("1000", "20"), target=reports("0", "0")
    )
    assert finding.status == Status.NOT_NOTIFIABLE
