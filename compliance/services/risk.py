"""Risk comparisons: what a new rule pack version, or what was learnt between two times,
changes in a deal's findings or across the portfolio.

A deal is evaluated from the log by ``compliance.evaluation``, below the services and the
projections (``compliance.services`` re-exports its ``deal_facts`` and ``findings_evaluate``
for the API and the commands).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from compliance.domain.errors import DomainError
from compliance.evaluation import findings_evaluate
from compliance.rules.base import NOTHING_TO_DO, Finding


@dataclass(frozen=True)
class FindingChange:
    regime: str
    change: str  # appeared, disappeared, changed
    before: Finding | None
    after: Finding | None


def findings_compare(
    *,
    investment_id: str,
    as_of: date,
    before_known_at: datetime | None = None,
    after_known_at: datetime | None = None,
    before_versions: dict[str, str] | None = None,
    after_versions: dict[str, str] | None = None,
) -> list[FindingChange]:
    """The findings that appear, disappear or change status between two evaluations of the
    same deal: two rule pack versions, or two ``known_at`` times. A finding counts as present
    unless it says there is nothing to do (``NOTHING_TO_DO``: a regime's "no", or
    not_applicable)."""

    def by_regime(known_at: datetime | None, versions: dict[str, str] | None) -> dict[str, Finding]:
        findings = findings_evaluate(
            investment_id=investment_id, as_of=as_of, known_at=known_at, versions=versions
        )
        return {f.regime: f for f in findings}

    before = by_regime(before_known_at, before_versions)
    after = by_regime(after_known_at, after_versions)
    changes = []
    for regime in sorted(set(before) | set(after)):
        old, new = before.get(regime), after.get(regime)
        was = old is not None and old.status not in NOTHING_TO_DO
        now = new is not None and new.status not in NOTHING_TO_DO
        if was and not now:
            changes.append(FindingChange(regime, "disappeared", old, new))
        elif now and not was:
            changes.append(FindingChange(regime, "appeared", old, new))
        elif old is not None and new is not None and old.status != new.status:
            changes.append(FindingChange(regime, "changed", old, new))
    return changes


def portfolio_compare(
    *,
    as_of: date,
    before_known_at: datetime | None = None,
    after_known_at: datetime | None = None,
    before_versions: dict[str, str] | None = None,
    after_versions: dict[str, str] | None = None,
) -> dict[str, list[FindingChange]]:
    """``findings_compare`` for every investment that existed as of ``as_of``: what a new
    rule pack version, or what was learnt between two times, changes across the portfolio."""
    from compliance.models import InvestmentPosition

    changes = {}
    for investment_id in InvestmentPosition.objects.values_list("stream_id", flat=True):
        try:
            found = findings_compare(
                investment_id=investment_id, as_of=as_of,
                before_known_at=before_known_at, after_known_at=after_known_at,
                before_versions=before_versions, after_versions=after_versions,
            )  # fmt: skip
        except DomainError:
            continue  # not yet announced on that date, or not as known then
        if found:
            changes[investment_id] = found
    return changes
