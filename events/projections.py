"""The projection runner: feeds read models from the log, exactly once, in order.

A :class:`Projection` names itself, lists the event types it handles and writes its view
rows in :meth:`Projection.handle`. The runner reads the ledger after the projection's
checkpoint in batches and, in **one transaction per batch**, applies the handlers and moves
the checkpoint, so a crash at any point loses or doubles nothing. At most one runner per
projection works at a time (a PostgreSQL advisory lock; SQLite has one writer anyway). A
handler that raises halts its projection at that event: the events before it are kept, the
error and the failing position are recorded, and the next run retries the same event. It is
never skipped.

Projections are listed, as import paths, in the ``EVENTS_PROJECTIONS`` setting.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from events import ledger, store
from events.models import ProjectionCheckpoint
from events.types import RecordedEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
REBUILD_BATCH_SIZE = 2000  # one transaction either way: bigger batches, fewer round trips


class Projection:
    """Base class of read models. Subclasses set ``name`` (stable: it keys the checkpoint)
    and ``handles`` (event type names, or override ``wants``), and implement ``handle`` and
    ``reset``; they may implement ``handle_batch`` to apply many events at once.

    Handlers run inside the runner's transaction and must only write the projection's own
    tables. They must be deterministic: a rebuild from position 0 has to yield exactly the
    rows that incremental runs built. ``reset`` deletes every row of the projection.
    """

    name: str = ""
    handles: frozenset[str] = frozenset()

    def wants(self, recorded: RecordedEvent) -> bool:
        """Whether this projection reads the event; by default, by its type."""
        return recorded.type in self.handles

    def handle(self, recorded: RecordedEvent) -> None:
        raise NotImplementedError("subclasses of Projection must provide handle()")

    def handle_batch(self, events: list[RecordedEvent]) -> None:
        """Apply wanted events, in log order. The default applies them one by one; the
        result must be the same as doing so."""
        for recorded in events:
            self.handle(recorded)

    def reset(self) -> None:
        raise NotImplementedError("subclasses of Projection must provide reset()")

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """The scope of one rebuild: entered after ``reset``, left after the last batch, all in
        the rebuild's transaction. A projection may keep state in memory across the batches
        of a rebuild and defer writes to the end of the scope (when it is left without an
        error); the rows must be those that applying the batches one by one would write. By
        default nothing is kept."""
        yield


@dataclass(frozen=True)
class RunResult:
    """What one run did: ``status`` is ``ok``, ``busy`` (another runner holds the
    projection) or ``failed`` (a handler raised; see ``error``)."""

    name: str
    status: str
    applied: int
    position: int
    error: str = ""


@dataclass(frozen=True)
class Status:
    name: str
    position: int
    head: int
    lag: int
    failed_position: int | None
    error: str


class HandlerFailedError(Exception):
    def __init__(self, index: int, recorded: RecordedEvent, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.index = index
        self.recorded = recorded


@cache
def _load(path: str) -> Projection:
    projection = import_string(path)()
    if not isinstance(projection, Projection) or not projection.name:
        raise TypeError(f"{path} is not a named events.projections.Projection.")
    return projection


def get_projections() -> list[Projection]:
    """The projections of ``EVENTS_PROJECTIONS``, in that order."""
    return [_load(path) for path in settings.EVENTS_PROJECTIONS]


def get_projection(name: str) -> Projection:
    for projection in get_projections():
        if projection.name == name:
            return projection
    raise KeyError(name)


def _lock_key(name: str) -> int:
    digest = hashlib.sha256(f"events.projection:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock(name: str, *, wait: bool) -> bool:
    """Take the projection's lock for the current transaction."""
    if connection.vendor != "postgresql":
        return True  # SQLite: the transaction itself holds the only write lock
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(name)])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(name)])
        return bool(cursor.fetchone()[0])


def _commit_without_flush_wait() -> None:
    """Let the current transaction commit without waiting for its WAL to reach the disk.

    For a rebuild only: it writes nothing but rows derived from the log, and its checkpoint
    commits with them, so a server crash just after the commit can lose the rebuild as a
    whole (the previous rows and checkpoint stand, and the runner catches up), never half of
    it. The wait it saves is the flush of every row the rebuild wrote."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _checkpoint(name: str) -> ProjectionCheckpoint:
    checkpoint, _ = ProjectionCheckpoint.objects.select_for_update().get_or_create(name=name)
    return checkpoint


def _apply(projection: Projection, events: list[RecordedEvent]) -> None:
    """Apply a batch; when it fails, apply it again one event at a time to find the event
    that fails (the handlers are idempotent)."""
    wanted = [e for e in events if projection.wants(e)]
    if not wanted:
        return
    try:
        with transaction.atomic():
            projection.handle_batch(wanted)
        return
    except Exception as batch_error:
        for index, recorded in enumerate(events):
            if projection.wants(recorded):
                try:
                    with transaction.atomic():
                        projection.handle(recorded)
                except Exception as exc:
                    raise HandlerFailedError(index, recorded, exc) from exc
        # Every event applied on its own: the batch handler is at fault, not the log.
        logger.warning(
            "Projection %s: handle_batch failed (%s) but each event applied on its own",
            projection.name,
            batch_error,
        )


def _run_batch(projection: Projection, batch_size: int) -> tuple[str, int, int, str]:
    """One batch in one transaction: ``(status, applied, checkpoint position, error)``."""
    try:
        with transaction.atomic():
            if not _lock(projection.name, wait=False):
                return "busy", 0, 0, ""
            checkpoint = _checkpoint(projection.name)
            events = store.read_all(after=checkpoint.position, limit=batch_size, seal=False)
            _apply(projection, events)
            if events or checkpoint.error:
                checkpoint.position = (
                    events[-1].position if events else None
                ) or checkpoint.position
                checkpoint.error, checkpoint.failed_position = "", None
                checkpoint.failed_event_id = None
                checkpoint.save()
            return "ok", len(events), checkpoint.position, ""
    except HandlerFailedError as failure:
        return _halt(projection, failure)


def _halt(projection: Projection, failure: HandlerFailedError) -> tuple[str, int, int, str]:
    """Keep the events before the failing one, record the error, stop at the failing one."""
    error = str(failure)[:4000]
    logger.error(
        "Projection %s halted at position %s (%s): %s",
        projection.name,
        failure.recorded.position,
        failure.recorded.type,
        error,
        exc_info=failure.__cause__,
    )
    with transaction.atomic():
        if not _lock(projection.name, wait=False):
            return "busy", 0, 0, ""
        checkpoint = _checkpoint(projection.name)
        before: list[RecordedEvent] = []
        if failure.index:
            before = store.read_all(after=checkpoint.position, limit=failure.index, seal=False)
        try:
            with transaction.atomic():
                _apply(projection, before)
        except HandlerFailedError:
            before = []  # not deterministic after all: keep the checkpoint where it was
        last = before[-1].position if before else None
        if last is not None:
            checkpoint.position = last
        checkpoint.error = error
        checkpoint.failed_position = failure.recorded.position
        checkpoint.failed_event_id = failure.recorded.event_id
        checkpoint.save()
        return "failed", len(before), checkpoint.position, error


def run_projection(projection: Projection, *, batch_size: int = BATCH_SIZE) -> RunResult:
    """Catch one projection up with the log, batch after batch."""
    applied = 0
    position = 0
    for _round in range(2):
        while True:
            status, count, position, error = _run_batch(projection, batch_size)
            applied += count
            if status != "ok":
                return RunResult(projection.name, status, applied, position, error)
            if count < batch_size:
                break
        # A run triggered while this one held the lock gave up as "busy"; look once more
        # now that the lock is released, so its events are not left for the periodic run.
        ledger.seal()
        if ledger.head()[0] <= position:
            break
    return RunResult(projection.name, "ok", applied, position)


def catch_up(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[RunResult], None] | None = None
) -> list[RunResult]:
    """Seal the ledger, then run every projection. One failing projection does not stop
    the others."""
    ledger.seal()
    results = []
    for projection in get_projections():
        result = run_projection(projection, batch_size=batch_size)
        if progress:
            progress(result)
        results.append(result)
    return results


def rebuild(
    projection: Projection,
    *,
    batch_size: int = REBUILD_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Reset the projection's rows and replay the whole log into them, in one transaction:
    readers see the old rows until the new ones are complete. Waits for a running runner."""
    ledger.seal()
    head = ledger.head()[0]
    applied = 0
    # Outside any transaction only the committed log is there to read, so another connection
    # reads the same pages as this one would.
    prefetch = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic():
            _lock(projection.name, wait=True)
            _commit_without_flush_wait()
            checkpoint = _checkpoint(projection.name)
            projection.reset()
            position = 0
            with projection.rebuilding():
                for events in _pages(batch_size, prefetch=prefetch):
                    _apply(projection, events)
                    applied += len(events)
                    position = events[-1].position or position
                    if progress:
                        progress(position, head)
            checkpoint.position = position
            checkpoint.error, checkpoint.failed_position = "", None
            checkpoint.failed_event_id = None
            checkpoint.save()
    except HandlerFailedError as failure:
        # The rebuild rolled back whole; the previous rows and checkpoint stand.
        return RunResult(projection.name, "failed", 0, 0, str(failure)[:4000])
    return RunResult(projection.name, "ok", applied, position)


def _pages(batch_size: int, *, prefetch: bool) -> Iterator[list[RecordedEvent]]:
    """The log from its start, page by page. With ``prefetch`` a thread reads the next page,
    on its own connection, while the caller applies this one: PostgreSQL finds and sends a
    page while Python folds the previous one."""

    def read(after: int) -> list[RecordedEvent]:
        return store.read_all(after=after, limit=batch_size, seal=False)

    if not prefetch:
        position = 0
        while events := read(position):
            yield events
            position = events[-1].position or position
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-read") as reader:
        try:
            page = reader.submit(read, 0)
            while events := page.result():
                page = reader.submit(read, events[-1].position or 0)
                yield events
        finally:
            page.cancel()
            reader.submit(lambda: connection.close()).result()  # the reader thread's own


def status() -> list[Status]:
    """Head, checkpoint and lag of every projection."""
    ledger.seal()
    head = ledger.head()[0]
    checkpoints = {c.name: c for c in ProjectionCheckpoint.objects.all()}
    result = []
    for projection in get_projections():
        checkpoint = checkpoints.get(projection.name)
        position = checkpoint.position if checkpoint else 0
        result.append(
            Status(
                name=projection.name,
                position=position,
                head=head,
                lag=head - position,
                failed_position=checkpoint.failed_position if checkpoint else None,
                error=checkpoint.error if checkpoint else "",
            )
        )
    return result
