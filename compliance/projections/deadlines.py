"""Deadlines: every open due date across proceedings. Overdue flags and days left depend on
the day they are read, so compliance/selectors.py computes them, not this table."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.models import Deadline
from compliance.projections.base import StreamProjection
from events.types import RecordedEvent


class DeadlinesProjection(StreamProjection):
    name = "deadlines"
    stream_types = frozenset({"proceeding"})
    model = Deadline
    key = "proceeding_id"

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> list[Deadline]:
        return [
            Deadline(
                proceeding_id=stream_id,
                key=due.key,
                kind=due.kind,
                description=due.description,
                due_on=due.due_on,
            )
            for due in proceedings.fold(stream_id, history).open_dues()
        ]
