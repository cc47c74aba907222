"""Foreign Subsidies Regulation Art 20: must a concentration be notified because the EU target
is large and the parties received foreign financial contributions?"""

from __future__ import annotations

from compliance.rules import assessments, common, eumr
from compliance.rules.base import NEGATIVE, Comparison, DealFacts, Finding, Status
from compliance.rules.facts import deal_control, party_figure, turnovers_in_eur
from compliance.rules.packs import RulePack, pack_for

REGIME = "fsr_art20"
NO = NEGATIVE[REGIME]  # the regime's "no"


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    mandatory = pack.milestones["notifications_mandatory"]
    turnover_test = pack.thresholds["target_eu_turnover"]
    contributions = pack.thresholds["foreign_financial_contributions"]

    finding = common.finder(facts, pack, REGIME)

    if facts.as_of < mandatory.on:
        return finding(
            Status.NOT_APPLICABLE, 0,
            f"Notifications of concentrations under the FSR are mandatory from {mandatory.on}.",
            mandatory.citation,
        )  # fmt: skip
    eumr_pack = pack_for(eumr.REGIME, facts.as_of)
    assert eumr_pack is not None
    concept = pack.provisions["concentration"].citation
    target = facts.target
    name = target.name or target.stream_id
    established = assessments.assessed(facts, REGIME, "established_in_eu")
    in_eu = target.country in pack.listings["eu_member_states"].items
    if established is not None and established.met is not None:
        in_eu = established.met
        per = assessments.said(established)
        where = f"{'is' if in_eu else 'is not'} established in the EU ({per})"
    else:
        where = f"({target.country}) {'is' if in_eu else 'is not'} established in the EU"
    if not in_eu:  # decides whatever the control
        return finding(NO, 5, f"The target {name} {where}.", turnover_test.citation)
    c = deal_control(facts, eumr_pack, REGIME)
    if c.concentration is False:
        return finding(NO, 5, f"No concentration: {c.reason}.", concept)
    eu = party_figure(facts, turnovers_in_eur, target)
    compared = Comparison(
        f"EU turnover of {name}", eu.eu, turnover_test.operator, turnover_test.value,
        turnover_test.unit, turnover_test.citation,
    )  # fmt: skip
    ffc = Comparison(
        "foreign financial contributions to the parties in the three years before signing",
        None, contributions.operator, contributions.value, contributions.unit,
        contributions.citation,
    )  # fmt: skip
    if compared.met is False:
        return finding(
            NO, 10,
            f"{name} {where} but its EU turnover is below EUR 500m, "
            "whatever the control.",
            turnover_test.citation, comparisons=(compared,),
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 40, f"Cannot tell whether control is acquired: {c.reason}.",
            concept, comparisons=(compared,), missing=c.missing,
        )  # fmt: skip
    if compared.met is None:
        return finding(
            Status.INSUFFICIENT_DATA, 45,
            f"{name} {where}; its EU turnover is not recorded.",
            turnover_test.citation, comparisons=(compared, ffc), missing=eu.missing,
        )  # fmt: skip
    return finding(
        Status.INSUFFICIENT_DATA,
        70,
        f"{name} {where} with EU turnover of at least EUR 500m: the deal is "
        "notifiable if the parties received more than EUR 50m of foreign financial "
        f"contributions in the three years before signing{window(facts)}, which the log does "
        "not record.",
        f"{turnover_test.citation}; {contributions.citation}",
        comparisons=(compared, ffc),
        missing=(
            "foreign financial contributions received by the parties in the three years "
            f"before signing{window(facts)}",
        ),
    )


def window(facts: DealFacts) -> str:
    """`` (2021-03-01 to 2024-02-29)``: the three years before the signing (the agreement's
    date where recorded, else the announcement, which the Regulation also names), or ""."""
    investment = facts.investment
    signed = investment.signed_on or investment.announced_on
    if signed is None:
        return ""
    try:
        start = signed.replace(year=signed.year - 3)
    except ValueError:  # 29 February
        start = signed.replace(year=signed.year - 3, day=28)
    which = "signing" if investment.signed_on else "announcement"
    return f" ({which} on {signed}: from {start} to {signed})"
