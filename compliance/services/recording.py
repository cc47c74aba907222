"""Recording facts: every event goes through :func:`event_record`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from types import ModuleType
from typing import Any

from compliance.domain import investments, parties, proceedings
from compliance.domain.errors import ErrorCode, refuse
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
from events.types import CORRECTION_TYPES, Event

AGGREGATES: dict[str, ModuleType] = {
    "party": parties,
    "investment": investments,
    "proceeding": proceedings,
}
State = Party | Investment | Proceeding


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


def _check_references(event: Event) -> None:
    match event:
        case PartyRegistered() if event.group_parent_id is not None:
            _exists(event.group_parent_id, "party", "group_parent_id")
        case InvestmentAnnounced():
            _exists(event.investor_id, "party", "investor_id")
            _exists(event.target_id, "party", "target_id")
        case ProceedingOpened():
            for index, investment_id in enumerate(event.investment_ids):
                _exists(investment_id, "investment", f"investment_ids.{index}")


def event_record(
    *,
    stream_id: str,
    event: Event,
    actor: str,
    source: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
) -> store.AppendResult:
    """Record one fact on a stream, if the stream's history allows it.

    With ``expected_version`` the caller says which version it decided on, and a stream
    that moved on raises :class:`WrongExpectedVersionError`. Without it, a concurrent writer
    makes this reload the stream once and decide again.
    """
    aggregate = _aggregate(stream_id)
    metadata: dict[str, Any] = {"actor": actor}
    if source is not None:
        metadata["source"] = dict(source)
    if correlation_id is not None:
        metadata["correlation_id"] = correlation_id
    if idempotency_key is not None:
        earlier = store.replay(
            stream_id, [event], idempotency_key=idempotency_key, metadata=metadata
        )
        if earlier is not None:
            return earlier  # a retry: answered before the rules see the fact again
    for attempt in range(2):
        history = store.read_stream(stream_id, effective=False)
        version = history[-1].version if history else 0
        if expected_version is not None and expected_version != version:
            raise WrongExpectedVersionError(stream_id, expected=expected_version, current=version)
        if type(event).__name__ not in CORRECTION_TYPES:
            aggregate.check(aggregate.fold(stream_id, store.apply_corrections(history)), event)
            _check_references(event)
        elif version == 0:
            raise refuse(ErrorCode.NOT_FOUND, f"No stream {stream_id!r} to correct.")
        try:
            return store.append(
                stream_id,
                [event],
                expected_version=version,
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
) -> store.AppendResult:
    """Open a proceeding about recorded investments (``stream_id`` of the result)."""
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
    )
