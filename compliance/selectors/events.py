"""The event log, in ledger order, behind the ethical walls."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from compliance.access import EVERYTHING, Scope, stream_visible
from events import ledger
from events.models import LedgerEntry


@dataclass(frozen=True)
class LogFilter:
    stream_id: str | None = None
    stream_type: str | None = None
    type: str | None = None
    occurred_after: datetime | None = None
    occurred_before: datetime | None = None
    recorded_after: datetime | None = None
    recorded_before: datetime | None = None


def _entries(scope: Scope, where: LogFilter) -> QuerySet[LedgerEntry]:
    rows = LedgerEntry.objects.select_related("event").order_by("position")
    if where.stream_id is not None:
        rows = rows.filter(event__stream_id=where.stream_id)
    if where.stream_type is not None:
        rows = rows.filter(event__stream_type=where.stream_type)
    if where.type is not None:
        rows = rows.filter(event__type=where.type)
    if where.occurred_after is not None:
        rows = rows.filter(event__occurred_at__gte=where.occurred_after)
    if where.occurred_before is not None:
        rows = rows.filter(event__occurred_at__lt=where.occurred_before)
    if where.recorded_after is not None:
        rows = rows.filter(event__recorded_at__gte=where.recorded_after)
    if where.recorded_before is not None:
        rows = rows.filter(event__recorded_at__lt=where.recorded_before)
    if not scope.everything:
        streams = {*scope.investment_ids, *(scope.proceeding_ids() or ())}
        rows = rows.filter(Q(event__stream_type="party") | Q(event__stream_id__in=streams))
    return rows


def event_list(
    *, scope: Scope = EVERYTHING, where: LogFilter = LogFilter(), after: int = 0, limit: int = 100
) -> list[LedgerEntry]:
    """At most ``limit`` events at positions after ``after``, oldest first. Events committed
    but not yet sealed into the ledger are sealed first (unless a sealer is at work)."""
    ledger.seal(wait=False)
    return list(_entries(scope, where).filter(position__gt=after)[:limit])


def event_log_chunks(
    *, scope: Scope = EVERYTHING, where: LogFilter = LogFilter(), chunk: int = 1000
) -> Iterator[list[LedgerEntry]]:
    """The whole (filtered) log in chunks, for streamed exports: one keyset query per
    chunk, so memory stays constant whatever the size of the log."""
    ledger.seal(wait=False)
    rows = _entries(scope, where)
    after = 0
    while True:
        found = list(rows.filter(position__gt=after)[:chunk])
        if not found:
            return
        yield found
        after = found[-1].position


def event_get(*, event_id: uuid.UUID, scope: Scope = EVERYTHING) -> LedgerEntry | None:
    ledger.seal(wait=False)
    entry = LedgerEntry.objects.select_related("event").filter(event__event_id=event_id).first()
    if entry is None or not stream_visible(scope, entry.event.stream_id):
        return None
    return entry
