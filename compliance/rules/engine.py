"""Evaluate every regime for one deal with the rule packs in force on its ``as_of`` date:
not applicable before the law's start (``packs/<regime>/law.toml``), outside coverage where
the law applies but no pack covers the date; then what the regime's authority did on file as
of that date (``decisions.py``) states the procedure and, where it decided, the answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

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
from compliance.rules.facts import deal_control
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
    one_stop_shop: Finding | None = None
    for regime, rule in REGIMES.items():
        law = law_start(regime)
        if law is not None and facts.as_of < law.applies_from:
            findings.append(_not_applicable(facts, regime, law))
            continue
        pack = pack_for(regime, facts.as_of, version=versions.get(regime))
        predicted = rule(facts, pack) if pack else _outside_coverage(facts, regime)
        finding = decisions.apply(facts, predicted)
        if regime == eumr.REGIME and _with_the_commission(facts, finding, pack):
            one_stop_shop = finding
        elif one_stop_shop is not None and _displaced(facts, regime):
            finding = _displaced_finding(finding, one_stop_shop)
        findings.append(finding)
    return findings


# National merger control the EUMR's one-stop shop displaces (Art 21(3)); the UK's while it
# was inside it (until the end of the transition period, 2020-12-31).
NATIONAL = frozenset({de_gwb.REGIME, at_kartg.REGIME, it_callin.REGIME})
UK_LEFT_THE_ONE_STOP_SHOP = date(2021, 1, 1)


def _with_the_commission(facts: DealFacts, finding: Finding, pack: RulePack | None) -> bool:
    """Whether the deal is, beyond doubt, a concentration with an EU dimension: notifiable on
    known control and figures (or sourced assessments), or taken by the Commission."""
    if finding.status != Status.NOTIFIABLE or pack is None:
        return False
    if finding.procedure and finding.procedure not in {"not_filed", "withdrawn", "abandoned"}:
        return True
    has_dimension, _, _, _ = eumr.assessed_dimension(facts, pack)
    return has_dimension is True and deal_control(facts, pack).concentration is True


def _displaced(facts: DealFacts, regime: str) -> bool:
    """A national regime with no proceeding of its own on file (a referral back under Art 9
    or 4(4) would open one, and then that regime's case speaks)."""
    national = regime in NATIONAL or (
        regime == uk.REGIME and facts.as_of < UK_LEFT_THE_ONE_STOP_SHOP
    )
    return national and not any(
        p.regime == regime and p.opened_on is not None and p.opened_on <= facts.as_of
        for p in facts.proceedings
    )


def _displaced_finding(finding: Finding, eumr_finding: Finding) -> Finding:
    return Finding(
        investment_id=finding.investment_id, regime=finding.regime,
        status=Status.NOT_APPLICABLE, score=0,
        rationale=(
            "Displaced by the EUMR's one-stop shop: the deal is a concentration with an EU "
            "dimension (see the EUMR finding), which national merger control may not review "
            "unless the Commission refers it back (Art 9, Art 4(4))."
        ),
        citation=f"EUMR Art 21(3); {eumr_finding.citation}",
        pack_id=finding.pack_id, pack_version=finding.pack_version,
        event_ids=finding.event_ids, context_only=finding.context_only,
    )  # fmt: skip


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
