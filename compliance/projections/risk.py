"""Risk findings per investment and regime, re-evaluated whenever an event of the investment,
of its parties or of its proceedings arrives.

Findings are evaluated as of the date the latest fact about the deal was recorded, over
everything known: deterministic for a given log, so a rebuild gives the same rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from psycopg.types.json import Jsonb

from compliance.domain import investments, proceedings
from compliance.models import RiskFinding, RiskLink
from compliance.rules import engine
from compliance.rules.base import Comparison, Finding
from compliance.services.risk import facts_from
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
        links: list[RiskLink] = []
        for stream_id, history in histories.items():
            effective = store.apply_corrections(history)
            if stream_id.startswith("investment-"):
                investment = investments.fold(stream_id, effective)
                sides = {investment.investor_id, investment.target_id} - {""}
                links += [RiskLink(stream_id=p, investment_id=stream_id) for p in sides]
                affected.add(stream_id)
            else:
                concerned = set(proceedings.fold(stream_id, effective).investment_ids)
                links += [RiskLink(stream_id=stream_id, investment_id=i) for i in concerned]
                affected |= concerned
        proceeding_ids = [s for s in histories if s.startswith("proceeding-")]
        investment_ids = [s for s in histories if s.startswith("investment-")]
        affected |= set(  # investments a changed proceeding no longer concerns
            RiskLink.objects.filter(stream_id__in=proceeding_ids).values_list(
                "investment_id", flat=True
            )
        )
        RiskLink.objects.filter(stream_id__in=proceeding_ids).delete()
        RiskLink.objects.filter(investment_id__in=investment_ids).exclude(
            stream_id__startswith="proceeding-"
        ).delete()
        RiskLink.objects.bulk_create(links)
        party_ids = [s for s in touched if s.startswith("party-")]
        affected |= set(
            RiskLink.objects.filter(stream_id__in=party_ids).values_list("investment_id", flat=True)
        )
        self._evaluate(sorted(affected))

    def _evaluate(self, investment_ids: list[str]) -> None:
        """Re-evaluate investments: every stream they need read in two queries."""
        linked: dict[str, list[str]] = {i: [] for i in investment_ids}
        for stream_id, investment_id in RiskLink.objects.filter(
            investment_id__in=investment_ids
        ).values_list("stream_id", "investment_id"):
            linked[investment_id].append(stream_id)
        histories = store.read_streams(
            [*investment_ids, *(s for streams in linked.values() for s in streams)]
        )
        rows = []
        for investment_id in investment_ids:
            streams = [investment_id, *linked[investment_id]]
            recorded = [e.recorded_at for s in streams for e in histories.get(s, [])]
            if not recorded:
                continue
            facts = facts_from(
                investment_id=investment_id,
                as_of=max(recorded).date(),
                histories=histories,
                proceeding_ids=[s for s in linked[investment_id] if s.startswith("proceeding-")],
            )
            if facts is None:
                continue  # its announcement was retracted: no deal, no findings
            rows += [_row(f, facts.as_of) for f in engine.evaluate(facts)]
        RiskFinding.objects.filter(investment_id__in=investment_ids).delete()
        _insert(rows)

    def reset(self) -> None:
        RiskFinding.objects.all().delete()
        RiskLink.objects.all().delete()


def _row(f: Finding, as_of: date) -> RiskFinding:
    return RiskFinding(
        investment_id=f.investment_id,
        regime=f.regime,
        status=str(f.status),
        score=f.score,
        rationale=f.rationale,
        citation=f.citation,
        comparisons=[_comparison(c) for c in f.comparisons],
        event_ids=list(f.event_ids),
        missing=list(f.missing),
        pack_id=f.pack_id,
        pack_version=f.pack_version,
        context_only=f.context_only,
        as_of=as_of,
    )


COLUMNS = (
    "investment_id", "regime", "status", "score", "rationale", "citation", "comparisons",
    "event_ids", "missing", "pack_id", "pack_version", "context_only", "as_of",
)  # fmt: skip
JSON_COLUMNS = {"comparisons", "event_ids", "missing"}


def _insert(rows: list[RiskFinding]) -> None:
    """Insert findings. On PostgreSQL through psycopg's pipelined executemany with binary JSON:
    Django's bulk insert quotes every array element on the client, which dominated rebuilds."""
    if connection.vendor != "postgresql":
        RiskFinding.objects.bulk_create(rows)
        return
    from events.backends.postgres import cursor

    sql = (
        f"INSERT INTO {RiskFinding._meta.db_table} ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    )
    cursor().executemany(
        sql,
        [
            [Jsonb(getattr(r, c)) if c in JSON_COLUMNS else getattr(r, c) for c in COLUMNS]
            for r in rows
        ],
    )


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "what": c.what,
        "value": _number(c.value),
        "operator": c.operator,
        "threshold": _number(c.threshold),
        "unit": c.unit,
        "citation": c.citation,
        "met": c.met,
    }
