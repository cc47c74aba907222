"""Read models derived stream by stream."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models

from events import store
from events.projections import Projection
from events.types import RecordedEvent


class StreamProjection(Projection):
    """A read model whose rows for a stream are a function of that stream's history.

    For each stream touched by a batch, the stream is folded up to its last event in the
    batch (corrections applied) and its rows are replaced by ``rows(stream_id, history)``:
    idempotent, and a rebuild gives exactly the rows built incrementally. Streams are read
    in one query per batch and rows written with one delete and one bulk insert.
    """

    stream_types: ClassVar[frozenset[str]] = frozenset()
    model: ClassVar[type[models.Model]]
    key: ClassVar[str] = "stream_id"  # the model's field that holds the source stream's id

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> Sequence[models.Model]:
        raise NotImplementedError("subclasses of StreamProjection must provide rows()")

    def wants(self, recorded: RecordedEvent) -> bool:
        return recorded.stream_type in self.stream_types

    def handle(self, recorded: RecordedEvent) -> None:
        self.handle_batch([recorded])

    def handle_batch(self, events: list[RecordedEvent]) -> None:
        last: dict[str, int] = {}
        for recorded in events:
            last[recorded.stream_id] = recorded.version
        histories = store.read_streams(list(last))
        rows: list[Any] = []
        for stream_id, version in last.items():
            raw = [e for e in histories[stream_id] if e.version <= version]
            rows += self.rows(stream_id, store.apply_corrections(raw))
        manager = self.model._default_manager
        manager.filter(**{f"{self.key}__in": list(last)}).delete()
        manager.bulk_create(rows)

    def reset(self) -> None:
        self.model._default_manager.all().delete()
