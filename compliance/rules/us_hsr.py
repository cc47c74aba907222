"""US Hart-Scott-Rodino premerger notification, for context: not an EU duty. An acquisition
of voting securities is reportable when its size exceeds the size-of-transaction threshold of
the year and, unless it exceeds the figure above which the size-of-person test is disregarded,
one party has annual net sales or total assets of at least the larger-person figure and the
other of at least the smaller-person figure. Non-voting interests (non-voting shares,
convertible notes not yet converted) are generally not reportable, whatever their value.

The size is taken from the USD amounts recorded in the deal's stream. The Investment fold keeps
EUR totals and the amounts it could not convert: EUR amounts (and amounts converted to EUR with
a stated rate) have no USD figure, so they make the size unknown rather than being converted.
"""

from __future__ import annotations

from decimal import Decimal

from compliance.domain.investments import Holding, Investment
from compliance.domain.parties import Party
from compliance.domain.values import Instrument
from compliance.rules import assessments, common
from compliance.rules.base import NEGATIVE, Comparison, DealFacts, Finding, Status
from compliance.rules.facts import turnover
from compliance.rules.packs import RulePack

REGIME = "us_hsr"
NO = NEGATIVE[REGIME]  # the regime's "no"

CONTEXT = "Context only: a US filing, not an EU duty."
LARGER_UNCONFIRMED = (
    "the HSR size-of-person figure for the larger person in this period (2024): UNCONFIRMED "
    "in the fact sheet"
)
DISREGARD_NOT_GIVEN = (
    "the HSR figure above which the size-of-person test is disregarded in this period (2024): "
    "not in the fact sheet"
)
VOTING_SHARE_OF_AMOUNT = (
    "the value of the voting securities alone (the fold does not split the amounts paid by "
    "instrument, and part was paid for interests that may not vote)"
)


def _votes(held: Holding) -> bool | None:
    """Whether a holding carries votes: stated, or known from its instrument; None if not."""
    if held.voting_pct is not None:
        return held.voting_pct > 0
    if held.instrument in common.NON_VOTING:
        return False
    return True if held.instrument == Instrument.ORDINARY_SHARES else None


def size_usd(investment: Investment) -> common.Bound:
    """The USD amounts recorded in the deal's stream (stakes and licence fees: the fold does
    not tell them apart); amounts in other currencies are named as missing a USD rate."""
    usd = sum((m.amount for m in investment.unconverted if m.currency == "USD"), Decimal(0))
    missing = [
        f"a USD rate for {common.money(m)} recorded in the deal's stream"
        for m in investment.unconverted
        if m.currency != "USD"
    ]
    eur = investment.invested_eur + investment.licence_fees_eur
    if eur:
        missing.append(
            f"a USD figure for EUR {eur:,.2f} recorded in the deal's stream (in EUR, or "
            "converted to EUR with a stated rate: the Investment fold keeps no USD figure)"
        )
    if not usd and not missing:
        missing.append("the amount paid: none is recorded in the deal's stream")
    return common.Bound(usd, tuple(missing))


def _sales_usd(party: Party, facts: DealFacts) -> tuple[Decimal | None, str]:
    reported = turnover(party, facts.as_of)
    lacking = (
        f"annual net sales or total assets of {common.name(party)} in USD (the log holds "
        "turnover only; a figure in another currency is not converted)"
    )
    if reported is None or reported.worldwide is None or reported.worldwide.currency != "USD":
        return None, lacking
    return reported.worldwide.amount, lacking


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    t, p = pack.thresholds, pack.provisions
    make = common.finder(facts, pack, REGIME)
    investment = facts.investment
    non_voting = p["non_voting"]
    stated = assessments.control(facts, REGIME)
    takes_control = stated is not None and stated.control in {"sole", "joint"}
    if stated is not None and stated.control == "none" and not investment.holdings:
        return make(
            NO, 5,
            f"No voting securities are acquired, {assessments.said(stated)}. {CONTEXT}",
            pack.legal_act,
        )  # fmt: skip
    if not takes_control and not common.anything_recorded(investment):
        return make(
            Status.INSUFFICIENT_DATA, 30,
            f"Nothing is recorded about what the investor acquires. {CONTEXT}",
            pack.legal_act,
            missing=("the instruments acquired and the amounts paid",),
        )  # fmt: skip
    if not investment.holdings and not takes_control:
        if common.licence_and_hire(investment):
            scrutiny = p["acqui_hire_scrutiny"]
            return make(
                Status.MONITOR, 30,
                "No voting securities are recorded, but a licence-and-hire is: "
                f"{scrutiny.text[0].lower()}{scrutiny.text[1:]} {CONTEXT}",
                scrutiny.citation,
            )  # fmt: skip
        return make(
            NO, 5,
            f"No voting securities are recorded as acquired. {CONTEXT}", pack.legal_act,
        )  # fmt: skip
    kinds = {h.instrument: _votes(h) for h in investment.holdings.values()}
    if takes_control:  # control of the target is acquired: its voting securities with it
        kinds = {**{k: v for k, v in kinds.items() if v}, "control": True}
    if not any(v is not False for v in kinds.values()):
        held = ", ".join(common.instrument_text(h) for h in investment.holdings.values())
        return make(
            NO, 10,
            f"The investor holds only non-voting interests ({held}): "
            f"{non_voting.text[0].lower()}{non_voting.text[1:]} A conversion into voting "
            f"shares would be a new acquisition to test. {CONTEXT}",
            non_voting.citation,
        )  # fmt: skip
    sot = t.get("size_of_transaction")
    if sot is None:
        return make(
            Status.INSUFFICIENT_DATA, 30,
            f"The fact sheet gives no HSR thresholds for {facts.as_of}. {CONTEXT}",
            pack.legal_act,
            missing=(f"the HSR thresholds in force on {facts.as_of} (the fact sheet gives them "
                     "from 2024 only)",),
        )  # fmt: skip

    size = size_usd(investment)
    bound = assessments.assessed(facts, REGIME, "consideration")
    stated_size = bound.bound if bound is not None else None
    if (
        size.exact is None
        and bound is not None
        and stated_size is not None
        and stated_size.currency == "USD"
        and stated_size.operator in {">", ">="}
    ):  # a lower bound decides a "more than" test (common.exceeds)
        size = common.Bound(
            Decimal(stated_size.amount),
            (f"the exact consideration ({stated_size.operator} USD "
             f"{Decimal(stated_size.amount):,.0f}, {assessments.said(bound)})",),
        )  # fmt: skip
    comparisons: list[Comparison] = []
    missing: list[str] = []
    what = "size of the transaction (USD amounts recorded)"
    if all(kinds.values()):
        compared, lacking = common.exceeds(what, size, sot)
    elif size.exact is not None and size.exact <= sot.value:  # at most the amounts paid
        compared, lacking = common.compare(f"{what}, at most", size.exact, sot), ()
    else:
        compared = common.compare(what, None, sot)
        lacking = (*size.missing, VOTING_SHARE_OF_AMOUNT)
    comparisons.append(compared)
    missing += lacking
    if compared.met is False:
        return make(
            NO, 10,
            f"The size of the transaction does not exceed "
            f"{common.amount(sot.value, sot.unit)}. {CONTEXT}",
            sot.citation, comparisons=tuple(comparisons),
        )  # fmt: skip
    unsure = [h for h in investment.holdings.values() if _votes(h) is None]
    if compared.met is None:
        missing += [f"whether the {common.instrument_text(h)} held carry votes" for h in unsure]
        acquires = "may acquire" if unsure else "acquires"
        return make(
            Status.INSUFFICIENT_DATA, 35,
            f"The investor {acquires} voting securities; whether the size of the transaction "
            f"exceeds {common.amount(sot.value, sot.unit)} cannot be told. {CONTEXT}",
            sot.citation, comparisons=tuple(comparisons), missing=common.unique(missing),
        )  # fmt: skip

    person = _size_of_person(facts, pack, size, comparisons, missing)
    above = f"The size of the transaction exceeds {common.amount(sot.value, sot.unit)}"
    if person is True:
        return make(
            Status.NOTIFIABLE, 60,
            f"{above} and the size-of-person test is met or disregarded: the acquisition of "
            f"voting securities is HSR-reportable. {CONTEXT}",
            sot.citation, comparisons=tuple(comparisons),
        )  # fmt: skip
    return make(
        Status.INSUFFICIENT_DATA, 45,
        f"{above}; whether the size-of-person test is met cannot be told. {CONTEXT}",
        sot.citation, comparisons=tuple(comparisons), missing=common.unique(missing),
    )  # fmt: skip


def _size_of_person(
    facts: DealFacts,
    pack: RulePack,
    size: common.Bound,
    comparisons: list[Comparison],
    missing: list[str],
) -> bool | None:
    """True if the size-of-person test is met or disregarded; None if it cannot be told (net
    sales below a figure do not fail it: the parties' total assets are not in the log)."""
    t = pack.thresholds
    disregard = t.get("size_of_person_disregarded_above")
    if disregard is None:
        missing.append(DISREGARD_NOT_GIVEN)
    else:
        over, lacking = common.exceeds(
            "size of the transaction (USD amounts recorded)", size, disregard
        )
        comparisons.append(over)
        if over.met:
            return True
        missing += lacking
    larger, smaller = t.get("size_of_person_larger"), t["size_of_person_smaller"]
    if larger is None:
        missing.append(LARGER_UNCONFIRMED)
        return None
    sales = [(party, _sales_usd(party, facts)) for party in (facts.investor, facts.target)]
    met: dict[tuple[str, str], bool | None] = {}
    for party, (value, _) in sales:
        for label, threshold in (("larger", larger), ("smaller", smaller)):
            compared = common.compare(
                f"annual net sales of {common.name(party)} (USD, {label} person)", value, threshold
            )
            comparisons.append(compared)
            met[party.stream_id, label] = compared.met
    investor, target = facts.investor.stream_id, facts.target.stream_id
    if (met[investor, "larger"] and met[target, "smaller"]) or (
        met[target, "larger"] and met[investor, "smaller"]
    ):
        return True
    missing += [lacking for _, (value, lacking) in sales]
    return None
