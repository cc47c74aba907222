"""FSR Art 20: EU target with EU turnover of at least EUR 500m, from 2023-10-12."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import JurisdictionAssessed, StakeAcquired
from compliance.domain.values import AssessmentBasis, Element, Instrument, Regime
from compliance.rules import fsr
from compliance.rules.base import Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, pack, turnover

PACK = pack("fsr_art20")
CONTROL = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
)


@pytest.mark.parametrize(
    ("eu", "status"),
    [
        ("499.99", Status.NOT_NOTIFIABLE),
        ("500", Status.INSUFFICIENT_DATA),  # at least EUR 500m: now the contributions decide
        ("500.01", Status.INSUFFICIENT_DATA),
    ],
)
def test_the_target_eu_turnover_threshold(eu: str, status: Status) -> None:
    finding = fsr.evaluate(deal(CONTROL, target=(turnover("600", eu),), target_country="FR"), PACK)
    assert finding.status == status
    if status == Status.INSUFFICIENT_DATA:
        assert any("foreign financial contributions" in m for m in finding.missing)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(date(2023, 10, 11), Status.NOT_APPLICABLE), (date(2023, 10, 12), Status.INSUFFICIENT_DATA)],
)
def test_notifications_are_mandatory_from_12_october_2023(as_of: date, status: Status) -> None:
    target = (turnover("900", "600", year=2022),)
    finding = fsr.evaluate(deal(CONTROL, target=target, target_country="FR", as_of=as_of), PACK)
    assert finding.status == status


def test_a_target_outside_the_eu_is_out_of_scope() -> None:
    finding = fsr.evaluate(deal(CONTROL, target=(turnover("900", "600"),)), PACK)
    assert finding.status == Status.NOT_NOTIFIABLE


def test_unknown_eu_turnover_is_missing() -> None:
    finding = fsr.evaluate(deal(CONTROL, target_country="FR"), PACK)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert finding.missing


def test_a_target_outside_the_eu_decides_whatever_the_control() -> None:
    """Issue 16 point 5: a known "no" decides even where control is unknown."""
    unknown = StakeAcquired(occurred_at=T0, instrument=Instrument.ORDINARY_SHARES)
    finding = fsr.evaluate(deal(unknown, target_country="US"), PACK)
    assert (
        finding.status == Status.NOT_NOTIFIABLE and "not established in the EU" in finding.rationale
    )


def test_establishment_through_subsidiaries_can_be_assessed() -> None:
    through = JurisdictionAssessed(
        occurred_at=T0, regime=Regime.FSR_ART20, element=Element.ESTABLISHED_IN_EU,
        basis=AssessmentBasis.COUNSEL_OPINION, author="Counsel", source="memo 7", met=True,
    )  # fmt: skip
    big = (turnover("9000", "900"),)
    finding = fsr.evaluate(deal(CONTROL, through, target=big, target_country="US"), PACK)
    assert finding.status == Status.INSUFFICIENT_DATA and finding.score == 70
    assert "memo 7" in finding.rationale


def test_the_three_years_of_contributions_are_counted_back_from_the_signing() -> None:
    """FSR Art 20(3)(b): contributions in the three years before signing (or announcement)."""
    big = (turnover("9000", "900"),)
    finding = fsr.evaluate(deal(CONTROL, target=big, target_country="DE"), PACK)
    assert finding.score == 70
    assert "announcement on 2024-02-26: from 2021-02-26 to 2024-02-26" in finding.missing[0]
