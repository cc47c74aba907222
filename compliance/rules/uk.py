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
from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "uk_cma"
NO = NEGATIVE[REGIME]  # the regime's "no"

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
    notes = []
    if investment.status == "completed" and investment.completed_on is None:
        jurisdiction.append(COMPLETION)
    elif investment.completed_on is not None:
        notes.append(
            f"The deal completed on {investment.completed_on}: the CMA may review a completed "
            "merger within four months of completion or of its being made public."
        )
    numbers = tuple(comparisons)

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
            status, score, f"{level} {tests} {tail}" if missing or tested else f"{level} {tail}",
            citation, comparisons=numbers, missing=missing,
        )  # fmt: skip

    tested, tested_why = _jurisdiction(facts, pack)
    if tested is False:  # decides whatever the influence
        return make(
            NO, 5,
            f"No relevant merger situation can arise: {tested_why}. {tail}",
            t["target_uk_turnover"].citation, comparisons=numbers,
        )  # fmt: skip
    stated = assessments.control(facts, REGIME)
    if stated is not None and stated.control is not None:
        if stated.control == "none":
            return make(
                NO, 5,
                f"The investor acquires no material influence, {assessments.said(stated)}. "
                + tail,
                rules, comparisons=numbers,
            )  # fmt: skip
        level = str(stated.control).replace("_", " ")
        known = f"; the jurisdictional test is met: {tested_why}" if tested else ""
        return make(
            Status.CALL_IN_RISK, 70 if tested else 55,
            f"The investor acquires {level}, {assessments.said(stated)}{known}. "
            + (tail if tested else f"{tests} {tail}"),
            rules, comparisons=numbers, missing=() if tested else common.unique(jurisdiction),
        )  # fmt: skip
    if tested:
        jurisdiction = []
        tests = f"The jurisdictional test is met: {tested_why}."
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
            NO, 10,
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
        NO, 5,
        f"{held}, under 15 %, and no other factors are recorded: no material influence.",
        with_factors.citation,
    )  # fmt: skip


def _jurisdiction(facts: DealFacts, pack: RulePack) -> tuple[bool | None, str]:
    """Whether the share-of-supply or the turnover test is met, from sourced assessments:
    True if either is, False only if both are known not to be (and no hybrid test applies),
    else None; and why, in words."""
    t = pack.thresholds
    share = assessments.assessed(facts, REGIME, "uk_share_of_supply")
    turnover = assessments.assessed(facts, REGIME, "uk_turnover")
    results: list[tuple[bool | None, str]] = []
    if share is not None:
        met = "has" if share.met else "has no"
        results.append((share.met, f"the deal {met} a UK share of supply of 25 % or more, "
                                   f"{assessments.said(share)}"))  # fmt: skip
    if turnover is not None and turnover.bound is not None:
        compared, met_turnover = assessments.bound_comparison(
            turnover, "UK turnover of the target", t["target_uk_turnover"]
        )
        results.append((met_turnover, compared.what))
    if any(met for met, _ in results):
        return True, next(why for met, why in results if met)
    if (
        len(results) == 2
        and all(met is False for met, _ in results)
        and "hybrid_uk_turnover" not in t
    ):
        return False, "; ".join(why for _, why in results)
    return None, ""
