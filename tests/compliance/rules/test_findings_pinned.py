"""Every field of every finding, pinned for 700 generated deals: 500 that reach every branch of
the rules (``synthetic_deals``) and 200 shaped like the benchmark's portfolio
(``portfolio_deals``). The digests in ``findings_pinned.json`` were written by the rules
before they were made faster (rule by rule, the same computations, once per deal instead of
once per regime), so a change that alters any status, score, rationale, citation, comparison
(down to how a Decimal is written), event id, missing item or pack id and version fails here.

When a rule or a pack changes on purpose, the findings change with it: check the table-driven
tests first, then write the digests again with
``DJANGO_SETTINGS_MODULE=tests.settings python -m tests.compliance.rules.test_findings_pinned``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from compliance.rules import engine
from compliance.rules.base import Comparison, DealFacts, Finding
from compliance.rules.facts import party_figures_kept
from tests.compliance.rules.synthetic import portfolio_deals, synthetic_deals

PINNED = Path(__file__).with_name("findings_pinned.json")


def _number(value: Any) -> Any:
    return None if value is None else [type(value).__name__, str(value)]


def _comparison(c: Comparison) -> list[Any]:
    return [c.what, _number(c.value), c.operator, _number(c.threshold), c.unit, c.citation, c.met]


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "investment_id": f.investment_id,
        "regime": f.regime,
        "status": [type(f.status).__name__, str(f.status)],
        "score": f.score,
        "rationale": f.rationale,
        "citation": f.citation,
        "pack_id": f.pack_id,
        "pack_version": f.pack_version,
        "comparisons": [type(f.comparisons).__name__, [_comparison(c) for c in f.comparisons]],
        "event_ids": [type(f.event_ids).__name__, list(f.event_ids)],
        "missing": [type(f.missing).__name__, list(f.missing)],
        "context_only": f.context_only,
        "procedure": f.procedure,
        "decision_event_id": f.decision_event_id,
    }


def digest(facts: DealFacts) -> str:
    """A SHA-256 of every field of the deal's findings, in the engine's order."""
    findings = [_finding(f) for f in engine.evaluate(facts)]
    text = json.dumps(findings, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def deals() -> list[DealFacts]:
    return [*synthetic_deals(500), *portfolio_deals(200)]


def test_every_field_of_every_finding_is_as_pinned() -> None:
    pinned = json.loads(PINNED.read_text())
    found = {facts.investment.stream_id: digest(facts) for facts in deals()}
    changed = sorted(i for i in pinned if found.get(i) != pinned[i])
    assert found.keys() == pinned.keys()
    assert not changed, f"{len(changed)} deals' findings changed, e.g. {changed[:5]}"


def test_the_same_with_party_figures_kept_across_deals() -> None:
    """As in a rebuild: the parties' figures are kept for every deal they take part in (the
    generated deals share 40 parties, as of many dates)."""
    pinned = json.loads(PINNED.read_text())
    with party_figures_kept():
        found = {facts.investment.stream_id: digest(facts) for facts in deals()}
    assert found == pinned


def test_a_deal_evaluated_twice_gives_the_same_findings() -> None:
    """Values the regimes share are kept per deal: a second evaluation reuses them."""
    for facts in synthetic_deals(50):
        assert engine.evaluate(facts) == engine.evaluate(facts)


if __name__ == "__main__":
    import django

    django.setup()
    digests = {facts.investment.stream_id: digest(facts) for facts in deals()}
    PINNED.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(digests)} digests to {PINNED}")
