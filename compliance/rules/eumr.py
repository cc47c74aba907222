"""EU Merger Regulation: is control acquired (Art 3), and has the deal an EU dimension
(Art 1(2) or 1(3))? If both, it is notifiable and may not be implemented before clearance."""

from __future__ import annotations

from decimal import Decimal

from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, Comparison, DealFacts, Finding, Status
from compliance.rules.common import all_met, any_met, compare
from compliance.rules.facts import (
    Turnovers,
    deal_control,
    party_figure,
    shared,
    turnovers_in_eur,
)
from compliance.rules.packs import RulePack

REGIME = "eumr"
NO = NEGATIVE[REGIME]  # the regime's "no"


def dimension(facts: DealFacts, pack: RulePack) -> tuple[bool | None, list[Comparison], list[str]]:
    """Whether the deal has an EU dimension (None: not known), the numbers, what is missing."""
    t = pack.thresholds
    parties = [facts.investor, facts.target]
    figures = [party_figure(facts, turnovers_in_eur, p) for p in parties]
    names = [p.name or p.stream_id for p in parties]
    missing = [m for f in figures for m in f.missing]
    known = [f.worldwide for f in figures if f.worldwide is not None]
    combined = sum(known, Decimal(0)) if len(known) == len(figures) else None

    def each_eu(key: str) -> list[Comparison]:
        return [
            compare(f"EU turnover of {n}", f.eu, t[key])
            for n, f in zip(names, figures, strict=True)
        ]

    art_1_2 = [compare("combined worldwide turnover", combined, t["art_1_2_combined_worldwide"])]
    art_1_2 += each_eu("art_1_2_each_eu")
    art_1_3 = [compare("combined worldwide turnover", combined, t["art_1_3_combined_worldwide"])]
    art_1_3 += each_eu("art_1_3_each_eu")
    by_state = all(f.member_states for f in figures)
    qualifying = [
        state
        for state in sorted(set(figures[0].member_states) & set(figures[1].member_states))
        if sum(f.member_states[state] for f in figures) > t["art_1_3_combined_member_state"].value
        and all(f.member_states[state] > t["art_1_3_each_member_state"].value for f in figures)
    ]
    art_1_3.append(
        Comparison(
            "Member States with combined turnover over EUR 100m and each party over EUR 25m",
            Decimal(len(qualifying)) if by_state else None,
            ">=",
            Decimal(3),
            "Member States",
            t["art_1_3_combined_member_state"].citation,
        )
    )
    result = any_met([all_met(c.met for c in art_1_2), all_met(c.met for c in art_1_3)])
    comparisons = art_1_2 + art_1_3
    if not by_state:
        missing.append("turnover per Member State of both parties (Art 1(3), two-thirds rule)")
    elif result is True and _two_thirds(figures, t["two_thirds_rule"].value):
        comparisons.append(
            Comparison(
                "each party's share of its EU turnover in one and the same Member State",
                Decimal(1), ">", t["two_thirds_rule"].value, "share", t["two_thirds_rule"].citation,
            )
        )  # fmt: skip
        result = False
    return result, comparisons, missing


def deal_dimension(
    facts: DealFacts, pack: RulePack
) -> tuple[bool | None, list[Comparison], list[str]]:
    """``dimension``, once per deal (the EUMR and Art 22 regimes both ask; do not change the
    lists it returns)."""
    return shared(facts, dimension, facts, pack)


def _two_thirds(figures: list[Turnovers], share: Decimal) -> bool:
    """Each party achieves more than two-thirds of its EU turnover in the same Member State."""
    tops = []
    for f in figures:
        if not f.eu:
            return False
        state, value = max(f.member_states.items(), key=lambda item: item[1])
        if value / f.eu <= share:
            return False
        tops.append(state)
    return len(set(tops)) == 1


def series(facts: DealFacts, pack: RulePack) -> str:
    """EUMR Art 5(2): the acquisitions within two years of the latest one count as one
    concentration arising on the latest one's date. Returns the sentence to add, if any."""
    done = [a for a in facts.investment.acquisitions if a.on <= facts.as_of]
    if len(done) < 2:
        return ""
    last = max(a.on for a in done)
    two_years_before = (
        last.replace(year=last.year - 2)
        if (last.month, last.day) != (2, 29)
        else last.replace(year=last.year - 2, day=28)
    )
    window = [a for a in done if a.on > two_years_before]
    if len(window) < 2:
        return ""
    first = min(a.on for a in window)
    return (
        f" {len(window)} acquisitions between {first} and {last} fall within two years: they "
        f"count as one concentration arising on {last} ({pack.provisions['art_5_2'].citation})."
    )


def assessed_dimension(
    facts: DealFacts, pack: RulePack
) -> tuple[bool | None, list[Comparison], list[str], str]:
    """``deal_dimension``, with a sourced assessment of the EU dimension where the figures
    leave it open; the last item says so ("" when the figures decided)."""
    has, comparisons, missing = deal_dimension(facts, pack)
    if has is None:
        stated = assessments.assessed(facts, REGIME, "eu_dimension")
        if stated is not None and stated.met is not None:
            met = "meets" if stated.met else "does not meet"
            return stated.met, comparisons, [], (
                f"the deal {met} the Art 1(2) or 1(3) thresholds, {assessments.said(stated)}"
            )  # fmt: skip
    return has, comparisons, missing, ""


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    c = deal_control(facts, pack)
    creeping = series(facts, pack)
    provision = pack.provisions[c.provision]

    finding = common.finder(facts, pack, REGIME)

    if c.concentration is False:  # decides whatever the dimension (not computed: the rebuild
        return finding(  # evaluates every deal, most of them minority stakes)
            NO, 5,
            f"No concentration: {c.reason}. The EUMR applies only where control is acquired.",
            provision.citation,
        )  # fmt: skip
    has_dimension, comparisons, missing, stated = assessed_dimension(facts, pack)
    numbers = tuple(comparisons)
    why = f" ({stated})" if stated else ""
    if has_dimension is False:  # decides whatever the control
        maybe = "is" if c.concentration else "may be"
        return finding(
            NO, 15,
            f"No EU dimension{why}: not notifiable to the Commission, whether or not the deal "
            f"is a concentration (it {maybe}: {c.reason}; see the Art 22 referral and national "
            f"regimes).{creeping}",
            f"{provision.citation}; EUMR Art 1", comparisons=numbers,
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 40, f"Cannot tell whether control is acquired: {c.reason}.",
            provision.citation, comparisons=numbers, missing=(*c.missing, *missing),
        )  # fmt: skip
    maybe = "may be" if c.concentration is None else "is"
    if has_dimension is True:
        standstill = pack.provisions["standstill"]
        return finding(
            Status.NOTIFIABLE, 95 if c.concentration else 75,
            f"The deal {maybe} a concentration ({c.reason}) and has an EU dimension{why}: "
            f"notify the Commission before implementing it ({standstill.citation}).{creeping}",
            f"{provision.citation}; EUMR Art 1; {standstill.citation}",
            comparisons=numbers, missing=tuple(missing),
        )  # fmt: skip
    return finding(
        Status.INSUFFICIENT_DATA, 60 if c.concentration else 45,
        f"The deal {maybe} a concentration ({c.reason}); whether it has an EU dimension "
        f"cannot be told without the missing turnover figures.{creeping}",
        f"{provision.citation}; EUMR Art 1", comparisons=numbers, missing=tuple(missing),
    )  # fmt: skip
