"""Rule packs: thresholds, dates and citations as data, one TOML file per regime and
version in ``packs/``, loaded and validated once (a start-up check reports bad packs).

A pack is in force from ``effective_from`` until the next version of the same regime takes
over (or its own ``effective_to``). Rules ask :func:`pack_for` for the pack in force on the
date they evaluate. A version ``superseded_by`` others (a shipped pack whose period later
versions cover with sourced figures and dates) is never in force by date; it stays loadable
by its version, so findings made under it can be re-run.

Beside the versions, ``<regime>/law.toml`` (optional) says when the law itself started to
apply, with its citation and sources: before that date the regime is not applicable whatever
the packs; from it, a date no pack covers is outside the tracker's coverage
(:func:`law_start`, read by the engine).
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PACKS = Path(__file__).parent / "packs"


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Decimal
    unit: Annotated[str, Field(min_length=1)]  # EUR, GBP, USD, percent, count, ...
    operator: Literal[">", ">=", "<", "<="]
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    on: date
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class Provision(BaseModel):
    """A qualitative rule: what the law says, where, and the sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Annotated[str, Field(min_length=1)]
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class Listing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    items: list[str]
    as_of: date  # the date of the source that lists them
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class Designated(BaseModel):
    """An undertaking designated under the pack's regime (a DMA gatekeeper), from a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    undertaking: Annotated[str, Field(min_length=1)]
    aliases: list[Annotated[str, Field(min_length=1)]] = []  # other names of the undertaking
    designated_on: date
    core_platform_services: list[Annotated[str, Field(min_length=1)]] = []
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class Designations(BaseModel):
    """The undertakings designated, and the period for which the sources show the list to be
    complete: only within it does an undertaking's absence mean it was not designated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    complete_from: date
    complete_to: date
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]
    undertakings: list[Designated]

    @model_validator(mode="after")
    def _period(self) -> Designations:
        if self.complete_to < self.complete_from:
            raise ValueError("complete_to is before complete_from")
        late = [d.undertaking for d in self.undertakings if d.designated_on > self.complete_to]
        if late:  # the list would then claim a period it does not cover
            raise ValueError(f"designated after complete_to: {', '.join(late)}")
        return self


class LawStart(BaseModel):
    """When a regime's law started to apply (``<regime>/law.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    applies_from: date
    citation: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(pattern=r"^https?://\S+$")]], Field(min_length=1)]


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    regime: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    version: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    legal_act: Annotated[str, Field(min_length=1)]
    context_only: bool = False
    effective_from: date
    effective_to: date | None = None
    # Versions of the same regime that replace this one over its whole period: it is then
    # never picked by date (only by version, to re-run history).
    superseded_by: list[Annotated[str, Field(min_length=1)]] = []
    thresholds: dict[str, Threshold] = {}
    milestones: dict[str, Milestone] = {}
    listings: dict[str, Listing] = {}
    provisions: dict[str, Provision] = {}
    designations: Designations | None = None

    @property
    def pack_id(self) -> str:
        return f"{self.regime}@{self.version}"


@dataclass(frozen=True)
class PackError:
    path: str
    message: str


class RulePackError(Exception):
    def __init__(self, errors: list[PackError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


LAW = "law.toml"


def _read_laws(directory: Path) -> tuple[dict[str, LawStart], list[PackError]]:
    laws, errors = {}, []
    for path in sorted(directory.glob(f"*/{LAW}")):
        try:
            laws[path.parent.name] = LawStart.model_validate(
                tomllib.loads(path.read_text(encoding="utf-8"))
            )
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            errors.append(PackError(str(path), str(exc)))
    return laws, errors


def _read(directory: Path) -> tuple[list[RulePack], list[PackError]]:
    packs, errors = [], []
    for path in sorted(directory.glob("*/*.toml")):
        if path.name == LAW:
            continue
        try:
            pack = RulePack.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            errors.append(PackError(str(path), str(exc)))
            continue
        if pack.regime != path.parent.name:
            errors.append(PackError(str(path), f"regime {pack.regime!r} is not its folder's"))
        packs.append(pack)
    by_regime: dict[str, list[RulePack]] = {}
    for pack in packs:
        by_regime.setdefault(pack.regime, []).append(pack)
    for regime, versions in by_regime.items():
        versions.sort(key=lambda p: p.effective_from)
        seen = set()
        in_force = [p for p in versions if not p.superseded_by]
        for earlier, later in itertools.pairwise(in_force):
            if earlier.effective_from == later.effective_from:
                errors.append(PackError(regime, "two versions take effect on the same day"))
        for pack in versions:
            if pack.version in seen:
                errors.append(PackError(regime, f"version {pack.version} appears twice"))
            seen.add(pack.version)
        for pack in versions:
            for other in pack.superseded_by:
                if other == pack.version or other not in seen:
                    errors.append(
                        PackError(
                            regime, f"version {pack.version}: no version {other} supersedes it"
                        )
                    )
    laws, law_errors = _read_laws(directory)
    errors.extend(law_errors)
    errors.extend(PackError(r, f"{LAW} without any rule pack") for r in laws if r not in by_regime)
    return packs, errors


@cache
def load(directory: Path = PACKS) -> dict[str, tuple[RulePack, ...]]:
    """Every pack, by regime, oldest first. Raises :class:`RulePackError` if any is invalid."""
    packs, errors = _read(directory)
    if errors:
        raise RulePackError(errors)
    by_regime: dict[str, list[RulePack]] = {}
    for pack in packs:
        by_regime.setdefault(pack.regime, []).append(pack)
    return {r: tuple(sorted(v, key=lambda p: p.effective_from)) for r, v in by_regime.items()}


@cache
def laws(directory: Path = PACKS) -> dict[str, LawStart]:
    """Each regime's law start, where ``law.toml`` gives it (validated by :func:`check`)."""
    return _read_laws(directory)[0]


def law_start(regime: str) -> LawStart | None:
    """When ``regime``'s law started to apply; None where no source gives the date."""
    return laws().get(regime)


def check(directory: Path | None = None) -> list[PackError]:
    """The problems with the packs in ``directory`` (default: the shipped packs)."""
    return _read(directory or PACKS)[1]


def pack_for(regime: str, on: date, *, version: str | None = None) -> RulePack | None:
    """The pack of ``regime`` in force on ``on`` (or the named version); None if none was."""
    return _pack_for(regime, on if version is None else None, version)


@lru_cache(maxsize=8192)
def _pack_for(regime: str, on: date | None, version: str | None) -> RulePack | None:
    """``pack_for``, remembered: the shipped packs are loaded once and never change while
    the process runs (``load`` is cached too), and rules ask for the same few dates."""
    versions = load().get(regime, ())
    if version is not None:
        return next((p for p in versions if p.version == version), None)
    assert on is not None
    current = None
    for pack in versions:
        if pack.superseded_by:
            continue
        if pack.effective_from <= on and (pack.effective_to is None or on < pack.effective_to):
            current = pack
    return current
