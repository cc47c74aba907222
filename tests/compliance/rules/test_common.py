"""Helpers shared by the national, UK and US regimes, and the packs of those regimes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from compliance.domain.events import LicenceFeePaid, StakeAcquired
from compliance.domain.values import Instrument, Money
from compliance.rules import at_kartg, common, de_gwb, it_callin, packs, uk, us_hsr
from compliance.rules.packs import Threshold
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, eur

OVER_100 = Threshold(
    value=Decimal(100), unit="EUR", operator=">", citation="c", sources=["https://example.org"]
)
AT_MOST_100 = OVER_100.model_copy(update={"operator": "<="})


@pytest.mark.parametrize(
    ("results", "all_", "any_"),
    [
        ([True, True], True, True),
        ([True, None], None, True),
        ([False, None], False, None),
        ([None, None], None, None),
        ([False, False], False, False),
    ],
)
def test_three_valued_logic(results: list[bool | None], all_: bool | None, any_: bool | None):
    assert common.all_met(results) is all_
    assert common.any_met(results) is any_


@pytest.mark.parametrize(
    ("bound", "threshold", "value", "met", "missing"),
    [
        (common.Bound(Decimal(100)), OVER_100, Decimal(100), False, ()),
        (common.Bound(Decimal(101), ("x",)), OVER_100, Decimal(101), True, ()),  # known part
        (common.Bound(Decimal(100), ("x",)), OVER_100, None, None, ("x",)),
        (common.Bound(Decimal(5), ("x",)), AT_MOST_100, None, None, ("x",)),  # no lower bound
    ],
)
def test_a_sum_with_unknown_parts(
    bound: common.Bound, threshold: Threshold, value: Decimal | None, met: bool | None,
    missing: tuple[str, ...],
) -> None:  # fmt: skip
    compared, lacking = common.exceeds("sum", bound, threshold)
    assert (compared.value, compared.met, lacking) == (value, met, missing)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal(400_000_000), "EUR", "EUR 400m"),
        (Decimal(5_000_000_000), "EUR", "EUR 5,000m"),
        (Decimal(119_500_000), "USD", "USD 119.5m"),
        (Decimal(25), "percent", "25 %"),
        (Decimal(6), "months", "6 months"),
    ],
)
def test_amounts_in_words(value: Decimal, unit: str, text: str) -> None:
    assert common.amount(value, unit) == text


def test_the_consideration_is_what_the_stream_records_in_eur() -> None:
    facts = deal(
        StakeAcquired(occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, amount=eur("10")),
        LicenceFeePaid(occurred_at=T0, amount=eur("5")),
        LicenceFeePaid(occurred_at=T0, amount=Money(amount=Decimal(7), currency="GBP")),
    )
    value = common.consideration_eur(facts.investment)
    assert value.known == Decimal(15_000_000)
    assert value.exact is None
    assert value.missing == ("a EUR rate for GBP 7.00 recorded in the deal's stream",)


def test_votes_of_non_voting_and_unknown_instruments() -> None:
    facts = deal(
        StakeAcquired(occurred_at=T0, instrument=Instrument.ORDINARY_SHARES,
                      voting_pct=Decimal(10)),
        StakeAcquired(occurred_at=T0, instrument=Instrument.CONVERTIBLE_NOTE),
        StakeAcquired(occurred_at=T0, instrument=Instrument.PROFIT_PARTICIPATION),
        StakeAcquired(occurred_at=T0, instrument=Instrument.OTHER),
    )  # fmt: skip
    v = common.votes(facts.investment)
    assert (v.known, v.exact) == (Decimal(10), None)
    assert v.non_voting == ("convertible note", "profit participation")
    assert v.unknown == ("another instrument",)


# The packs of these regimes: valid, sourced, and starting on the fact sheet's dates.
REGIMES = (de_gwb, at_kartg, it_callin, uk, us_hsr)


def test_the_packs_are_valid_and_sourced() -> None:
    assert packs.check() == []
    loaded = packs.load()
    for module in REGIMES:
        assert module.REGIME in loaded
        for pack in loaded[module.REGIME]:
            assert pack.context_only is (module in (uk, us_hsr))
            for item in (*pack.thresholds.values(), *pack.provisions.values(),
                         *pack.milestones.values()):  # fmt: skip
                assert item.sources and item.citation


# The versions in force by date (superseded ones left out): version and first day, as sourced
# in each pack (tests/compliance/rules/test_packs_history.py checks the whole history).
@pytest.mark.parametrize(
    ("regime", "starts"),
    [
        (de_gwb.REGIME, [("1", "2017-06-09"), ("3", "2021-01-19")]),
        (at_kartg.REGIME, [("1", "2017-11-01"), ("2", "2022-01-01")]),
        (it_callin.REGIME, [("1", "2022-08-27")]),
        (uk.REGIME, [("3", "2003-06-20"), ("4", "2018-06-11"), ("5", "2020-07-21"),
                     ("6", "2021-01-01"), ("7", "2022-01-04"), ("2", "2025-01-01")]),
        (us_hsr.REGIME, [("24", "2023-02-27"), ("25", "2024-03-06"), ("3", "2025-02-21"),
                         ("4", "2026-02-17")]),
    ],
)  # fmt: skip
def test_the_versions_start_on_their_sourced_dates(
    regime: str, starts: list[tuple[str, str]]
) -> None:
    versions = [p for p in packs.load()[regime] if not p.superseded_by]
    found = [(p.version, p.effective_from) for p in versions[-len(starts) :]]
    assert found == [(v, date.fromisoformat(d)) for v, d in starts]
