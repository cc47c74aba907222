"""UK merger control (CMA), for context: not an EU duty. A relevant merger situation needs
two enterprises ceasing to be distinct, at one of three levels of control (de jure, de facto,
material influence), and a jurisdictional test: the target's UK turnover (over GBP 70m, from
2025-01-01 over GBP 100m), a 25 % share of supply, or from 2025-01-01 the hybrid test, unless
the safe harbour applies (each party's UK turnover at most GBP 10m).

The log holds no UK turnover or share of supply, so the jurisdictional tests are always named
in ``missing``; the finding rests on the level of influence, by the CMA's rules of thumb on
votes: over 25 % generally likely to confer material influence, 15 to 25 % only with other
factors, under 15 % only with substantial other factors.
"""

from __future__ import annotations

from collections.abc import Iterable

from compliance.domain.investments import Investment
from compliance.domain.values import GovernanceRight
from compliance.rules import common
from compliance.rules.base import DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "uk_cma"

CONTEXT = "Context only: the UK regime is voluntary and non-suspensory; this is not an EU duty."
UK_TURNOVER = (
    "UK turnover of the target (not in the log: turnover is reported worldwide, for the EU "
    "and per Member State)"
)
SHARE_OF_SUPPLY = "the parties' share of supply in the UK (not in the log)"
SAFE_HARBOUR = "each party's UK turnover, for the safe harbour (not in the log)"
HYBRID = (
    "each party's UK share of supply and UK turnover, and the other party's UK nexus, for the "
    "hybrid test (not in the log)"
)
SMS = (
    "whether the investor has Strategic Market Status, which makes reporting mandatory "
    "(not in the log)"
)
COMPLETION = (
    "the completion date (the Investment fold records none): completed deals are reviewable "
    "only within 4 months"
)
FACTORS_ASSESSMENT = (
    "a lawyer's assessment of whether the other factors recorded confer material influence"
)
FACTOR_RIGHTS = (
    GovernanceRight.BOARD_SEAT,
    GovernanceRight.OBSERVER_SEAT,
    GovernanceRight.VETO,
    GovernanceRight.CONSULTATION_RIGHT,
)


def other_factors(investment: Investment) -> list[str]:
    """Factors besides votes that the CMA weighs: seats, vetoes, consultation rights,
    commercial ties (agreements in force)."""
    rights = [(r, investment.rights.get(r, 0)) for r in FACTOR_RIGHTS]
    found = [f"{n} {str(r).replace('_', ' ')}" for r, n in rights if n]
    found += [
        f"{'exclusive ' if a.exclusive else ''}{a.kind.replace('_', ' ')} agreement"
        for a in investment.agreements_in_force
    ]
    return found


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    t, p = pack.thresholds, pack.provisions
    make = common.finder(facts, pack, REGIME)
    investment = facts.investment
    rules = t["material_influence_likely_votes"].citation
    if investment.status == "abandoned":
        return make(Status.NOT_TRIGGERED, 0, f"The deal was abandoned. {CONTEXT}", rules)

    v = common.votes(investment)
    factors = other_factors(investment)
    hire = common.licence_and_hire(investment)
    control = t["de_jure_control_votes"]
    likely = t["material_influence_likely_votes"]
    with_factors = t["material_influence_other_factors_votes"]

    unknown = tuple(f"the voting percentage of the holding of {h}" for h in v.unknown)
    share = common.Bound(v.known, unknown)
    comparisons = [
        common.exceeds("the investor's share of the votes", share, threshold)[0]
        for threshold in (control, likely, with_factors)
    ]
    comparisons.append(common.compare("UK turnover of the target", None, t["target_uk_turnover"]))
    comparisons.append(common.compare("share of supply in the UK", None, t["share_of_supply"]))
    jurisdiction = [UK_TURNOVER, SHARE_OF_SUPPLY]
    if "safe_harbour_each_uk_turnover" in t:  # from 2025-01-01
        comparisons += [
            common.compare("UK turnover of each party", None, t["safe_harbour_each_uk_turnover"]),
            common.compare("one party's share of supply", None, t["hybrid_share_of_supply"]),
            common.compare("that party's UK turnover", None, t["hybrid_uk_turnover"]),
        ]
        jurisdiction += [SAFE_HARBOUR, HYBRID, SMS]
    if investment.status == "completed":
        jurisdiction.append(COMPLETION)
    numbers = tuple(comparisons)

    notes = []
    if v.non_voting:
        notes.append(
            f"The investor holds non-voting instruments ({', '.join(v.non_voting)}), which "
            "carry no votes until converted; a conversion could raise the level of control, "
            "which can itself be a new merger."
        )
    tests = (
        "Whether the CMA has jurisdiction turns on the target's UK turnover (over "
        f"{common.amount(t['target_uk_turnover'].value, 'GBP')}) or a share of supply of "
        f"{common.amount(t['share_of_supply'].value, 'percent')}"
        + (", the hybrid test or the safe harbour" if "hybrid_uk_turnover" in t else "")
        + ", which the log does not record."
    )
    tail = " ".join([*notes, CONTEXT])

    def finding(
        status: Status, score: int, level: str, citation: str, missing: Iterable[str] = ()
    ) -> Finding:
        missing = common.unique(missing)
        return make(
            status, score, f"{level} {tests} {tail}" if missing else f"{level} {tail}",
            citation, comparisons=numbers, missing=missing,
        )  # fmt: skip

    if not common.anything_recorded(investment):
        return finding(
            Status.INSUFFICIENT_DATA, 30,
            "Neither the investor's voting share nor governance rights are recorded.",
            rules, ("the investor's voting percentage", "governance rights granted"),
        )  # fmt: skip
    if v.known > control.value:
        return finding(
            Status.CALL_IN_RISK, 60,
            f"The investor holds {v.known} % of the votes: de jure control.",
            control.citation, jurisdiction,
        )  # fmt: skip
    if v.known > likely.value:
        return finding(
            Status.CALL_IN_RISK, 55,
            f"The investor holds {v.known} % of the votes, more than 25 %: generally likely to "
            "confer material influence.",
            likely.citation, jurisdiction,
        )  # fmt: skip
    if hire:
        return finding(
            Status.CALL_IN_RISK, 50,
            f"The investor hired {investment.personnel_hired} of the target's staff and took a "
            "licence: licence-and-hire deals have been treated as mergers.",
            p["acqui_hire"].citation, jurisdiction,
        )  # fmt: skip
    recorded = f"other factors recorded: {'; '.join(factors)}"
    if v.exact is None:
        at_least = f" (at least {v.known} %)" if v.known else ""
        if factors:
            return finding(
                Status.MONITOR, 30,
                f"The investor's share of the votes is not known{at_least}; {recorded}.",
                rules, [*unknown, FACTORS_ASSESSMENT, *jurisdiction],
            )  # fmt: skip
        return finding(
            Status.INSUFFICIENT_DATA, 30,
            f"The investor's share of the votes is not known{at_least} and no other factors "
            "are recorded.",
            rules, [*unknown, *jurisdiction],
        )  # fmt: skip
    held = (
        f"The investor holds {v.exact} % of the votes"
        if investment.holdings
        else "No stake is recorded (no votes)"
    )
    if v.exact >= with_factors.value:
        if factors:
            return finding(
                Status.MONITOR, 40,
                f"{held}, 15 to 25 %: material influence only with other factors; {recorded}.",
                with_factors.citation, [FACTORS_ASSESSMENT, *jurisdiction],
            )  # fmt: skip
        return finding(
            Status.NOT_TRIGGERED, 10,
            f"{held}, 15 to 25 %, and no other factors are recorded: material influence is "
            "generally not expected.",
            with_factors.citation,
        )  # fmt: skip
    if factors:
        return finding(
            Status.MONITOR, 30,
            f"{held}, under 15 %: material influence only with substantial other factors; "
            f"{recorded}.",
            with_factors.citation, [FACTORS_ASSESSMENT, *jurisdiction],
        )  # fmt: skip
    return finding(
        Status.NOT_TRIGGERED, 5,
        f"{held}, under 15 %, and no other factors are recorded: no material influence.",
        with_factors.citation,
    )  # fmt: skip
