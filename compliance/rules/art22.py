"""EUMR Art 22: can Member States refer a deal without an EU dimension to the Commission?

Before Illumina/Grail (2024-09-03) the Commission accepted referrals from Member States with
no jurisdiction of their own; since, a referring State must be competent under its own law,
for example through a call-in power. A referral request pending in the log is the strongest
signal, an accepted one makes the deal notifiable to the Commission.
"""

from __future__ import annotations

from compliance.rules import common, eumr
from compliance.rules.base import DealFacts, Finding, Status
from compliance.rules.facts import deal_control
from compliance.rules.packs import RulePack, pack_for

REGIME = "eumr_art22"


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    finding = common.finder(facts, pack, REGIME)

    referrals = {p.referral: p for p in facts.proceedings if p.referral is not None}
    standstill = pack.provisions["standstill"].citation
    if "accepted" in referrals:
        proceeding = referrals["accepted"]
        return finding(
            Status.NOTIFIABLE, 95,
            f"The Commission accepted a referral ({proceeding.authority}"
            f"{', ' + proceeding.reference if proceeding.reference else ''}): it examines the "
            "deal, which must be notified and may not be implemented before clearance.",
            f"{pack.provisions['art_22_1'].citation}; {standstill}",
        )  # fmt: skip
    if "requested" in referrals:
        return finding(
            Status.REFERRAL_RISK, 90,
            "A referral request is pending: once the Commission informs the parties, the "
            "standstill applies to what is not yet implemented.",
            f"{pack.provisions['art_22_1'].citation}; {standstill}",
        )  # fmt: skip
    eumr_pack = pack_for(eumr.REGIME, facts.as_of)
    if eumr_pack is None:
        return finding(Status.INSUFFICIENT_DATA, 40, "No EUMR rule pack for that date.", "")
    c = deal_control(facts, eumr_pack)
    if c.concentration is False:
        return finding(
            Status.NOT_TRIGGERED, 5, f"No concentration: {c.reason}.",
            pack.provisions["art_22_1"].citation,
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 40, f"Cannot tell whether control is acquired: {c.reason}.",
            pack.provisions["art_22_1"].citation, missing=c.missing,
        )  # fmt: skip
    has_dimension, _, missing = eumr.deal_dimension(facts, eumr_pack)
    if has_dimension is True:
        return finding(
            Status.NOT_TRIGGERED, 5,
            "The deal has an EU dimension: it goes to the Commission directly (see EUMR), "
            "not by referral.",
            pack.provisions["art_22_1"].citation,
        )  # fmt: skip
    withdrawn = " Earlier referral requests were withdrawn." if "withdrawn" in referrals else ""
    judgment = pack.milestones["illumina_grail"]
    if facts.as_of < judgment.on:
        guidance = pack.provisions["guidance_2021"]
        return finding(
            Status.REFERRAL_RISK, 60,
            "Under the 2021 guidance the Commission accepted referrals even from Member States "
            "without national jurisdiction, especially where the target's turnover does not "
            f"reflect its competitive potential, as for AI developers.{withdrawn}",
            f"{pack.provisions['art_22_1'].citation}; {guidance.citation}",
            missing=tuple(missing) if has_dimension is None else (),
        )  # fmt: skip
    states = pack.listings["call_in_states"]
    listed = ", ".join(states.items)
    return finding(
        Status.MONITOR if withdrawn else Status.REFERRAL_RISK, 30 if withdrawn else 40,
        f"Since Illumina/Grail ({judgment.on}) a referral needs a Member State competent under "
        f"its own law, e.g. through a call-in power: {listed} (as listed on {states.as_of})."
        f"{withdrawn}",
        f"{pack.provisions['art_22_1'].citation}; {pack.provisions['illumina_grail'].citation}",
        missing=(
            "the target's activity in Member States with call-in powers or national "
            "jurisdiction",
            *(missing if has_dimension is None else ()),
        ),
    )  # fmt: skip
