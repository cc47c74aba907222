"""EUMR Art 22: can Member States refer a deal without an EU dimension to the Commission?

Eligibility follows the rules of the date of the referral request (or of the evaluation, where
none is on file), in three eras, each a rule pack marked by its ``era_*`` provision:

- before the Commission's 2021 guidance, it accepted referrals only from Member States
  competent under their own law;
- under the guidance (2021-03-26), also from Member States without jurisdiction, notably where
  the target's turnover does not reflect its competitive potential;
- after the Court of Justice's Illumina/Grail judgment (2024-09-03), again only from competent
  Member States, including through a call-in power in force at the date of the request.

A deal with an EU dimension goes to the Commission directly and is never referred under
Art 22, whatever the control; a deal that is no concentration is never referred either. What
the authorities did with a request (accepted, rejected, annulled by a court) is read in
``decisions.py``.
"""

from __future__ import annotations

from datetime import date

from compliance.rules import assessments, common, eumr
from compliance.rules.base import NEGATIVE, DealFacts, Finding, Status
from compliance.rules.facts import deal_control
from compliance.rules.packs import RulePack, pack_for

REGIME = "eumr_art22"
NO = NEGATIVE[REGIME]  # the regime's "no"
COMPETENCE = (
    "whether a Member State is competent to review the deal under its own law (national "
    "thresholds, or a call-in power in force on {on}): a lawyer's assessment"
)


def request_date(facts: DealFacts) -> date | None:
    """The date of the first referral request on file as of the facts' date: the day the
    law makes relevant for eligibility."""
    asked = [
        p.opened_on
        for p in facts.proceedings
        if p.regime == REGIME
        and p.kind == "referral_request"
        and p.opened_on is not None
        and p.opened_on <= facts.as_of
    ]
    return min(asked) if asked else None


def era(pack: RulePack) -> str:
    """``before_guidance``, ``guidance_2021`` or ``after_illumina_grail``."""
    marked = [key.removeprefix("era_") for key in pack.provisions if key.startswith("era_")]
    return marked[0] if marked else "guidance_2021"


def competent(facts: DealFacts) -> tuple[bool | None, str]:
    """Whether a Member State is competent to review the deal, from sourced assessments (a
    national threshold met, or national competence), and in words."""
    stated = [
        a
        for a in facts.investment.assessments.values()
        if a.element in {"national_competence", "national_threshold"} and a.member_state
    ]
    yes = [a for a in stated if a.met]
    if yes:
        a = yes[0]
        return True, f"{a.member_state} is competent under its own law, {assessments.said(a)}"
    return None, ""


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    finding = common.finder(facts, pack, REGIME)
    art_22 = pack.provisions["art_22_1"].citation
    asked = request_date(facts)
    on = asked or facts.as_of
    if asked is not None and asked != facts.as_of:
        pack = pack_for(REGIME, asked) or pack  # the law of the request's date
    when = f"on the date of the referral request ({asked})" if asked else f"on {on}"
    eumr_pack = pack_for(eumr.REGIME, on)
    if eumr_pack is None:
        return finding(Status.INSUFFICIENT_DATA, 40, f"No EUMR rule pack {when}.", "")
    c = deal_control(facts, eumr_pack, REGIME)
    if c.concentration is False:  # decides whatever the dimension
        return finding(NO, 5, f"No concentration: {c.reason}.", art_22)
    has_dimension, _, missing, stated = eumr.assessed_dimension(facts, eumr_pack)
    if has_dimension is True:  # decides whatever the control
        why = f" ({stated})" if stated else ""
        return finding(
            NO, 5,
            f"The deal has an EU dimension{why}: it goes to the Commission directly (see EUMR), "
            "not by referral.",
            art_22, missing=(),
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 40, f"Cannot tell whether control is acquired: {c.reason}.",
            art_22, missing=(*c.missing, *missing),
        )  # fmt: skip
    open_dimension = tuple(missing) if has_dimension is None else ()
    withdrawn = any(p.referral == "withdrawn" for p in facts.proceedings if p.regime == REGIME)
    earlier = " Earlier referral requests were withdrawn." if withdrawn else ""
    period = era(pack)
    if period == "guidance_2021":
        guidance = pack.provisions["guidance_2021"]
        return finding(
            Status.REFERRAL_RISK, 60,
            f"Under the 2021 guidance (the law {when}) the Commission accepted referrals even "
            "from Member States without national jurisdiction, especially where the target's "
            f"turnover does not reflect its competitive potential, as for AI developers.{earlier}",
            f"{art_22}; {guidance.citation}", missing=open_dimension,
        )  # fmt: skip
    rule = pack.provisions.get(f"era_{period}")
    citation = f"{art_22}; {rule.citation}" if rule else art_22
    is_competent, why = competent(facts)
    if is_competent:
        return finding(
            Status.REFERRAL_RISK, 60,
            f"A referral needs a Member State competent under its own law {when}: {why}."
            + earlier,
            citation, missing=open_dimension,
        )  # fmt: skip
    states = pack.listings["call_in_states"]
    listed = ", ".join(states.items)
    dated = (
        f"the pack lists call-in powers as of {states.as_of}, after {on}: whether each was in "
        f"force on {on} is not recorded"
        if on < states.as_of
        else f"as listed on {states.as_of}"
    )
    name = (
        "Before the Commission's 2021 guidance"
        if period == "before_guidance"
        else f"Since Illumina/Grail ({pack.milestones['illumina_grail'].on})"
    )
    return finding(
        Status.MONITOR if withdrawn else Status.REFERRAL_RISK, 30 if withdrawn else 40,
        f"{name} a referral needs a Member State competent under its own law {when}, e.g. "
        f"through a call-in power: {listed} ({dated}).{earlier}",
        citation,
        missing=(COMPETENCE.format(on=on), *open_dimension),
    )  # fmt: skip
