"""Loading a built-in scenario: sourced facts recorded through the services, idempotently.

A scenario is data: a folder of JSON files (``compliance/scenarios/data/<name>/``, read by
:mod:`compliance.scenarios.files`) holding streams with stable ids, each a list of steps. A
step is a :class:`Fact` (an event and the document it comes from) or a :class:`Correction` of
an earlier fact of the same stream (recorded as ``EventCorrected``). Every step is recorded
with :func:`compliance.services.event_record` and the idempotency key
``scenario:<name>:<stream id>:<step number>``, so the domain's checks apply as for any other
interface, and loading again records nothing: a step whose key is already in the stream's
metadata is skipped, whoever recorded it.

The log is immutable. A fact whose data changed after a database recorded it (the scenario
was revised: the step says why in ``revised``) is not recorded again: the load records an
``EventCorrected`` of the recorded fact, with the new data, the step's source and the key
``<step key>:revised:<digest of the new data>``, so the database reads as a fresh load does,
and shows what it held before (``known_at``). A new fact is appended to its stream.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.utils import timezone

from compliance.domain.errors import DomainError
from compliance.services import event_record
from events import store
from events.errors import IdempotencyKeyReusedError, WrongExpectedVersionError
from events.types import Event, EventCorrected, RecordedEvent, registry

OPENING_TYPES = frozenset({"PartyRegistered", "InvestmentAnnounced", "ProceedingOpened"})

DATA = Path(__file__).parent / "data"
# Scenario name -> its folder of data files.
SCENARIOS: dict[str, Path] = {
    "public-ai-investments": DATA / "public-ai-investments",
}


@dataclass(frozen=True, kw_only=True)
class Fact:
    """One event and the document it comes from (the append's ``source`` metadata)."""

    event: Event
    source: Mapping[str, Any]
    label: str | None = None  # to find the recorded event in the load's result
    revised: str | None = None  # why the data changed since a database may have recorded it


@dataclass(frozen=True, kw_only=True)
class Correction:
    """Replaces the payload of the fact labelled ``corrects`` (same stream) by ``corrected``."""

    corrects: str
    corrected: Event
    reason: str
    occurred_at: datetime
    source: Mapping[str, Any]
    label: str | None = None


Step = Fact | Correction


@dataclass(frozen=True)
class Stream:
    stream_id: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    streams: tuple[Stream, ...]

    @property
    def size(self) -> int:
        """The number of events the scenario records."""
        return sum(len(stream.steps) for stream in self.streams)

    @property
    def stream_ids(self) -> tuple[str, ...]:
        return tuple(stream.stream_id for stream in self.streams)

    def idempotency_key(self, stream_id: str, number: int) -> str:
        return f"scenario:{self.name}:{stream_id}:{number}"


@dataclass(frozen=True)
class StreamLoaded:
    stream_id: str
    events: int  # steps of the scenario on this stream
    new: int  # of which recorded by this load
    revised: int = 0  # facts recorded before with other data, corrected by this load


@dataclass(frozen=True)
class ScenarioLoad:
    """What a load did, and where to find the labelled events."""

    name: str
    events: int  # in the scenario
    new_events: int  # recorded by this load (0 when it was loaded before)
    streams: tuple[StreamLoaded, ...]
    event_ids: Mapping[str, UUID]  # by step label
    recorded_at: Mapping[str, datetime]  # by step label: the transaction time of each
    # By correction label: a transaction time after the corrected fact was recorded and before
    # the correction was (``known_at`` there shows the fact as first reported). Taken just
    # before recording the correction, or from the log when it was recorded by an earlier load.
    known_before: Mapping[str, datetime]


class UnknownScenarioError(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        self.message = f"Unknown scenario {name!r}. Known scenarios: {', '.join(scenario_names())}."
        super().__init__(self.message)


def scenario_names() -> list[str]:
    return sorted(SCENARIOS)


@cache
def scenario_get(name: str) -> Scenario:
    """The scenario ``name``, read from its data files (once per process)."""
    if name not in SCENARIOS:
        raise UnknownScenarioError(name)
    from compliance.scenarios.files import scenario_read  # it builds this module's steps

    return scenario_read(SCENARIOS[name])


def _type_name(step: Step) -> str:
    return "EventCorrected" if isinstance(step, Correction) else type(step.event).__name__


def _by_key(history: list[RecordedEvent]) -> dict[str, RecordedEvent]:
    return {
        key: recorded
        for recorded in history
        if isinstance(key := recorded.metadata.get("idempotency_key"), str)
    }


def _event(step: Step, event_ids: Mapping[str, UUID]) -> Event:
    if isinstance(step, Fact):
        return step.event
    _event_type, data = registry.encode(step.corrected)
    return EventCorrected(
        occurred_at=step.occurred_at,
        target_event_id=event_ids[step.corrects],
        reason=step.reason,
        data=data,
    )


def _revision(step: Step, found: RecordedEvent, key: str) -> tuple[str, EventCorrected] | None:
    """The correction that brings a fact recorded with other data up to the step's data (and
    its idempotency key), or None when the log holds the step's data."""
    if not isinstance(step, Fact):
        return None  # a correction is recorded once; a later one would be a new step
    event_type, data = registry.encode(step.event)
    if found.type != event_type.name:
        raise ScenarioMismatchError(
            f"{found.stream_id} holds a {found.type} where the scenario has a "
            f"{event_type.name} ({key}): steps are appended, never inserted or replaced."
        )
    if registry.encode(found.event)[1] == data:
        return None
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    reason = step.revised or "The scenario's data for this fact changed after it was recorded."
    corrected = EventCorrected(
        occurred_at=step.event.occurred_at, target_event_id=found.event_id,
        reason=reason, data=data,
    )  # fmt: skip
    return f"{key}:revised:{digest}", corrected


class ScenarioMismatchError(ValueError):
    """The log holds, at a step's key, a fact of another type: the scenario's steps were
    renumbered, which the keys cannot follow."""


def _record(
    stream_id: str, event: Event, key: str, actor: str, source: Mapping[str, Any], *, read: bool
) -> tuple[bool, RecordedEvent | None]:
    """Record ``event`` under ``key`` unless it is there already (a concurrent load may have
    recorded it first): whether this call recorded it, and (if ``read``) the recorded event,
    whose transaction time is only in the log."""
    try:
        result = event_record(
            stream_id=stream_id, event=event, actor=actor, source=source, idempotency_key=key
        )
    except (DomainError, WrongExpectedVersionError, IdempotencyKeyReusedError):
        found = _by_key(store.read_stream(stream_id, effective=False)).get(key)
        if found is None:
            raise
        return False, found
    if not read:
        return not result.replayed, None
    return not result.replayed, _by_key(store.read_stream(stream_id, effective=False))[key]


def scenario_load(
    *, name: str, actor: str, progress: Callable[[StreamLoaded], None] | None = None
) -> ScenarioLoad:
    """Record the steps of scenario ``name`` that are not in the log yet, and correct the
    facts recorded with data the scenario has since revised.

    Raises :class:`UnknownScenarioError` for an unknown name, :class:`ScenarioMismatchError`
    where the log holds another type of fact at a step's key, and ``DomainError`` or an
    ``EventStoreError`` if the log holds facts on the scenario's streams that contradict it.
    """
    scenario = scenario_get(name)
    event_ids: dict[str, UUID] = {}
    recorded_at: dict[str, datetime] = {}
    known_before: dict[str, datetime] = {}
    loaded = []
    for stream in scenario.streams:
        stream_id = stream.stream_id
        history = store.read_stream(stream_id, effective=False)
        by_key = _by_key(history)
        new = revised = 0
        for number, step in enumerate(stream.steps, start=1):
            key = scenario.idempotency_key(stream_id, number)
            found = by_key.get(key)
            if found is None and number == 1 and history and history[0].type == _type_name(step):
                found = history[0]  # opened by an earlier scenario that used no keys
            if found is None:
                if isinstance(step, Correction) and step.label is not None:
                    known_before[step.label] = timezone.now()
                recorded, found = _record(
                    stream_id, _event(step, event_ids), key, actor, step.source,
                    read=step.label is not None,
                )  # fmt: skip
                new += recorded
            else:
                if isinstance(step, Correction) and step.label is not None:
                    known_before[step.label] = recorded_at[step.corrects]
                revision = _revision(step, found, key)
                if revision is not None and revision[0] not in by_key:
                    revised += _record(
                        stream_id, revision[1], revision[0], actor, step.source, read=False
                    )[0]
            if step.label is not None:
                assert found is not None
                event_ids[step.label] = found.event_id
                recorded_at[step.label] = found.recorded_at
        done = StreamLoaded(stream_id=stream_id, events=len(stream.steps), new=new, revised=revised)
        loaded.append(done)
        if progress is not None:
            progress(done)
    return ScenarioLoad(
        name=scenario.name,
        events=scenario.size,
        new_events=sum(s.new for s in loaded),
        streams=tuple(loaded),
        event_ids=event_ids,
        recorded_at=recorded_at,
        known_before=known_before,
    )
