"""FDI screening: Regulation 2019/452, then 2026/1386 from 2028-01-17."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument
from compliance.rules import fdi
from compliance.rules.base import Status
from compliance.rules.packs import pack_for
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal


def stake(pct: str) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=Decimal(pct)
    )


@pytest.mark.parametrize(
    ("as_of", "version", "status"),
    [
        (date(2028, 1, 16), "1", Status.MONITOR),
        (date(2028, 1, 17), "2", Status.INSUFFICIENT_DATA),
    ],
)
def test_the_regulation_in_force_on_the_date(as_of: date, version: str, status: Status) -> None:
    pack = pack_for("fdi_screening", as_of)
    assert pack is not None and pack.version == version
    facts = deal(stake("20"), as_of=as_of, investor_country="US", target_country="FR")
    assert fdi.evaluate(facts, pack).status == status


@pytest.mark.parametrize(("pct", "below"), [("9.99", True), ("10", False), ("10.01", False)])
def test_the_10_percent_note(pct: str, below: bool) -> None:
    pack = pack_for("fdi_screening", date(2024, 6, 1))
    assert pack is not None
    finding = fdi.evaluate(deal(stake(pct), target_country="FR"), pack)
    assert ("below 10 %" in finding.rationale) is below


def test_eu_investors_and_non_eu_targets_are_out_of_scope() -> None:
    pack = pack_for("fdi_screening", date(2024, 6, 1))
    assert pack is not None
    assert fdi.evaluate(deal(stake("20")), pack).status == Status.NOT_APPLICABLE
    eu_investor = deal(stake("20"), investor_country="DE", target_country="FR")
    assert fdi.evaluate(eu_investor, pack).status == Status.NOT_REVIEWABLE


def test_no_pack_before_the_framework_applied() -> None:
    assert pack_for("fdi_screening", date(2020, 10, 10)) is None
