"""An example projection: counts events per stream and sums ``count``."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from events.projections import Projection
from events.types import RecordedEvent
from tests.events.models import StreamCount


class StreamCounter(Projection):
    name = "stream_counter"
    handles = frozenset({"ThingHappened", "ThingNoted"})
    # Tests make the handler fail on these events (a bug), or crash the process on them.
    fail_on: ClassVar[set[UUID]] = set()
    crash_on: ClassVar[set[UUID]] = set()

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.event_id in self.fail_on:
            raise ValueError(f"cannot count {recorded.event_id}")
        if recorded.event_id in self.crash_on:
            import os

            os._exit(17)  # a worker killed in the middle of a batch
        row, _ = StreamCount.objects.get_or_create(stream_id=recorded.stream_id)
        row.events += 1
        row.total += getattr(recorded.event, "count", 0)
        row.last_position = recorded.position or 0
        row.last_type = recorded.type
        row.save()

    def reset(self) -> None:
        StreamCount.objects.all().delete()
