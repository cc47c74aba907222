"""A timeline per investment: its own events merged with those of its proceedings."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.domain.summaries import summarize
from compliance.models import TimelineEntry
from compliance.projections.base import StreamProjection
from events.types import RecordedEvent


class TimelineProjection(StreamProjection):
    name = "timeline"
    stream_types = frozenset({"investment", "proceeding"})
    model = TimelineEntry

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> list[TimelineEntry]:
        if stream_id.startswith("investment-"):
            investment_ids: tuple[str, ...] = (stream_id,)
        else:
            investment_ids = proceedings.fold(stream_id, history).investment_ids
        return [
            TimelineEntry(
                investment_id=investment_id,
                stream_id=event.stream_id,
                event_id=event.event_id,
                version=event.version,
                position=event.position,
                type=event.type,
                occurred_at=event.occurred_at,
                recorded_at=event.recorded_at,
                summary=summarize(event.event),
                corrected=event.corrected_by is not None,
            )
            for investment_id in investment_ids
            for event in history
        ]
