"""Deadlines: every open due date across proceedings. Overdue flags and days left depend on
the day they are read, so compliance/selectors.py computes them, not this table."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.models import Deadline
from compliance.projections.history import history_until
from events.projections import Projection
from events.types import CORRECTION_TYPES, RecordedEvent


class DeadlinesProjection(Projection):
    name = "deadlines"
    handles = frozenset(t.__name__ for t in proceedings.PROCEEDING_EVENTS) | frozenset(
        CORRECTION_TYPES
    )

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.stream_type != "proceeding":
            return
        proceeding = proceedings.fold(recorded.stream_id, history_until(recorded))
        Deadline.objects.filter(proceeding_id=proceeding.stream_id).delete()
        Deadline.objects.bulk_create(
            Deadline(
                proceeding_id=proceeding.stream_id,
                key=due.key,
                kind=due.kind,
                description=due.description,
                due_on=due.due_on,
            )
            for due in proceeding.open_dues()
        )

    def reset(self) -> None:
        Deadline.objects.all().delete()
