"""Italy, Art 16(1-bis) Law 287/1990: the AGCM may call in a concentration below the
notification thresholds, requiring it to be notified within 30 days, where combined worldwide
turnover exceeds EUR 5bn (or only one of the two Italian turnover thresholds is met), there are
prima facie concrete risks for competition, and no more than six months have passed since
closing.

The other alternative needs Italy's current (annually revalued) thresholds, UNCONFIRMED in the
fact sheet: it is never decided here. The prima facie risks need a lawyer. The six months run
from the closing (InvestmentCompleted's date); once they have passed, no call-in is possible,
whatever else is missing.
"""

from __future__ import annotations

from decimal import Decimal

from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "it_call_in"
NO = NEGATIVE[REGIME]  # the regime's "no"

ITALIAN_THRESHOLDS = (
    "Italian turnover thresholds in force (revalued annually): current values UNCONFIRMED in "
    "the fact sheet, so the alternative 'only one of the two Italian thresholds is met' cannot "
    "be tested"
)
RISKS = (
    "a lawyer's assessment of prima facie concrete risks for competition in Italy (not "
    "recorded in the log)"
)
COMPLETION = (
    "the completion date (the Investment fold records none): a call-in is possible only "
    "within six months of closing"
)
CONCENTRATION = (
    "whether the deal is a concentration under Law 287/1990 (the concept is not in the fact "
    "sheet: a lawyer's assessment)"
)


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    t, p = pack.thresholds, pack.provisions
    make = common.finder(facts, pack, REGIME)
    call_in = p["call_in"].citation
    investment = facts.investment

    window = t["months_since_closing"]
    closed_on = investment.completed_on
    elapsed = None if closed_on is None else common.months_between(closed_on, facts.as_of)
    since = common.compare(
        "months since closing" + (f" on {closed_on}" if closed_on else " (not closed yet)"),
        Decimal(0) if closed_on is None else elapsed,
        window,
    )
    months = common.amount(window.value, window.unit)
    # Italy's competence (a call-in made), stated while the window was open, outlives it.
    competent = assessments.assessed(
        facts, REGIME, "national_competence", "IT"
    ) or assessments.assessed(facts, "eumr_art22", "national_competence", "IT")
    within = closed_on is None or (
        competent is not None and common.months_between(closed_on, competent.on) <= window.value
    )
    if since.met is False and not (competent is not None and competent.met and within):
        return make(
            NO, 5,
            f"The deal closed on {closed_on}, more than {months} before {facts.as_of}: the AGCM "
            "can no longer call it in.",
            call_in, comparisons=(since,),
        )  # fmt: skip
    if competent is not None and competent.met is not None and within:
        if competent.met:
            return make(
                Status.CALL_IN_RISK, 60,
                f"Italy is competent to review the deal (a call-in), "
                f"{assessments.said(competent)}.",
                call_in,
            )  # fmt: skip
        return make(
            NO, 5, f"Italy is not competent to review the deal, {assessments.said(competent)}.",
            call_in,
        )  # fmt: skip
    found = common.deal_links(facts)
    if not found and not common.anything_recorded(investment):
        return make(
            Status.INSUFFICIENT_DATA, 40,
            "Cannot tell whether the deal is a concentration: no stake, governance right or "
            "licence-and-hire is recorded.",
            call_in, missing=("the investor's stake in the target", "governance rights granted"),
        )  # fmt: skip
    if not found:
        return make(
            NO, 5,
            "No stake, board or observer seat, veto or licence-and-hire is recorded: no "
            "concentration is apparent.",
            call_in,
        )  # fmt: skip

    parties = (facts.investor, facts.target)
    test = common.Conditions()
    worldwide = test.exceeds(
        "combined worldwide turnover",
        common.combined(*(common.deal_worldwide(facts, x) for x in parties)),
        t["combined_worldwide"],
    )
    possible = (
        f"The investor's links to the target ({'; '.join(found)}) may make the deal a concentration"
    )
    limit = common.amount(t["combined_worldwide"].value, t["combined_worldwide"].unit)
    if worldwide is not True:
        italian = [
            common.party_figure(facts, common.country_eur, x, "IT", "Italian") for x in parties
        ]
        lacking = [m for value, m in italian if value is None and m]
        below = "does not exceed" if worldwide is False else "may or may not exceed"
        return make(
            Status.INSUFFICIENT_DATA, 30 if worldwide is False else 45,
            f"{possible}. Combined worldwide turnover {below} {limit}; the other ground for a "
            "call-in (only one of the two Italian turnover thresholds met) needs Italy's "
            "current thresholds, which are UNCONFIRMED in the fact sheet.",
            f"{call_in}; {p['italian_thresholds'].citation}",
            comparisons=tuple(test.comparisons),
            missing=common.unique([
                *test.missing, ITALIAN_THRESHOLDS, *lacking, RISKS, CONCENTRATION,
            ]),
        )  # fmt: skip

    when = (
        f"It closed on {closed_on}: the call-in is possible until {months} after."
        if closed_on
        else f"It has not closed yet, so the {months} since closing have not started."
    )
    return make(
        Status.CALL_IN_RISK, 55 if closed_on else 65,
        f"{possible}, and combined worldwide turnover exceeds {limit}. {when} The AGCM may "
        "require notification within 30 days if it sees prima facie concrete risks for "
        f"competition ({p['fines'].text.lower().rstrip('.')}).",
        call_in, comparisons=(*test.comparisons, since),
        missing=(RISKS, CONCENTRATION),
    )  # fmt: skip
