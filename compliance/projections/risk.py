"""Risk findings per investment and regime, re-evaluated whenever an event of the investment,
of its parties or of its proceedings arrives.

Findings are evaluated as of the date the latest fact about the deal was recorded, over
everything known: deterministic for a given log, so a rebuild gives the same rows.
"""

from __future__ import annotations

from dataclasses import asdict

from pydantic_core import to_jsonable_python

from compliance.domain import investments, proceedings
from compliance.domain.errors import DomainError
from compliance.models import RiskFinding, RiskLink
from compliance.rules import engine
from compliance.services.risk import deal_facts
from events import store
from events.projections import Projection
from events.types import RecordedEvent


class RiskProjection(Projection):
    name = "risk"

    def wants(self, recorded: RecordedEvent) -> bool:
        return recorded.stream_type in {"investment", "party", "proceeding"}

    def handle(self, recorded: RecordedEvent) -> None:
        self.handle_batch([recorded])

    def handle_batch(self, events: list[RecordedEvent]) -> None:
        touched = {e.stream_id for e in events}
        histories = store.read_streams(
            [s for s in touched if s.startswith(("investment-", "proceeding-"))]
        )
        affected: set[str] = set()
        for stream_id, history in histories.items():
            effective = store.apply_corrections(history)
            if stream_id.startswith("investment-"):
                investment = investments.fold(stream_id, effective)
                links = {investment.investor_id, investment.target_id} - {""}
                RiskLink.objects.filter(investment_id=stream_id).exclude(
                    stream_id__startswith="proceeding-"
                ).delete()
                RiskLink.objects.bulk_create(
                    RiskLink(stream_id=party, investment_id=stream_id) for party in links
                )
                affected.add(stream_id)
            else:
                concerned = set(proceedings.fold(stream_id, effective).investment_ids)
                previous = set(
                    RiskLink.objects.filter(stream_id=stream_id).values_list(
                        "investment_id", flat=True
                    )
                )
                RiskLink.objects.filter(stream_id=stream_id).delete()
                RiskLink.objects.bulk_create(
                    RiskLink(stream_id=stream_id, investment_id=i) for i in concerned
                )
                affected |= concerned | previous
        parties = [s for s in touched if s.startswith("party-")]
        affected |= set(
            RiskLink.objects.filter(stream_id__in=parties).values_list("investment_id", flat=True)
        )
        for investment_id in sorted(affected):
            self._evaluate(investment_id)

    def _evaluate(self, investment_id: str) -> None:
        RiskFinding.objects.filter(investment_id=investment_id).delete()
        linked = list(
            RiskLink.objects.filter(investment_id=investment_id).values_list("stream_id", flat=True)
        )
        proceeding_ids = [s for s in linked if s.startswith("proceeding-")]
        histories = store.read_streams([investment_id, *linked])
        recorded = [e.recorded_at for history in histories.values() for e in history]
        if not recorded:
            return
        try:
            facts = deal_facts(
                investment_id=investment_id,
                as_of=max(recorded).date(),
                proceeding_ids=proceeding_ids,
            )
        except DomainError:
            return  # its announcement was retracted: no deal, no findings
        RiskFinding.objects.bulk_create(
            RiskFinding(
                investment_id=investment_id,
                regime=f.regime,
                status=str(f.status),
                score=f.score,
                rationale=f.rationale,
                citation=f.citation,
                comparisons=to_jsonable_python([asdict(c) | {"met": c.met} for c in f.comparisons]),
                event_ids=list(f.event_ids),
                missing=list(f.missing),
                pack_id=f.pack_id,
                pack_version=f.pack_version,
                context_only=f.context_only,
                as_of=facts.as_of,
            )
            for f in engine.evaluate(facts)
        )

    def reset(self) -> None:
        RiskFinding.objects.all().delete()
        RiskLink.objects.all().delete()
