"""A party: who it is, its turnover per fiscal year, and its designations (DMA, GWB 19a)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from compliance.domain.copying import replace
from compliance.domain.errors import ErrorCode, refuse
from compliance.domain.events import (
    GatekeeperDesignated,
    GatekeeperDesignationRevoked,
    PartyRegistered,
    PartyRenamed,
    TurnoverReported,
)
from events.types import Event, RecordedEvent

PARTY_EVENTS = (
    PartyRegistered,
    PartyRenamed,
    TurnoverReported,
    GatekeeperDesignated,
    GatekeeperDesignationRevoked,
)


@dataclass(frozen=True)
class Designation:
    regime: str
    designated_on: date
    core_platform_services: tuple[str, ...]
    decision_reference: str | None
    revoked_on: date | None = None


@dataclass(frozen=True)
class Party:
    stream_id: str
    version: int = 0
    name: str = ""
    kind: str = ""
    country: str = ""
    group_parent_id: str | None = None
    turnovers: dict[int, TurnoverReported] = field(default_factory=dict)  # by fiscal year
    designations: dict[str, Designation] = field(default_factory=dict)  # by regime
    event_ids: tuple[str, ...] = ()

    @property
    def registered(self) -> bool:
        return self.version > 0

    def latest_turnover(self) -> TurnoverReported | None:
        return self.turnovers[max(self.turnovers)] if self.turnovers else None

    def is_gatekeeper(self, regime: str = "DMA", *, on: date | None = None) -> bool:
        designation = self.designations.get(regime)
        if designation is None:
            return False
        if on is None:
            return designation.revoked_on is None
        revoked = designation.revoked_on
        return designation.designated_on <= on and (revoked is None or on < revoked)


def evolve(party: Party, recorded: RecordedEvent) -> Party:
    event = recorded.event
    party = replace(
        party, version=recorded.version, event_ids=(*party.event_ids, str(recorded.event_id))
    )
    match event:
        case PartyRegistered():
            return replace(
                party,
                name=event.name,
                kind=str(event.kind),
                country=event.country,
                group_parent_id=event.group_parent_id,
            )
        case PartyRenamed():
            return replace(party, name=event.name)
        case TurnoverReported():
            return replace(party, turnovers={**party.turnovers, event.fiscal_year: event})
        case GatekeeperDesignated():
            designation = Designation(
                regime=event.regime,
                designated_on=event.designated_on,
                core_platform_services=tuple(event.core_platform_services),
                decision_reference=event.decision_reference,
            )
            return replace(party, designations={**party.designations, event.regime: designation})
        case GatekeeperDesignationRevoked() if event.regime not in party.designations:
            return party  # its designation was retracted: nothing left to revoke
        case GatekeeperDesignationRevoked():
            current = party.designations[event.regime]
            revoked = set(event.core_platform_services)
            remaining = tuple(s for s in current.core_platform_services if s not in revoked)
            if revoked and remaining:
                updated = replace(current, core_platform_services=remaining)
            else:
                updated = replace(current, revoked_on=event.revoked_on)
            return replace(party, designations={**party.designations, event.regime: updated})
    return party


def fold(stream_id: str, history: Iterable[RecordedEvent]) -> Party:
    party = Party(stream_id=stream_id)
    for recorded in history:
        party = evolve(party, recorded)
    return party


def check(party: Party, event: Event) -> None:
    """Refuse an event the party's history does not allow."""
    if not isinstance(event, PARTY_EVENTS):
        raise refuse(
            ErrorCode.WRONG_STREAM, f"{type(event).__name__} is not a party event.", field="type"
        )
    if isinstance(event, PartyRegistered):
        if party.registered:
            raise refuse(ErrorCode.ALREADY_EXISTS, f"Party {party.stream_id} is registered.")
        if event.group_parent_id == party.stream_id:
            raise refuse(
                ErrorCode.UNKNOWN_REFERENCE,
                "A party cannot be its own group parent.",
                field="group_parent_id",
            )
        return
    if not party.registered:
        raise refuse(ErrorCode.NOT_FOUND, f"Party {party.stream_id} is not registered.")
    if isinstance(event, GatekeeperDesignationRevoked):
        designation = party.designations.get(event.regime)
        if designation is None or designation.revoked_on is not None:
            raise refuse(
                ErrorCode.RIGHT_NOT_HELD,
                f"{party.name} holds no {event.regime} designation to revoke.",
                field="regime",
            )
        unknown = set(event.core_platform_services) - set(designation.core_platform_services)
        if unknown:
            raise refuse(
                ErrorCode.RIGHT_NOT_HELD,
                f"Not designated for: {', '.join(sorted(unknown))}.",
                field="core_platform_services",
            )
