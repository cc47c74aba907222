"""Evaluate every regime for one deal with the rule packs in force on its ``as_of`` date."""

from __future__ import annotations

from collections.abc import Callable

from compliance.rules import art22, at_kartg, de_gwb, dma, eumr, fdi, fsr, it_callin, uk, us_hsr
from compliance.rules.base import DealFacts, Finding, Status
from compliance.rules.packs import RulePack, pack_for

Rule = Callable[[DealFacts, RulePack], Finding]
REGIMES: dict[str, Rule] = {
    eumr.REGIME: eumr.evaluate,
    art22.REGIME: art22.evaluate,
    dma.REGIME: dma.evaluate,
    fsr.REGIME: fsr.evaluate,
    fdi.REGIME: fdi.evaluate,
    de_gwb.REGIME: de_gwb.evaluate,
    at_kartg.REGIME: at_kartg.evaluate,
    it_callin.REGIME: it_callin.evaluate,
    uk.REGIME: uk.evaluate,
    us_hsr.REGIME: us_hsr.evaluate,
}


def evaluate(facts: DealFacts, *, versions: dict[str, str] | None = None) -> list[Finding]:
    """Findings for every regime, under the pack in force on ``facts.as_of`` (or the versions
    named in ``versions``, to re-run history under another rule pack)."""
    findings = []
    versions = versions or {}
    for regime, rule in REGIMES.items():
        pack = pack_for(regime, facts.as_of, version=versions.get(regime))
        if pack is None:
            findings.append(
                Finding(
                    investment_id=facts.investment.stream_id, regime=regime,
                    status=Status.NOT_TRIGGERED, score=0,
                    rationale=f"No rule pack of this regime was in force on {facts.as_of}.",
                    citation="", pack_id="", pack_version="",
                )
            )  # fmt: skip
            continue
        findings.append(rule(facts, pack))
    return findings
