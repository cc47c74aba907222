"""A built-in scenario as data files: read strictly, checked, turned into steps to record.

A scenario is a folder (``compliance/scenarios/data/<name>/``) of JSON files:

- ``scenario.json``: its name, title, conventions and the stream files, in order;
- ``sources.json``: the documents it cites, by slug (url, publisher, title, reliability and,
  where the document carries it, ``published_on``);
- one file per deal (or group of streams): ``{"title", "note"?, "streams": [{"id", "note"?,
  "steps": [...]}]}``. A step is a fact, ``{"type", "data", "source", "label"?, "note"?,
  "revised"?}`` (``data`` as ``registry.build(type, data)`` accepts it), or a correction of an
  earlier labelled fact of the same stream, ``{"type": "EventCorrected", "corrects",
  "occurred_at", "reason", "data", "source", "label"?}`` (``data``: the corrected payload of
  the target's type).

Streams are recorded kind by kind, parties first, then investments, then proceedings (an
investment names its parties, a proceeding its investments), each kind in the order of the
files and of the streams in them. Step ``n`` of a stream keeps its number (and so its
idempotency key, see loader.py) for ever: a new fact is appended to its stream, never inserted.
A fact whose data changed after it was first recorded says why in ``revised``; a database
that recorded the earlier data gets the change as an ``EventCorrected`` (loader.py).

Every source must be cited and every citation resolve; every step must be a valid event of
the catalogue; parties, investments and labels must be named before they are referred to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

import compliance.domain.events  # noqa: F401  (registers the catalogue's event types)
from compliance.scenarios.loader import Correction, Fact, Scenario, Step, Stream
from events.errors import EventStoreError
from events.types import registry

STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{0,99}$")]
Words = Annotated[str, Field(min_length=1, max_length=2000)]
StreamId = Annotated[str, Field(pattern=r"^(party|investment|proceeding)-[a-z0-9][a-z0-9.-]*$")]
FileName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*\.json$")]

OPENING = {"party": "PartyRegistered", "investment": "InvestmentAnnounced",
           "proceeding": "ProceedingOpened"}  # fmt: skip
KINDS = tuple(OPENING)  # the order streams are recorded in


class SourceDoc(BaseModel):
    """A document actually read: where, by whom, titled what, how reliable."""

    model_config = STRICT

    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)]
    publisher: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    reliability: Literal["official", "reliable_press", "unverified"]
    published_on: date | None = None  # only where the document itself carries the full date

    def metadata(self) -> dict[str, str]:
        """As an event's ``source`` metadata."""
        found = {"url": self.url, "publisher": self.publisher, "title": self.title,
                 "reliability": self.reliability}  # fmt: skip
        if self.published_on is not None:
            found["published_on"] = self.published_on.isoformat()
        return found


class StepDoc(BaseModel):
    model_config = STRICT

    type: Annotated[str, Field(min_length=1, max_length=100)]
    data: dict[str, Any]
    source: Slug
    label: Slug | None = None
    note: Words | None = None
    revised: Words | None = None  # a fact's data changed since first recorded: why
    # A correction only (type "EventCorrected"):
    corrects: Slug | None = None
    occurred_at: datetime | None = None
    reason: Words | None = None

    @model_validator(mode="after")
    def _kind(self) -> StepDoc:
        fields = {"corrects": self.corrects, "occurred_at": self.occurred_at,
                  "reason": self.reason}  # fmt: skip
        if self.type == "EventCorrected":
            missing = [name for name, value in fields.items() if value is None]
            if missing:
                raise ValueError(f"a correction states {', '.join(missing)}")
            if self.revised is not None:
                raise ValueError("a correction is not revised: correct the fact again")
        elif any(value is not None for value in fields.values()):
            raise ValueError("corrects, occurred_at and reason belong to an EventCorrected step")
        return self


class StreamDoc(BaseModel):
    model_config = STRICT

    id: StreamId
    note: Words | None = None
    steps: Annotated[list[StepDoc], Field(min_length=1)]


class StreamFile(BaseModel):
    model_config = STRICT

    title: Annotated[str, Field(min_length=1, max_length=300)]
    note: Words | None = None
    streams: Annotated[list[StreamDoc], Field(min_length=1)]


class Manifest(BaseModel):
    model_config = STRICT

    name: Slug
    title: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Words | None = None
    conventions: list[Words] = []
    files: Annotated[list[FileName], Field(min_length=1)]


SOURCES = TypeAdapter(dict[Slug, SourceDoc])


class ScenarioFileError(ValueError):
    """A scenario's files do not read or do not hold together; names each file and place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or 'file'}: {err['msg']}"
        for err in exc.errors(include_url=False, include_input=False)
    )


def _parse(adapter: TypeAdapter[Any], path: Path, problems: list[str]) -> Any:
    try:
        parsed = adapter.validate_json(path.read_bytes())
    except OSError as exc:
        problems.append(f"{path}: {exc.strerror or exc}")
        return None
    except ValidationError as exc:
        problems.append(f"{path}: {_describe(exc)}")
        return None
    return parsed


def scenario_read(directory: Path) -> Scenario:
    """The scenario in ``directory``, checked; raises :class:`ScenarioFileError`."""
    problems: list[str] = []
    manifest: Manifest | None = _parse(TypeAdapter(Manifest), directory / "scenario.json", problems)
    sources: dict[str, SourceDoc] | None = _parse(SOURCES, directory / "sources.json", problems)
    if manifest is None or sources is None:
        raise ScenarioFileError(problems)
    if manifest.name != directory.name:
        problems.append(
            f"{directory / 'scenario.json'}: name {manifest.name!r} is not the folder's"
        )
    docs: list[tuple[Path, StreamDoc]] = []
    for name in manifest.files:
        path = directory / name
        found: StreamFile | None = _parse(TypeAdapter(StreamFile), path, problems)
        if found is not None:
            docs.extend((path, stream) for stream in found.streams)
    listed = {directory / name for name in manifest.files}
    for path in sorted(directory.glob("*.json")):
        if path.name not in {"scenario.json", "sources.json"} and path not in listed:
            problems.append(f"{path}: not listed in scenario.json's files")
    if problems:
        raise ScenarioFileError(problems)
    docs.sort(key=lambda doc: KINDS.index(doc[1].id.split("-", 1)[0]))  # stable
    streams = tuple(_streams(docs, sources, problems))
    cited = {step.source for _path, doc in docs for step in doc.steps}
    unused = sorted(set(sources) - cited)
    if unused:
        problems.append(f"{directory / 'sources.json'}: never cited: {', '.join(unused)}")
    if problems:
        raise ScenarioFileError(problems)
    return Scenario(name=manifest.name, title=manifest.title, streams=streams)


def _streams(
    docs: list[tuple[Path, StreamDoc]], sources: dict[str, SourceDoc], problems: list[str]
) -> Iterable[Stream]:
    seen: set[str] = set()
    labels: set[str] = set()
    for path, doc in docs:
        where = f"{path}: {doc.id}"
        if doc.id in seen:
            problems.append(f"{where}: the stream is defined twice")
        kind = doc.id.split("-", 1)[0]
        if doc.steps[0].type != OPENING[kind]:
            problems.append(f"{where}: its first step must be {OPENING[kind]}")
        types: dict[str, str] = {}  # this stream's labels -> their event type
        revised: set[str] = set()  # this stream's labels of revised facts
        steps: list[Step] = []
        for number, step in enumerate(doc.steps, start=1):
            at = f"{where} step {number} ({step.type})"
            if step.source not in sources:
                problems.append(f"{at}: unknown source {step.source!r}")
                continue
            if step.label is not None:
                if step.label in labels:
                    problems.append(f"{at}: label {step.label!r} is used twice")
                labels.add(step.label)
            built = _step(step, sources[step.source].metadata(), types, revised, at, problems)
            if built is None:
                continue
            if isinstance(built, Fact):
                problems.extend(f"{at}: {p}" for p in _references(built, seen))
                if step.label is not None:
                    types[step.label] = step.type
                    if step.revised is not None:
                        revised.add(step.label)
            steps.append(built)
        seen.add(doc.id)
        yield Stream(doc.id, tuple(steps))


def _step(
    step: StepDoc,
    source: dict[str, str],
    types: dict[str, str],
    revised: set[str],
    at: str,
    problems: list[str],
) -> Step | None:
    if step.type != "EventCorrected":
        try:
            event = registry.build(step.type, step.data)
        except EventStoreError as exc:
            problems.append(f"{at}: {exc}")
            return None
        return Fact(event=event, source=source, label=step.label, revised=step.revised)
    assert step.corrects is not None and step.occurred_at is not None and step.reason
    target = types.get(step.corrects)
    if target is None:
        problems.append(f"{at}: corrects {step.corrects!r}, not a label of an earlier fact here")
        return None
    if step.corrects in revised:
        # Its revision would be recorded as a correction too: which one holds would depend
        # on the order the database recorded them in.
        problems.append(f"{at}: corrects {step.corrects!r}, a revised fact: revise one only")
        return None
    try:
        corrected = registry.build(target, step.data)
    except EventStoreError as exc:
        problems.append(f"{at}: the corrected {target}: {exc}")
        return None
    return Correction(
        corrects=step.corrects, corrected=corrected, reason=step.reason,
        occurred_at=step.occurred_at, source=source, label=step.label,
    )  # fmt: skip


def _references(fact: Fact, seen: set[str]) -> list[str]:
    """The streams a fact names must be recorded before it."""
    event = fact.event
    named = [getattr(event, name, None) for name in ("investor_id", "target_id", "group_parent_id")]
    named += list(getattr(event, "investment_ids", ()))
    return [f"{ref!r} is not a stream recorded before it" for ref in named
            if ref is not None and ref not in seen]  # fmt: skip
