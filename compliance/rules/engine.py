"""Evaluate every regime for one deal with the rule packs in force on its ``as_of`` date:
not applicable before the law's start (``packs/<regime>/law.toml``), outside coverage where
the law applies but no pack covers the date; then what the regime's authority did on file as
of that date (``decisions.py``) states the procedure and, where it decided, the answer."""

from __future__ import annotations

from collections.abc import Callable

from compliance.rules import (
    art22,
    at_kartg,
    de_gwb,
    decisions,
    dma,
    eumr,
    fdi,
    fsr,
    it_callin,
    uk,
    us_hsr,
)
from compliance.rules.base import DealFacts, Finding, Status
from compliance.rules.packs import LawStart, RulePack, law_start, pack_for

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


# A date no pack covers is a question the tool cannot answer: scored like missing data.
OUTSIDE_COVERAGE_SCORE = 40


def evaluate(facts: DealFacts, *, versions: dict[str, str] | None = None) -> list[Finding]:
    """Findings for every regime, under the pack in force on ``facts.as_of`` (or the versions
    named in ``versions``, to re-run history under another rule pack)."""
    findings = []
    versions = versions or {}
    for regime, rule in REGIMES.items():
        law = law_start(regime)
        if law is not None and facts.as_of < law.applies_from:
            findings.append(_not_applicable(facts, regime, law))
            continue
        pack = pack_for(regime, facts.as_of, version=versions.get(regime))
        predicted = rule(facts, pack) if pack else _outside_coverage(facts, regime)
        findings.append(decisions.apply(facts, predicted))
    return findings


def _not_applicable(facts: DealFacts, regime: str, law: LawStart) -> Finding:
    """Before the law's start (``<regime>/law.toml``): no pack can impose a duty."""
    return Finding(
        investment_id=facts.investment.stream_id, regime=regime, status=Status.NOT_APPLICABLE,
        score=0, rationale=f"The law applies from {law.applies_from}, after {facts.as_of}.",
        citation=law.citation, pack_id="", pack_version="",
    )  # fmt: skip


def _outside_coverage(facts: DealFacts, regime: str) -> Finding:
    """The law applies (or no source gives its start: never "not applicable" by guess) but no
    pack covers the date: a question the tool cannot answer, never "no duty"."""
    return Finding(
        investment_id=facts.investment.stream_id, regime=regime,
        status=Status.OUTSIDE_COVERAGE, score=OUTSIDE_COVERAGE_SCORE,
        rationale=(
            f"Outside the tracker's coverage: no rule pack of this regime covers {facts.as_of}, "
            "so whether a duty arose is not answered."
        ),
        citation="", pack_id="", pack_version="",
    )  # fmt: skip
