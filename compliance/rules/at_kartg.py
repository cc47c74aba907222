"""Austria, KartG §9: a concentration is notifiable to the Federal Competition Authority under
the turnover test (combined worldwide turnover > EUR 300m, combined Austrian turnover > EUR 30m,
at least two undertakings each > EUR 5m worldwide and, from 2022-01-01, each > EUR 1m in
Austria) or the transaction-value test of §9(4) (combined worldwide > EUR 300m, combined
Austrian > EUR 15m, consideration > EUR 200m, target significantly active in Austria).

The fact sheet does not give the KartG's concentration concept: any recorded stake, board or
observer seat, veto or licence-and-hire is treated as a possible concentration, and whether
the deal is one is left to a lawyer (named in ``missing``).
"""

from __future__ import annotations

from compliance.domain.investments import Assessment
from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, Comparison, DealFacts, Finding, Status
from compliance.rules.packs import RulePack

REGIME = "at_kartg_9_4"
NO = NEGATIVE[REGIME]  # the regime's "no"

SIGNIFICANT_ACTIVITY = (
    "whether the target is significantly active in Austria (not recorded in the log; "
    "a lawyer's assessment, see the DE/AT joint guidance)"
)
CONCENTRATION = (
    "whether the deal is a concentration under the KartG (its concentration concept is not "
    "in the fact sheet: a lawyer's assessment)"
)


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    t, p = pack.thresholds, pack.provisions
    make = common.finder(facts, pack, REGIME)
    value_citation = p["transaction_value_test"].citation
    turnover_citation = p["turnover_test"].citation
    investment = facts.investment

    parties = (facts.investor, facts.target)
    worldwide = [(x, common.deal_worldwide(facts, x)) for x in parties]
    total = common.combined(*(f for _, f in worldwide))
    by_test = {
        key: common.exceeds("combined worldwide turnover", total, t[key])
        for key in ("turnover_test_combined_worldwide", "value_test_combined_worldwide")
    }
    if all(compared.met is False for compared, _ in by_test.values()):
        # Both tests need it: decides whatever the concentration.
        return make(
            NO, 5,
            "Combined worldwide turnover does not exceed the thresholds of either test: not "
            "notifiable, whatever the links between the parties.",
            f"{turnover_citation}; {value_citation}",
            comparisons=(by_test["turnover_test_combined_worldwide"][0],),
        )  # fmt: skip
    found = common.deal_links(facts)
    if not found and not common.anything_recorded(investment):
        return make(
            Status.INSUFFICIENT_DATA, 40,
            "Cannot tell whether the deal is a concentration: no stake, governance right or "
            "licence-and-hire is recorded.",
            value_citation,
            missing=("the investor's stake in the target", "governance rights granted"),
        )  # fmt: skip
    if not found:
        return make(
            NO, 5,
            "No stake, board or observer seat, veto or licence-and-hire is recorded: no "
            "concentration is apparent.",
            value_citation,
        )  # fmt: skip

    austrian = [
        (x, common.party_figure(facts, common.country_eur, x, "AT", "Austrian")) for x in parties
    ]

    turnover_test = common.Conditions()
    _combined(turnover_test, by_test["turnover_test_combined_worldwide"])
    turnover_test.exceeds(
        "combined Austrian turnover",
        common.combined(*(f for _, f in austrian)),
        t["turnover_test_combined_austria"],
    )
    turnover_test.parties(
        "worldwide turnover", worldwide, t["turnover_test_each_worldwide"], each=True
    )
    if "turnover_test_each_austria" in t:  # from 2022-01-01
        turnover_test.parties(
            "Austrian turnover", austrian, t["turnover_test_each_austria"], each=True
        )

    value_test = common.Conditions()
    _combined(value_test, by_test["value_test_combined_worldwide"])
    value_test.exceeds(
        "combined Austrian turnover",
        common.combined(*(f for _, f in austrian)),
        t["value_test_combined_austria"],
    )
    consideration = common.consideration_eur(investment)
    bound = assessments.assessed(facts, REGIME, "consideration")
    if consideration.exact is None and bound is not None and bound.bound is not None:
        compared, met = assessments.bound_comparison(bound, "consideration", t["consideration"])
        value_test.add("consideration (assessed)", met, [compared], ["the consideration"])
    else:
        value_test.exceeds("consideration (EUR)", consideration, t["consideration"])
    activity = assessments.assessed(facts, REGIME, "significant_domestic_activity", "AT")
    value_test.add(
        "significant activity in Austria"
        + (f" ({assessments.said(activity)})" if activity is not None else ""),
        None if activity is None else activity.met, missing=[SIGNIFICANT_ACTIVITY],
    )  # fmt: skip

    numbers = (*turnover_test.comparisons, *value_test.comparisons)
    held = "; ".join(found)
    possible = f"The investor's links to the target ({held}) may make the deal a concentration"
    both = f"{turnover_citation}; {value_citation}"
    if turnover_test.met is True:
        return make(
            Status.NOTIFIABLE, 80,
            f"{possible}, and the turnover test is met: the deal is notifiable to the Austrian "
            "Federal Competition Authority if it is a concentration.",
            turnover_citation, comparisons=numbers, missing=(CONCENTRATION,),
        )  # fmt: skip
    if value_test.met is True:
        return make(
            Status.NOTIFIABLE, 75,
            f"{possible}. The turnover test is {turnover_test.summary()}, but combined worldwide "
            "and Austrian turnover and the consideration exceed the §9(4) thresholds and the "
            f"target is significantly active in Austria{_per(activity)}: the deal is notifiable.",
            value_citation, comparisons=numbers,
            missing=common.unique([*turnover_test.missing, CONCENTRATION]),
        )  # fmt: skip
    if turnover_test.met is False and value_test.met is False:
        return make(
            NO, 15,
            f"Neither test applies: the turnover test is {turnover_test.summary()} and the "
            f"transaction-value test is {value_test.summary()}.",
            both, comparisons=numbers,
        )  # fmt: skip
    return make(
        Status.INSUFFICIENT_DATA, 50,
        f"{possible}; whether it is notifiable cannot be told: the turnover test is "
        f"{turnover_test.summary()} and the transaction-value test is {value_test.summary()}.",
        both, comparisons=numbers,
        missing=common.unique(
            [*turnover_test.missing, *value_test.missing, SIGNIFICANT_ACTIVITY, CONCENTRATION]
        ),
    )  # fmt: skip


def _combined(test: common.Conditions, compared: tuple[Comparison, tuple[str, ...]]) -> None:
    """The combined worldwide turnover, compared once, as a condition of ``test``."""
    comparison, missing = compared
    label = f"combined worldwide turnover {comparison.operator} "
    label += common.amount(comparison.threshold, comparison.unit)
    test.add(label, comparison.met, [comparison], missing)


def _per(stated: Assessment | None) -> str:
    return f" ({assessments.said(stated)})" if stated is not None else ""
