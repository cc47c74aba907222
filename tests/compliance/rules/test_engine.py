"""The engine on a date no rule pack covers: not applicable before the law's start, outside
the tracker's coverage from it (never "no duty")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument
from compliance.rules import engine, packs
from compliance.rules.base import NOTHING_TO_DO, SEVERITY, Finding, Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, eur, turnover


def findings_on(on: date) -> dict[str, Finding]:
    big = (turnover("20000", "5000", {"DE": "1000", "FR": "1000"}, year=on.year - 1),)
    facts = deal(investor=big, target=big, as_of=on, target_country="DE")
    return {f.regime: f for f in engine.evaluate(facts)}


def test_a_deal_before_the_first_eumr_pack_is_outside_coverage_not_no_duty() -> None:
    # Regulation 4064/89 applied from 1990-09-21; the packs start with 139/2004 on 2004-05-01.
    eumr = findings_on(date(2004, 4, 30))["eumr"]
    assert eumr.status == Status.OUTSIDE_COVERAGE
    assert eumr.status not in NOTHING_TO_DO
    assert eumr.score == engine.OUTSIDE_COVERAGE_SCORE > 0
    assert (eumr.pack_id, eumr.citation) == ("", "")
    assert "not answered" in eumr.rationale


@pytest.mark.parametrize(
    ("regime", "start"),
    [
        ("at_kartg_9_4", date(2017, 11, 1)),  # KartG §9(4)
        ("de_gwb_35_1a", date(2017, 6, 9)),
        ("it_call_in", date(2022, 8, 27)),
        ("fdi_screening", date(2020, 10, 11)),
        ("dma_art14", date(2023, 5, 2)),  # a pack covers 2019 on: the law still decides
        ("fsr_art20", date(2023, 10, 12)),
    ],
)
def test_before_the_law_applies_a_regime_is_not_applicable(regime: str, start: date) -> None:
    law = packs.law_start(regime)
    assert law is not None and law.applies_from == start
    before = findings_on(date.fromordinal(start.toordinal() - 1))[regime]
    assert (before.status, before.score, before.citation) == (
        Status.NOT_APPLICABLE, 0, law.citation
    )  # fmt: skip
    assert str(start) in before.rationale
    on = findings_on(start)[regime]
    assert on.status != Status.NOT_APPLICABLE and on.pack_id


def test_between_the_eumr_start_and_its_first_pack_the_date_is_outside_coverage() -> None:
    """EU merger control applies from 1990-09-21 (Regulation 4064/89); the packs start with
    Regulation 139/2004 on 2004-05-01."""
    law = packs.law_start("eumr")
    assert law is not None and law.applies_from == date(1990, 9, 21)
    assert findings_on(date(1990, 9, 20))["eumr"].status == Status.NOT_APPLICABLE
    assert findings_on(date(1990, 9, 21))["eumr"].status == Status.OUTSIDE_COVERAGE


def test_without_a_sourced_start_a_regime_is_never_not_applicable_by_guess() -> None:
    assert packs.law_start("us_hsr") is None
    assert findings_on(date(1970, 1, 1))["us_hsr"].status == Status.OUTSIDE_COVERAGE


def test_outside_coverage_ranks_with_insufficient_data() -> None:
    assert SEVERITY[Status.OUTSIDE_COVERAGE] == SEVERITY[Status.INSUFFICIENT_DATA]
    assert SEVERITY[Status.OUTSIDE_COVERAGE] > SEVERITY[Status.MONITOR]
    assert SEVERITY[Status.NOT_APPLICABLE] < SEVERITY[Status.NOT_NOTIFIABLE]


# ---------------------------------------------------------------- the EUMR's one-stop shop


def control_and_dimension(on: date) -> dict[str, Finding]:
    big = (turnover("20000", "5000", {"DE": "1000", "FR": "1000", "AT": "100"}, year=on.year - 1),)
    sole = StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal(100),
        amount=eur("5000"),
    )  # fmt: skip
    facts = deal(sole, investor=big, target=big, as_of=on, target_country="DE")
    return {f.regime: f for f in engine.evaluate(facts)}


def test_a_notifiable_eu_concentration_displaces_national_merger_control() -> None:
    found = control_and_dimension(date(2024, 6, 1))
    assert found["eumr"].status == Status.NOTIFIABLE
    for regime in ("de_gwb_35_1a", "at_kartg_9_4", "it_call_in"):
        assert found[regime].status == Status.NOT_APPLICABLE, regime
        assert "one-stop shop" in found[regime].rationale
        assert "Art 21(3)" in found[regime].citation
    assert found["uk_cma"].status != Status.NOT_APPLICABLE  # the UK left it on 2021-01-01
    assert found["us_hsr"].status != Status.NOT_APPLICABLE


def test_the_uk_was_inside_the_one_stop_shop_until_2020() -> None:
    assert control_and_dimension(date(2020, 12, 31))["uk_cma"].status == Status.NOT_APPLICABLE
    assert control_and_dimension(date(2021, 1, 1))["uk_cma"].status != Status.NOT_APPLICABLE
