"""The log as a report sees it: every event at a ledger position up to the pinned one that
had been recorded by the pinned ``known_at``, folded by the projections' own code.

Reading by ledger position, not only by transaction time, is what makes a report
reproducible: an event committed after the report was built may carry a ``recorded_at``
before its ``known_at`` (its transaction began earlier), but it is sealed at a higher
position, so the report never sees it, now or when it is regenerated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from compliance.evaluation import facts_from
from compliance.models import Deadline, InvestmentPosition, Party, Proceeding, RiskFinding
from compliance.projections.deadlines import DeadlinesProjection
from compliance.projections.parties import PartiesProjection
from compliance.projections.positions import InvestmentPositionsProjection
from compliance.projections.proceedings import ProceedingsProjection
from compliance.rules import engine
from compliance.rules.base import Finding
from compliance.rules.packs import pack_for
from compliance.selectors.risk import finding_row
from compliance.selectors.temporal import Moment
from events import store
from events.types import RecordedEvent

Progress = Callable[[int, str], None]


def pack_versions_on(as_of: date) -> dict[str, str]:
    """The version of every regime's rule pack in force on ``as_of`` ("" where none was):
    pinned in a report, so that a pack added later does not change it."""
    versions = {}
    for regime in sorted(engine.REGIMES):
        pack = pack_for(regime, as_of)
        versions[regime] = pack.version if pack is not None else ""
    return versions


def read_log(position: int, progress: Progress | None = None) -> list[RecordedEvent]:
    """Every event at positions 1 to ``position``, in order (the ledger is gap-free, so this
    is the same list every time it is read)."""
    found: list[RecordedEvent] = []
    after = 0
    while after < position:
        batch = store.read_all(
            after=after, limit=min(store.MAX_READ_LIMIT, position - after), seal=False
        )
        if not batch:
            break
        found += batch
        after = int(batch[-1].position or after)
        if progress is not None:
            progress(after * 100 // position, "reading the log")
    return [e for e in found if e.position is not None and e.position <= position]


@dataclass
class Snapshot:
    """The log up to ``position`` as known at ``known_at``, seen as of ``as_of``."""

    events: list[RecordedEvent]  # in position order
    position: int
    known_at: datetime
    as_of: date
    raw: dict[str, list[RecordedEvent]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, log: Iterable[RecordedEvent], *, position: int, known_at: datetime, as_of: date
    ) -> Snapshot:
        events = [
            e
            for e in log
            if e.position is not None and e.position <= position and e.recorded_at <= known_at
        ]
        raw: dict[str, list[RecordedEvent]] = {}
        for recorded in events:
            raw.setdefault(recorded.stream_id, []).append(recorded)
        for history in raw.values():
            history.sort(key=lambda e: e.version)
        return cls(events=events, position=position, known_at=known_at, as_of=as_of, raw=raw)

    @property
    def moment(self) -> Moment:
        return Moment(as_of=self.as_of, known_at=self.known_at)

    def stream_ids(self, stream_type: str) -> list[str]:
        return sorted(s for s, history in self.raw.items() if history[0].stream_type == stream_type)

    def _rows(self, projection: Any, stream_type: str) -> list[Any]:
        rows: list[Any] = []
        for stream_id in self.stream_ids(stream_type):
            rows += projection.rows(stream_id, self.moment.history(self.raw[stream_id]))
        return rows

    def parties(self) -> dict[str, Party]:
        return {p.stream_id: p for p in self._rows(PartiesProjection(), "party")}

    def investments(self) -> dict[str, InvestmentPosition]:
        rows = self._rows(InvestmentPositionsProjection(), "investment")
        return {i.stream_id: i for i in rows if i.investor_id}

    def proceedings(self) -> list[Proceeding]:
        rows = self._rows(ProceedingsProjection(), "proceeding")
        return sorted(rows, key=lambda p: (p.authority, p.stream_id))

    def deadlines(self) -> list[Deadline]:
        rows = self._rows(DeadlinesProjection(), "proceeding")
        return sorted(rows, key=lambda d: (d.due_on, d.proceeding_id, d.key))

    def findings(
        self,
        investment_ids: Iterable[str],
        *,
        pack_versions: dict[str, str],
        proceedings: list[Proceeding],
        progress: Progress | None = None,
    ) -> list[RiskFinding]:
        """Every pinned regime's finding for each investment, evaluated by the rule engine
        from the deal's facts in this snapshot (``compliance.evaluation.facts_from``)."""
        rows = [
            finding_row(found, self.as_of)
            for found in self._evaluate(investment_ids, pack_versions, proceedings, progress)
        ]
        rows.sort(key=lambda f: (f.investment_id, f.regime))
        return rows

    def statuses(
        self,
        investment_ids: Iterable[str],
        *,
        pack_versions: dict[str, str],
        proceedings: list[Proceeding],
        progress: Progress | None = None,
    ) -> dict[tuple[str, str], str]:
        """The status of every finding :meth:`findings` would give, by (investment, regime),
        without building the rows (all that "changes since the previous report" compares)."""
        return {
            (found.investment_id, found.regime): str(found.status)
            for found in self._evaluate(investment_ids, pack_versions, proceedings, progress)
        }

    def _evaluate(
        self,
        investment_ids: Iterable[str],
        pack_versions: dict[str, str],
        proceedings: list[Proceeding],
        progress: Progress | None,
    ) -> Iterator[Finding]:
        about: dict[str, list[str]] = {}
        for proceeding in proceedings:
            for investment_id in proceeding.investment_ids:
                about.setdefault(investment_id, []).append(proceeding.stream_id)
        ids = sorted(set(investment_ids))
        for done, investment_id in enumerate(ids, start=1):
            facts = facts_from(
                investment_id=investment_id,
                as_of=self.as_of,
                histories=self.raw,
                proceeding_ids=about.get(investment_id, []),
                known_at=self.known_at,
            )
            if facts is not None:
                for found in engine.evaluate(facts, versions=pack_versions):
                    if found.regime in pack_versions:
                        yield found
            if progress is not None and (done % 25 == 0 or done == len(ids)):
                progress(done * 100 // len(ids), "evaluating findings")
