"""Germany, GWB §35(1a): the transaction-value test. A concentration is notifiable to the
Bundeskartellamt, even where the target has little German turnover, when combined worldwide
turnover exceeds EUR 500m, one party's German turnover exceeds the first domestic threshold,
the consideration exceeds EUR 400m and the target is substantially active in Germany.

A concentration under the GWB includes the acquisition of material competitive influence,
a lower bar than EU control: any recorded stake, board or observer seat, veto or
licence-and-hire is treated as possibly enough, and a lawyer has to confirm it.
"""

from __future__ import annotations

from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "de_gwb_35_1a"
NO = NEGATIVE[REGIME]  # the regime's "no"

DOMESTIC_THRESHOLD_UNCONFIRMED = (
    "German domestic threshold after the 2021 amendment: UNCONFIRMED in the fact sheet "
    "(the 10th GWB amendment raised it; its new value is not encoded)"
)
SUBSTANTIAL_ACTIVITY = (
    "whether the target is substantially active in Germany (not recorded in the log; "
    "a lawyer's assessment, see the DE/AT joint guidance)"
)
INFLUENCE = (
    "whether the recorded links confer material competitive influence (a lawyer's assessment)"
)
NOT_COVERED = (
    " The turnover test of GWB §35(1) is not covered here: its thresholds are not in the "
    "fact sheet."
)


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    t, p = pack.thresholds, pack.provisions
    make = common.finder(facts, pack, REGIME)
    provision = p["transaction_value_test"].citation
    influence = p["material_competitive_influence"]
    investment = facts.investment

    found = common.deal_links(facts)
    stated_control = assessments.control(facts, REGIME)
    if stated_control is not None and stated_control.control == "none":
        return make(
            NO, 5,
            f"No concentration: the investor acquires no control or material competitive "
            f"influence, {assessments.said(stated_control)}.",
            influence.citation,
        )  # fmt: skip
    activity = assessments.assessed(facts, REGIME, "significant_domestic_activity", "DE")
    if activity is not None and activity.met is False:  # decides whatever the figures
        return make(
            NO, 5,
            "The target has no significant domestic activity in Germany "
            f"({assessments.said(activity)}): the transaction-value test of §35(1a) is not met, "
            "whatever the consideration." + NOT_COVERED,
            provision,
        )  # fmt: skip
    parties = (facts.investor, facts.target)
    threshold = assessments.assessed(facts, REGIME, "national_threshold", "DE")
    stated = threshold is not None and threshold.met is not None
    combined, lacking = common.exceeds(
        "combined worldwide turnover",
        common.combined(*(common.deal_worldwide(facts, x) for x in parties)),
        t["combined_worldwide"],
    )
    if combined.met is False and not stated:  # decides whatever the influence
        return make(
            NO, 5,
            f"Combined worldwide turnover does not exceed the §35(1a) threshold: not "
            f"notifiable, whatever the investor's influence.{NOT_COVERED}",
            provision, comparisons=(combined,),
        )  # fmt: skip
    if stated_control is None and not found and not common.anything_recorded(investment):
        return make(
            Status.INSUFFICIENT_DATA, 40,
            "Cannot tell whether the investor acquires material competitive influence: no "
            "stake, governance right or licence-and-hire is recorded.",
            influence.citation,
            missing=("the investor's stake in the target", "governance rights granted"),
        )  # fmt: skip
    if stated_control is None and not found:
        return make(
            NO, 5,
            "No stake, board or observer seat, veto or licence-and-hire is recorded: nothing "
            "that could confer material competitive influence, so no concentration.",
            influence.citation,
        )  # fmt: skip
    if stated_control is not None:
        level = str(stated_control.control).replace("_", " ")
        found = [f"{level} control, {assessments.said(stated_control)}"]

    test = common.Conditions()
    if threshold is not None and threshold.met is not None:
        # The turnover thresholds of §35(1a) as a sourced statement decides both of them.
        test.add(
            f"combined worldwide and German turnover over the §35(1a) thresholds "
            f"({'met' if threshold.met else 'not met'}, {assessments.said(threshold)})",
            threshold.met,
        )
    else:
        test.add(
            common.condition("combined worldwide turnover", t["combined_worldwide"]),
            combined.met, [combined], lacking,
        )  # fmt: skip
        domestic = t.get("first_domestic_turnover")
        if domestic is None:
            test.add(
                "German turnover of one party > the first domestic threshold",
                None,
                missing=[DOMESTIC_THRESHOLD_UNCONFIRMED],
            )
        else:
            german = [
                (x, common.party_figure(facts, common.country_eur, x, "DE", "German"))
                for x in parties
            ]
            test.parties("German turnover", german, domestic, each=False)
    consideration = common.consideration_eur(investment)
    bound = assessments.assessed(facts, REGIME, "consideration")
    if consideration.exact is None and bound is not None and bound.bound is not None:
        compared, met = assessments.bound_comparison(bound, "consideration", t["consideration"])
        test.add(f"consideration {t['consideration'].operator} EUR 400m (assessed)", met,
                 [compared], ["the consideration"])  # fmt: skip
    else:
        test.exceeds("consideration (EUR)", consideration, t["consideration"])
    active = None if activity is None else activity.met
    test.add(
        "significant domestic activity in Germany"
        + (f" ({assessments.said(activity)})" if activity is not None else ""),
        active, missing=[SUBSTANTIAL_ACTIVITY],
    )  # fmt: skip

    numbers = tuple(test.comparisons)
    held = "; ".join(found)
    citation = f"{provision}; {influence.citation}"
    if test.met is False:
        return make(
            NO, 15,
            f"The transaction-value test is {test.summary()}, whatever the investor's "
            f"influence ({held})." + NOT_COVERED,
            provision, comparisons=numbers,
        )  # fmt: skip
    influence_text = (
        f"The investor's links to the target ({held}) may confer material competitive "
        "influence, which suffices for a concentration under the GWB (a lower bar than EU "
        "control)"
    )
    missing = common.unique([*test.missing, *([] if stated_control else [INFLUENCE])])
    if test.met is None:
        unknown = [label for label, ok in test.met_by.items() if ok is None]
        return make(
            Status.INSUFFICIENT_DATA, 60 if len(unknown) == 1 else 50,
            f"{influence_text}; the transaction-value test is {test.summary()}.",
            citation, comparisons=numbers, missing=missing,
        )  # fmt: skip
    return make(
        Status.NOTIFIABLE, 75,
        f"{influence_text}. Combined worldwide turnover, one party's German turnover and the "
        "consideration exceed the §35(1a) thresholds and the target is significantly active "
        f"in Germany ({assessments.said(activity) if activity else ''}): the deal is "
        "notifiable to the Bundeskartellamt.",
        citation, comparisons=numbers, missing=missing,
    )  # fmt: skip
