"""DMA Art 14: a designated gatekeeper must inform the Commission of any concentration
involving digital-sector services, whether or not it is notifiable, from its designation on."""

from __future__ import annotations

from typing import Any

from compliance.rules import common, eumr
from compliance.rules.base import DealFacts, Finding, Status
from compliance.rules.facts import deal_control
from compliance.rules.packs import RulePack, pack_for

REGIME = "dma_art14"


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    duty = pack.provisions["art_14_1"]

    make = common.finder(facts, pack, REGIME)

    def finding(status: Status, score: int, rationale: str, **kw: Any) -> Finding:
        return make(status, score, rationale, duty.citation, **kw)

    investor = facts.investor.name or facts.investor.stream_id
    designation = facts.investor.designations.get("DMA")
    if designation is None:
        return finding(Status.NOT_TRIGGERED, 0, f"{investor} is not a designated gatekeeper.")
    if not facts.investor.is_gatekeeper("DMA", on=facts.as_of):
        return finding(
            Status.NOT_TRIGGERED, 5,
            f"{investor} was not a gatekeeper on {facts.as_of} (designated on "
            f"{designation.designated_on}); the duty applies from designation.",
        )  # fmt: skip
    eumr_pack = pack_for(eumr.REGIME, facts.as_of)
    if eumr_pack is None:
        return finding(Status.INSUFFICIENT_DATA, 50, "No EUMR rule pack for that date.")
    c = deal_control(facts, eumr_pack)
    if c.concentration is False:
        return finding(
            Status.NOT_TRIGGERED, 10,
            f"{investor} is a gatekeeper, but {c.reason}: Art 14 presupposes an Art 3 EUMR "
            "concentration.",
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 50,
            f"{investor} is a gatekeeper; whether the deal is a concentration is unknown: "
            f"{c.reason}.",
            missing=c.missing,
        )  # fmt: skip
    maybe = "may be" if c.concentration is None else "is"
    return finding(
        Status.INFORMATION_DUTY, 85 if c.concentration else 70,
        f"{investor} is a designated gatekeeper and the deal {maybe} a concentration "
        f"({c.reason}): inform the Commission before implementing it, whether or not it is "
        "notifiable. The target is tracked as an AI developer, which provides digital-sector "
        "services; confirm for the target's actual activities.",
    )  # fmt: skip
