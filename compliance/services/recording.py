"""Recording facts: every event goes through :func:`event_record`, which decides on a
stream's folded state kept per process and brought up to date from the log before each use."""

from __future__ import annotations

import dataclasses
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from django.conf import settings

from compliance.access import Scope, hidden_references, stream_visible
from compliance.domain import investments, parties, proceedings
from compliance.domain.errors import DomainError, ErrorCode, refuse
from compliance.domain.events import (
    InvestmentAnnounced,
    PartyRegistered,
    ProceedingOpened,
)
from compliance.domain.investments import Investment
from compliance.domain.parties import Party
from compliance.domain.proceedings import Proceeding
from compliance.domain.values import PartyKind, ProceedingKind
from events import store
from events.errors import InvalidStreamIdError, WrongExpectedVersionError
from events.store import RecordedEvent
from events.types import CORRECTION_TYPES, Event, EventCorrected, registry

AGGREGATES: dict[str, ModuleType] = {
    "party": parties,
    "investment": investments,
    "proceeding": proceedings,
}
State = Party | Investment | Proceeding
OPENINGS = (PartyRegistered, InvestmentAnnounced, ProceedingOpened)


def stream_new_id(kind: str) -> str:
    """A fresh stream id of a kind: ``party``, ``investment`` or ``proceeding``."""
    if kind not in AGGREGATES:
        raise refuse(ErrorCode.WRONG_STREAM, f"Unknown kind of stream {kind!r}.", field="kind")
    return f"{kind}-{uuid.uuid4().hex}"


def _aggregate(stream_id: str) -> ModuleType:
    try:
        kind = store.stream_type_of(stream_id)
    except InvalidStreamIdError as exc:
        raise refuse(ErrorCode.WRONG_STREAM, exc.message, field="stream_id") from None
    if kind not in AGGREGATES:
        raise refuse(
            ErrorCode.WRONG_STREAM,
            f"Streams are party-*, investment-* or proceeding-*, not {kind}-*.",
            field="stream_id",
        )
    return AGGREGATES[kind]


def stream_state(
    stream_id: str, *, as_of: datetime | None = None, known_at: datetime | None = None
) -> State:
    """The state of a stream as of a valid time, as known at a transaction time."""
    aggregate = _aggregate(stream_id)
    state: State = aggregate.fold(
        stream_id, store.read_stream(stream_id, as_of=as_of, known_at=known_at)
    )
    return state


def _exists(stream_id: str, kind: str, field: str) -> None:
    if not stream_id.startswith(f"{kind}-") or store.current_version(stream_id) == 0:
        raise refuse(
            ErrorCode.UNKNOWN_REFERENCE, f"No {kind} {stream_id!r} is recorded.", field=field
        )


def _check_references(event: Event, *, prefix: str = "") -> None:
    match event:
        case PartyRegistered() if event.group_parent_id is not None:
            _exists(event.group_parent_id, "party", f"{prefix}group_parent_id")
        case InvestmentAnnounced():
            _exists(event.investor_id, "party", f"{prefix}investor_id")
            _exists(event.target_id, "party", f"{prefix}target_id")
        case ProceedingOpened():
            for index, investment_id in enumerate(event.investment_ids):
                _exists(investment_id, "investment", f"{prefix}investment_ids.{index}")


def _within_walls(scope: Scope, event: Event, *, prefix: str = "") -> None:
    """Refuse an event that names an investment behind the wall, as if it did not exist."""
    hidden = hidden_references(scope, event)
    if hidden:
        field, investment_id = hidden[0]
        raise refuse(
            ErrorCode.UNKNOWN_REFERENCE,
            f"No investment {investment_id!r} is recorded.",
            field=f"{prefix}{field}",
        )


# ---------------------------------------------------------------- what this process knows


@dataclass(frozen=True, slots=True)
class _Known:
    """A stream's state as this process last read it: folded from its first ``version``
    events, the last of which is ``last_event_id``."""

    stream_id: str
    version: int
    last_event_id: uuid.UUID | None
    state: State


class _StreamCache:
    """The folded state of the streams this process recorded on lately, so that deciding on a
    new event reads only the events recorded since (``read_stream(after=...)``) instead of
    the whole stream: the cost of an append does not grow with the stream's length.

    Least recently used first out, at most ``RECORDING_CACHE_STREAMS`` streams holding at most
    ``RECORDING_CACHE_EVENTS`` events together (a stream longer than that is not kept; 0 for
    either switches the cache off). Shared by the process's threads; nothing is held while
    the database is asked. An entry is only ever a shortcut: every use checks it against the
    log (:meth:`known`), and the append it leads to still passes its version to the store.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Known] = OrderedDict()
        self._events = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._events = 0

    def reset(self) -> None:
        """Empty, with a new lock (in a forked child, where a parent's thread may hold it)."""
        self._lock = threading.Lock()
        self._entries = OrderedDict()
        self._events = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, stream_id: str) -> _Known | None:
        if settings.RECORDING_CACHE_STREAMS <= 0 or settings.RECORDING_CACHE_EVENTS <= 0:
            return None
        with self._lock:
            known = self._entries.get(stream_id)
            if known is not None:
                self._entries.move_to_end(stream_id)
            return known

    def put(self, known: _Known) -> None:
        streams, events = settings.RECORDING_CACHE_STREAMS, settings.RECORDING_CACHE_EVENTS
        with self._lock:
            old = self._entries.pop(known.stream_id, None)
            if old is not None:
                self._events -= old.version
            if not known.version or known.version > events or streams <= 0:
                return
            self._entries[known.stream_id] = known
            self._events += known.version
            while len(self._entries) > streams or self._events > events:
                _stream_id, dropped = self._entries.popitem(last=False)
                self._events -= dropped.version

    def known(self, stream_id: str, aggregate: ModuleType) -> _Known:
        """The stream as it stands now: the cached state brought up to date with the events
        recorded after it, or (on a miss, after a correction, or when the log no longer
        holds the event the entry ends with, as after a transaction that rolled back) the
        whole stream read and folded again."""
        cached = self.get(stream_id)
        if cached is not None:
            # One indexed read from the last event held: it must still be the one we folded.
            tail = store.read_stream(stream_id, effective=False, after=cached.version - 1)
            if (
                tail
                and tail[0].event_id == cached.last_event_id
                and all(e.version == cached.version + i for i, e in enumerate(tail))
                and not any(e.type in CORRECTION_TYPES for e in tail)
            ):
                if len(tail) == 1:
                    return cached
                state = cached.state
                for recorded in tail[1:]:
                    state = aggregate.evolve(state, recorded)
                known = _Known(stream_id, tail[-1].version, tail[-1].event_id, state)
                self.put(known)
                return known
        history = store.read_stream(stream_id, effective=False)
        return self.folded(stream_id, aggregate, history, store.apply_corrections(history))

    def folded(
        self,
        stream_id: str,
        aggregate: ModuleType,
        history: list[RecordedEvent],
        effective: list[RecordedEvent],
    ) -> _Known:
        """A stream read whole (``history`` as recorded, ``effective`` with its corrections
        applied) folded, and kept."""
        state = aggregate.fold(stream_id, effective)
        last = history[-1] if history else None
        known = _Known(
            stream_id, last.version if last else 0, last.event_id if last else None, state
        )
        self.put(known)
        return known


_STREAMS = _StreamCache()
# A forked child (a report's or a rebuild's) starts empty, with a lock no parent thread holds.
os.register_at_fork(after_in_child=_STREAMS.reset)


# ---------------------------------------------------------------- deciding


@dataclass(frozen=True)
class _Decision:
    """A stream as one writer read it, and what it makes of one new event."""

    stream_id: str
    aggregate: ModuleType
    version: int  # the stream's version the decision is made on
    state: State  # the stream folded as it stands (for the walls and the rules alike)
    effective: list[RecordedEvent]  # corrections applied; read for a correction only
    event: Event

    @classmethod
    def read(cls, stream_id: str, aggregate: ModuleType, event: Event) -> _Decision:
        """Read what the event needs: the folded state (cached, brought up to date) for a new
        fact; for a retraction or correction, the whole stream, whose later events must all
        still hold after it (corrections are rare, and judged on a fresh read)."""
        if type(event).__name__ in CORRECTION_TYPES:
            history = store.read_stream(stream_id, effective=False)
            effective = store.apply_corrections(history)
            known = _STREAMS.folded(stream_id, aggregate, history, effective)
            return cls(stream_id, aggregate, known.version, known.state, effective, event)
        known = _STREAMS.known(stream_id, aggregate)
        return cls(stream_id, aggregate, known.version, known.state, [], event)

    def target(self) -> RecordedEvent | None:
        """The effective event a retraction or correction aims at (None when the store must
        refuse it: not of this stream, retracted already, or itself a correction)."""
        target_id = getattr(self.event, "target_event_id", None)
        return next((e for e in self.effective if e.event_id == target_id), None)

    def corrected(self, target: RecordedEvent) -> RecordedEvent | None:
        """The target as the correction would leave it; None for a retraction."""
        if not isinstance(self.event, EventCorrected):
            return None
        event = registry.build(target.type, self.event.data)
        return dataclasses.replace(target, event=event, occurred_at=event.occurred_at)

    def check_walls(self, scope: Scope) -> None:
        """Every stream and investment the write touches, before and after, must be on the
        writer's side of the wall; a hidden stream is refused exactly like a missing one."""
        if scope.everything:
            return
        # A new stream is judged by its opening event: a proceeding by the investments it
        # names; an investment has no wall until it is filed in a matter (by the caller).
        opening = not self.version and isinstance(self.event, OPENINGS)
        if not opening and not stream_visible(scope, self.stream_id, state=self.state):
            raise refuse(ErrorCode.NOT_FOUND, f"No stream {self.stream_id:.200}.")
        if type(self.event).__name__ not in CORRECTION_TYPES:
            _within_walls(scope, self.event)
            return
        target = self.target()
        if target is None:
            return  # the store refuses it, naming why
        if hidden_references(scope, target.event):
            raise refuse(
                ErrorCode.NOT_FOUND,
                f"No event {target.event_id} that you may correct.",
                field="target_event_id",
            )
        corrected = self.corrected(target)
        if corrected is not None:
            _within_walls(scope, corrected.event, prefix="data.")

    def check_domain(self) -> None:
        """The invariants and references, for a new fact as for a correction: a corrected
        event is checked as it would have been recorded, and every later event of the
        stream must still be allowed after it (or after a retraction)."""
        if type(self.event).__name__ not in CORRECTION_TYPES:
            self.aggregate.check(self.state, self.event)
            _check_references(self.event)
            return
        if not self.version:
            raise refuse(ErrorCode.NOT_FOUND, f"No stream {self.stream_id!r} to correct.")
        target = self.target()
        if target is None:
            return  # the store refuses it, naming why
        at = self.effective.index(target)
        state = self.aggregate.fold(self.stream_id, self.effective[:at])
        corrected = self.corrected(target)
        if corrected is not None:
            self.aggregate.check(state, corrected.event)
            _check_references(corrected.event, prefix="data.")
            state = self.aggregate.evolve(state, corrected)
        for later in self.effective[at + 1 :]:
            try:
                self.aggregate.check(state, later.event)
            except DomainError as exc:
                raise refuse(
                    exc.code,
                    f"After this change, version {later.version} ({later.type}) would no "
                    f"longer hold: {exc.message}",
                    field="data" if corrected is not None else "target_event_id",
                ) from None
            state = self.aggregate.evolve(state, later)


def event_record(
    *,
    stream_id: str,
    event: Event,
    actor: str,
    source: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
    scope: Scope | None = None,
) -> store.AppendResult:
    """Record one fact on a stream, if the stream's history allows it.

    With ``expected_version`` the caller says which version it decided on, and a stream
    that moved on raises :class:`WrongExpectedVersionError`. Without it, a concurrent writer
    makes this reload the stream once and decide again. With ``scope`` (a user's ethical
    walls) the write must stay behind them. Retractions and corrections get every check the
    event they change got. A retry with an ``idempotency_key`` gets the original result,
    after the walls are checked again.

    A new fact is decided on the stream's folded state as this process last read it,
    brought up to date with the events recorded since (one indexed read, whatever the
    stream's length: :class:`_StreamCache`); a retraction or correction on the whole stream,
    read afresh. The append passes the version decided on, so no stale state gets through.
    """
    aggregate = _aggregate(stream_id)
    metadata: dict[str, Any] = {"actor": actor}
    if source is not None:
        metadata["source"] = dict(source)
    if correlation_id is not None:
        metadata["correlation_id"] = correlation_id
    for attempt in range(2):
        decision = _Decision.read(stream_id, aggregate, event)
        if scope is not None:
            decision.check_walls(scope)
        if idempotency_key is not None:  # read after the stream, so a retry that raced
            earlier = store.replay(  # its original sees either its result or its version
                stream_id, [event], idempotency_key=idempotency_key, metadata=metadata
            )
            if earlier is not None:
                return earlier
        if expected_version is not None and expected_version != decision.version:
            raise WrongExpectedVersionError(
                stream_id, expected=expected_version, current=decision.version
            )
        decision.check_domain()
        try:
            return store.append(
                stream_id,
                [event],
                expected_version=decision.version,
                idempotency_key=idempotency_key,
                metadata=metadata,
            )
        except WrongExpectedVersionError:
            if expected_version is not None or attempt:
                raise
    raise AssertionError("unreachable")


def party_register(
    *,
    actor: str,
    occurred_at: datetime,
    name: str,
    kind: PartyKind,
    country: str,
    group_parent_id: str | None = None,
    source: Mapping[str, Any] | None = None,
    party_id: str | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
) -> store.AppendResult:
    """Register a party. The result's ``stream_id`` is the party's id."""
    stream_id = party_id or stream_new_id("party")
    return event_record(
        stream_id=stream_id,
        event=PartyRegistered(
            occurred_at=occurred_at,
            name=name,
            kind=kind,
            country=country,
            group_parent_id=group_parent_id,
        ),
        actor=actor,
        source=source,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )


def investment_announce(
    *,
    actor: str,
    occurred_at: datetime,
    investor_id: str,
    target_id: str,
    title: str,
    description: str | None = None,
    source: Mapping[str, Any] | None = None,
    investment_id: str | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
) -> store.AppendResult:
    """Open an investment stream between two registered parties (``stream_id`` of the
    result)."""
    stream_id = investment_id or stream_new_id("investment")
    return event_record(
        stream_id=stream_id,
        event=InvestmentAnnounced(
            occurred_at=occurred_at,
            investor_id=investor_id,
            target_id=target_id,
            title=title,
            description=description,
        ),
        actor=actor,
        source=source,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )


def proceeding_open(
    *,
    actor: str,
    occurred_at: datetime,
    authority: str,
    legal_basis: str,
    kind: ProceedingKind,
    investment_ids: list[str],
    reference: str | None = None,
    source: Mapping[str, Any] | None = None,
    proceeding_id: str | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
    scope: Scope | None = None,
) -> store.AppendResult:
    """Open a proceeding about recorded investments (``stream_id`` of the result), those
    behind ``scope``'s walls only when one is given."""
    stream_id = proceeding_id or stream_new_id("proceeding")
    return event_record(
        stream_id=stream_id,
        event=ProceedingOpened(
            occurred_at=occurred_at,
            authority=authority,
            legal_basis=legal_basis,
            kind=kind,
            investment_ids=investment_ids,
            reference=reference,
        ),
        actor=actor,
        source=source,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        scope=scope,
    )
