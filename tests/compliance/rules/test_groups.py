"""Groups (EUMR Art 5(4)): the turnover of an undertaking concerned is its group's, read
through the parties' recorded group parents (``DealFacts.groups``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from compliance.domain.events import StakeAcquired, TurnoverReported
from compliance.domain.parties import Party
from compliance.domain.values import Instrument, Money
from compliance.evaluation import group_parents
from compliance.rules import common, eumr
from compliance.rules.base import DealFacts, Status
from compliance.rules.facts import group_of, party_figures_kept, undertaking
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, pack, party, turnover

PACK = pack("eumr")
CONTROL = StakeAcquired(
    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
)
BIG = (turnover("6000", "3000"),)  # worldwide EUR 6bn, EU EUR 3bn
SMALL = (turnover("10", "5"),)


def in_group(facts: DealFacts, *parents: Party) -> DealFacts:
    """The deal with the investor under ``parents`` (nearest first)."""
    chain = [facts.investor, *parents]
    linked = [
        replace(p, group_parent_id=chain[i + 1].stream_id) if i + 1 < len(chain) else p
        for i, p in enumerate(chain)
    ]
    return replace(facts, investor=linked[0], groups={p.stream_id: p for p in linked[1:]})


def test_a_subsidiary_reaches_the_eu_dimension_with_its_parents_turnover() -> None:
    alone = deal(CONTROL, investor=SMALL, target=BIG)
    assert eumr.evaluate(alone, PACK).status == Status.NOT_NOTIFIABLE
    parent = party("party-parent", "Microsoft Corporation", *BIG)
    grouped = in_group(alone, parent)
    finding = eumr.evaluate(grouped, PACK)
    assert finding.status == Status.NOTIFIABLE
    eu = next(c for c in finding.comparisons if c.what.startswith("EU turnover of Investor"))
    assert eu.what == "EU turnover of Investor (group turnover of Microsoft Corporation)"
    assert eu.value == Decimal(3_000_000_000) and type(eu.value) is Decimal


def test_the_ultimate_parent_counts_up_the_chain() -> None:
    top = party("party-top", "Top Inc.", *BIG)
    middle = party("party-middle", "Middle Ltd", *SMALL)
    facts = in_group(deal(CONTROL, investor=SMALL, target=BIG), middle, top)
    owner = undertaking(facts, facts.investor)
    assert owner.figures.stream_id == "party-top" and owner.exact


def test_without_the_groups_turnover_the_own_figure_is_a_lower_bound() -> None:
    parent = party("party-parent", "Parent Inc.")  # no turnover reported
    facts = in_group(deal(CONTROL, investor=BIG, target=BIG), parent)
    # A "more than" test the known part already meets is met ...
    test = common.Conditions()
    bound = common.combined(common.deal_worldwide(facts, facts.investor))
    assert test.exceeds("worldwide turnover", bound, _threshold(">", "5000")) is True
    assert "known part only" in test.comparisons[0].what
    assert "a lower bound of its group's" in test.comparisons[0].what
    # ... one it does not meet stays open, naming the group's turnover.
    test = common.Conditions()
    assert test.exceeds("worldwide turnover", bound, _threshold(">", "7000")) is None
    assert any("the group's turnover" in m and "Parent Inc." in m for m in test.missing)
    each = common.Conditions()
    figures = [(facts.investor, common.deal_worldwide(facts, facts.investor))]
    assert each.parties("worldwide turnover", figures, _threshold(">", "7000"), each=True) is None
    assert each.parties("worldwide turnover", figures, _threshold(">", "10"), each=True) is True
    # The EUMR compares exact figures: unknown, never taken for the group's.
    finding = eumr.evaluate(facts, PACK)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert any("the group's turnover" in m for m in finding.missing)


def test_a_cycle_of_group_parents_ends_the_chain() -> None:
    a = replace(party("party-a", "A", *SMALL), group_parent_id="party-b")
    b = replace(party("party-b", "B", *SMALL), group_parent_id="party-a")
    facts = replace(deal(CONTROL, target=BIG), investor=a, groups={"party-b": b})
    assert [p.stream_id for p in group_of(facts, a)] == ["party-b"]
    owner = undertaking(facts, a)
    assert owner.figures is b and owner.exact  # the top of the chain reported a turnover
    folded = group_parents([a], {"party-b": b, "party-a": a}.get)
    assert list(folded) == ["party-b"]


def test_a_parent_the_facts_do_not_hold_leaves_the_group_unknown() -> None:
    alone = deal(CONTROL, investor=BIG, target=BIG)
    facts = replace(alone, investor=replace(alone.investor, group_parent_id="party-unread"))
    owner = undertaking(facts, facts.investor)
    assert not owner.exact and owner.figures is facts.investor
    value, missing = common.deal_worldwide(facts, facts.investor)
    assert value == Decimal(6_000_000_000) and missing and "party-unread" in missing


def test_group_figures_are_kept_per_parent_across_deals() -> None:
    parent = party("party-parent", "Parent", *BIG)
    first = in_group(deal(CONTROL, investor=SMALL, target=BIG), parent)
    second = replace(first, as_of=first.as_of)
    with party_figures_kept():
        assert eumr.evaluate(first, PACK) == eumr.evaluate(second, PACK)


def test_a_group_figure_in_usd_shows_the_group_and_the_rate() -> None:
    usd = TurnoverReported(
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal(200_000_000_000), currency="USD"),
        eu=Money(amount=Decimal(50_000_000_000), currency="USD"),
    )  # fmt: skip
    parent = party("party-parent", "Alphabet Inc.", usd)
    facts = in_group(deal(CONTROL, investor=SMALL, target=BIG, as_of=date(2024, 6, 1)), parent)
    finding = eumr.evaluate(facts, PACK)
    eu = next(c for c in finding.comparisons if c.what.startswith("EU turnover of Investor"))
    assert eu.what == (
        "EU turnover of Investor (group turnover of Alphabet Inc.; USD 50,000m at the ECB "
        "2023 annual average, 1.0813 USD per EUR)"
    )


def _threshold(operator: str, millions: str) -> common.Threshold:
    return common.Threshold(
        value=Decimal(millions) * 1_000_000, unit="EUR", operator=operator,  # type: ignore[arg-type]
        citation="test", sources=["https://example.org"],
    )  # fmt: skip


def test_a_sum_names_whose_converted_figure_it_holds() -> None:
    usd = TurnoverReported(
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal(200_000_000_000), currency="USD"),
    )  # fmt: skip
    parent = party("party-parent", "Alphabet Inc.", usd)
    facts = in_group(deal(CONTROL, investor=SMALL, target=BIG), parent)
    figure = common.deal_worldwide(facts, facts.investor)
    assert getattr(figure[0], "basis", "") == (
        "group turnover of Alphabet Inc.: USD 200,000m at the ECB 2023 annual average, "
        "1.0813 USD per EUR"
    )
    test = common.Conditions()
    both = common.combined(figure, common.deal_worldwide(facts, facts.target))
    assert test.exceeds("combined worldwide turnover", both, _threshold(">", "5000")) is True
    (compared,) = test.comparisons
    assert compared.what.startswith("combined worldwide turnover (group turnover of Alphabet")
    assert type(compared.value) is Decimal


def test_a_parent_that_reported_the_year_without_the_figure_leaves_the_partys_own() -> None:
    """The parent filed an EU figure only: the party's own worldwide turnover is still a
    lower bound of its group's, never dropped (found by the property tests)."""
    parent = party("party-parent", "Parent", turnover(None, "900"))
    facts = in_group(deal(CONTROL, investor=(turnover("700", "5"),), target=SMALL), parent)
    value, missing = common.deal_worldwide(facts, facts.investor)
    assert value == Decimal(700_000_000)
    assert missing is not None and "group" in missing
