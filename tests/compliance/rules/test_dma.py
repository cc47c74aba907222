"""DMA Art 14: the gatekeeper's information duty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from compliance.domain.events import GovernanceRightGranted, StakeAcquired
from compliance.domain.values import GovernanceRight, Instrument
from compliance.rules import dma
from compliance.rules.base import Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, gatekeeper, pack

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
    assert dma.evaluate(before, PACK).status == Status.NOT_TRIGGERED
    assert dma.evaluate(on, PACK).status == Status.INFORMATION_DUTY


def test_no_concentration_no_duty() -> None:
    assert dma.evaluate(deal(MINORITY, investor=(gatekeeper(),)), PACK).status == (
        Status.NOT_TRIGGERED
    )


def test_not_a_gatekeeper_no_duty() -> None:
    assert dma.evaluate(deal(CONTROL), PACK).status == Status.NOT_TRIGGERED


def test_unknown_control_is_insufficient_data() -> None:
    finding = dma.evaluate(deal(investor=(gatekeeper(),)), PACK)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert finding.missing


def test_a_veto_counts_as_possible_control() -> None:
    veto = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.VETO)
    finding = dma.evaluate(deal(MINORITY, veto, investor=(gatekeeper(),)), PACK)
    assert finding.status == Status.INFORMATION_DUTY
