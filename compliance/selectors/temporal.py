"""Reads of state at a moment: as of a valid time, as known at a transaction time.

Without a moment, reads come from the read models (the log as known now). With one, the
streams are read from the log and folded by the same projection code that feeds the read
models, so both paths return the same rows for the same history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.utils import timezone

from events import store
from events.models import StoredEvent
from events.types import RecordedEvent


@dataclass(frozen=True)
class Moment:
    """``as_of``: the world as it stood at the end of that day (valid time). ``known_at``:
    what the log held at that instant (transaction time). None means now for both."""

    as_of: date | None = None
    known_at: datetime | None = None

    @property
    def live(self) -> bool:
        return self.as_of is None and self.known_at is None

    @property
    def cutoff(self) -> datetime | None:
        return None if self.as_of is None else datetime.combine(self.as_of, time.max, tzinfo=UTC)

    @property
    def day(self) -> date:
        """The day deadlines are counted from and findings evaluated on."""
        if self.as_of is not None:
            return self.as_of
        if self.known_at is not None:
            return self.known_at.astimezone(UTC).date()
        return timezone.localdate()

    def history(self, raw: list[RecordedEvent]) -> list[RecordedEvent]:
        """A stream's history at this moment: corrections known by then applied."""
        known = raw if self.known_at is None else [e for e in raw if e.recorded_at <= self.known_at]
        return store.apply_corrections(known, as_of=self.cutoff)


NOW = Moment()


def stream_ids(stream_type: str, moment: Moment) -> list[str]:
    """Streams of a type that had been opened in the log by the moment's ``known_at``."""
    rows = StoredEvent.objects.filter(stream_type=stream_type, version=1)
    if moment.known_at is not None:
        rows = rows.filter(recorded_at__lte=moment.known_at)
    return list(rows.order_by("stream_id").values_list("stream_id", flat=True))


def rows_at(projection: Any, ids: Iterable[str], moment: Moment) -> list[Any]:
    """The rows a StreamProjection would hold for these streams at the moment (unsaved)."""
    ids = list(ids)
    histories = store.read_streams(ids)
    rows: list[Any] = []
    for stream_id in ids:
        rows += projection.rows(stream_id, moment.history(histories[stream_id]))
    return rows


def histories_at(ids: Sequence[str], moment: Moment) -> dict[str, list[RecordedEvent]]:
    return {sid: moment.history(raw) for sid, raw in store.read_streams(ids).items()}
