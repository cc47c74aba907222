"""The effective history of a stream up to a recorded event."""

from __future__ import annotations

from events import store
from events.types import RecordedEvent


def history_until(recorded: RecordedEvent) -> list[RecordedEvent]:
    """The stream's events up to and including ``recorded``, corrections applied: what was
    known of the stream when the projection reached this event."""
    raw = [
        e for e in store.read_stream(recorded.stream_id, effective=False)
        if e.version <= recorded.version
    ]  # fmt: skip
    return store.apply_corrections(raw)
