"""A timeline per investment: its own events merged with those of its proceedings."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.domain.summaries import summarize
from compliance.models import TimelineEntry
from compliance.projections.history import history_until
from events.projections import Projection
from events.types import RecordedEvent, registry


class TimelineProjection(Projection):
    name = "timeline"
    handles = frozenset(registry.names())

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.stream_type not in {"investment", "proceeding"}:
            return
        history = history_until(recorded)
        if recorded.stream_type == "investment":
            investment_ids: tuple[str, ...] = (recorded.stream_id,)
        else:
            investment_ids = proceedings.fold(recorded.stream_id, history).investment_ids
        TimelineEntry.objects.filter(stream_id=recorded.stream_id).delete()
        TimelineEntry.objects.bulk_create(
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
        )

    def reset(self) -> None:
        TimelineEntry.objects.all().delete()
