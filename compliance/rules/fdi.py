"""FDI screening: a non-EU investor in an EU AI company. Under Regulation 2019/452 screening is
national and optional; from 2028-01-17 Regulation 2026/1386 makes it mandatory for a common
scope that includes certain AI technologies."""

from __future__ import annotations

from typing import Any

from compliance.rules import common
from compliance.rules.base import NEGATIVE, Comparison, DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "fdi_screening"
NO = NEGATIVE[REGIME]  # the regime's "no"


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    eu = pack.listings["eu_member_states"].items
    law = next(iter(pack.provisions.values()))

    make = common.finder(facts, pack, REGIME)

    def finding(status: Status, score: int, rationale: str, **kw: Any) -> Finding:
        return make(status, score, rationale, law.citation, **kw)

    investor, target = facts.investor, facts.target
    if target.country not in eu:
        return finding(
            Status.NOT_APPLICABLE, 0,
            f"The target is not in the EU ({target.country}): the EU screening framework "
            "concerns investments into the Union (a screening of an EU subsidiary by its "
            "Member State is not covered here).",
        )  # fmt: skip
    if investor.country in eu:
        return finding(
            NO, 0,
            f"The investor is established in the EU ({investor.country}); EU FDI screening "
            "concerns non-EU investors (its ultimate controller is not checked here).",
        )  # fmt: skip
    stake = pack.thresholds["fdi_stake"]
    equity = facts.investment.total("equity_pct")
    compared = Comparison(
        "the investor's equity stake", equity, stake.operator, stake.value, stake.unit,
        stake.citation,
    )  # fmt: skip
    small = " The stake is below 10 %, which commentary says does not formally qualify as FDI." \
        if compared.met is False else ""  # fmt: skip
    if "mandatory" in pack.provisions:
        return finding(
            Status.INSUFFICIENT_DATA, 70,
            "A non-EU investor in an EU AI company: in-scope deals need prior authorisation "
            f"under the mandatory screening regime.{small}",
            comparisons=(compared,),
            missing=(f"whether {target.name}'s AI technology is within the mandatory scope",),
        )  # fmt: skip
    return finding(
        Status.MONITOR, 35,
        "A non-EU investor in an EU AI company (AI is a critical technology): national screening "
        f"of {target.country} may apply; the EU regulation itself is a cooperation framework."
        f"{small}",
        comparisons=(compared,),
        missing=(f"{target.country}'s national FDI screening rules (not encoded)",),
    )  # fmt: skip
