"""The compliance event catalogue (docs/events.md). Events are past-tense facts, frozen
dataclasses registered with the store's registry; a type is never renamed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from events.types import Event, registry

Name = Annotated[str, Field(min_length=1, max_length=300)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


@registry.register
@dataclass(frozen=True, kw_only=True)
class PartyRegistered(Event):
    """A party the tracker follows: a company, a fund or a state body."""

    name: Name
    kind: Literal["company", "fund", "state_body"]
    country: CountryCode  # ISO 3166-1 alpha-2 of incorporation or seat
    group_parent_id: str | None = None  # stream id of the ultimate parent party, if tracked


@registry.register
@dataclass(frozen=True, kw_only=True)
class PartyRenamed(Event):
    name: Name
