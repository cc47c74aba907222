"""EUMR Art 22 referrals, before and after Illumina/Grail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument
from compliance.rules import art22
from compliance.rules.base import Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, pack, referral, turnover

PACK = pack("eumr_art22")
CONTROL = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
)
SMALL = (turnover("100", "20", {"DE": "10", "FR": "10"}),)  # no EU dimension


@pytest.mark.parametrize(
    ("as_of", "status", "score"),
    [
        (date(2024, 9, 2), Status.REFERRAL_RISK, 60),  # the day before Illumina/Grail
        (date(2024, 9, 3), Status.REFERRAL_RISK, 40),  # the judgment: call-in states only
    ],
)
def test_the_risk_before_and_after_illumina_grail(as_of: date, status: Status, score: int) -> None:
    finding = art22.evaluate(deal(CONTROL, investor=SMALL, target=SMALL, as_of=as_of), PACK)
    assert (finding.status, finding.score) == (status, score)
    if as_of >= date(2024, 9, 3):
        assert "IT" in finding.rationale and "2026-06-23" in finding.rationale
        assert any("call-in" in m for m in finding.missing)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("requested", Status.REFERRAL_RISK),
        ("accepted", Status.NOTIFIABLE),
        ("withdrawn", Status.MONITOR),
    ],
)
def test_a_referral_in_the_log_decides(state: str, status: Status) -> None:
    finding = art22.evaluate(
        deal(
            CONTROL, investor=SMALL, target=SMALL, proceedings=(referral(state),),
            as_of=date(2024, 10, 1),
        ),
        PACK,
    )  # fmt: skip
    assert finding.status == status


def test_a_deal_with_an_eu_dimension_is_not_referred() -> None:
    big = (turnover("6000", "3000"),)
    finding = art22.evaluate(deal(CONTROL, investor=big, target=big), PACK)
    assert finding.status == Status.NOT_TRIGGERED


def test_no_concentration_no_referral() -> None:
    minority = StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("5")
    )
    assert art22.evaluate(deal(minority), PACK).status == Status.NOT_TRIGGERED
