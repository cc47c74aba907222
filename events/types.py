"""Event types: the base class, the registry that validates payloads, and upcasters.

Pure Python (pydantic for validation, no Django): domain packages define their events here
as frozen dataclasses that subclass :class:`Event` and register them::

    @registry.register
    @dataclass(frozen=True, kw_only=True)
    class PartyRegistered(Event):
        name: str

A payload change bumps ``schema_version`` and registers an upcaster from the old version;
stored rows are never rewritten::

    @registry.register(schema_version=2)
    @dataclass(frozen=True, kw_only=True)
    class PartyRegistered(Event):
        name: str
        country: str | None

    @registry.upcaster("PartyRegistered", from_version=1)
    def _(data): return {**data, "country": None}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, TypeAdapter, ValidationError, model_validator
from pydantic import Field as PydanticField

from events.errors import InvalidPayloadError, UnknownEventTypeError

TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,99}")  # fullmatch

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
E = TypeVar("E", bound="Event")


# A valid time with a UTC equivalent in Python's range (years 1 to 9999): events are hashed and
# stored in UTC, and 9999-12-31T23:59:59-14:00 has none.
UtcDatetime = Annotated[
    AwareDatetime,
    PydanticField(ge=datetime.min.replace(tzinfo=UTC), le=datetime.max.replace(tzinfo=UTC)),
]


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event: a frozen dataclass whose fields are the payload.

    ``occurred_at`` is the valid time (when it happened in the world, timezone-aware, with a
    UTC equivalent between years 1 and 9999); it is stored in the payload and, for queries, in
    a column of its own. Unknown fields are refused.
    """

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    occurred_at: UtcDatetime


@dataclass(frozen=True, kw_only=True)
class EventRetracted(Event):
    """The target event should never have been recorded. It stays in the log, ignored by folds."""

    target_event_id: UUID
    reason: Annotated[str, PydanticField(min_length=1, max_length=2000)]


@dataclass(frozen=True, kw_only=True)
class EventCorrected(Event):
    """The target event is replaced, for every fold, by ``data``: the full corrected payload of
    the target's type (including its ``occurred_at``). The original stays in the log."""

    target_event_id: UUID
    reason: Annotated[str, PydanticField(min_length=1, max_length=2000)]
    data: dict[str, Any]


CORRECTION_TYPES = ("EventRetracted", "EventCorrected")

SUBJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
SubjectId = Annotated[str, PydanticField(pattern=SUBJECT_PATTERN)]


@dataclass(frozen=True, kw_only=True)
class PersonalData:
    """A personal value about one data subject: in clear (``value``) only until it is
    appended; stored as ``nonce`` and ``ciphertext`` (base64), readable while the subject's
    key exists. Its JSON Schema carries ``"x-personal-data": true``."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(
        extra="forbid", json_schema_extra={"x-personal-data": True}
    )

    subject: SubjectId
    value: Annotated[str, PydanticField(min_length=1, max_length=2000)] | None = None
    nonce: Annotated[str, PydanticField(max_length=40)] | None = None
    ciphertext: Annotated[str, PydanticField(max_length=4000)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PersonalData:
        clear = self.value is not None and self.nonce is None and self.ciphertext is None
        sealed = self.value is None and self.nonce is not None and self.ciphertext is not None
        if not (clear or sealed):
            raise ValueError("give either a value, or a nonce and a ciphertext")
        return self


@dataclass(frozen=True, kw_only=True)
class PersonalDataErased(Event):
    """A data subject's key was deleted: their personal data in the log can no longer be
    read. The acting user is in the event's metadata (``actor``)."""

    subject: SubjectId
    reason: Annotated[str, PydanticField(min_length=1, max_length=2000)]


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where a fact comes from; kept in an event's metadata under ``source``."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    url: Annotated[str, PydanticField(max_length=2000, pattern=r"^https?://\S+$")]
    publisher: Annotated[str, PydanticField(min_length=1, max_length=200)]
    title: Annotated[str, PydanticField(max_length=500)] = ""
    published_on: date | None = None
    reliability: Literal["official", "reliable_press", "unverified"] = "unverified"


SOURCE_ADAPTER: TypeAdapter[Source] = TypeAdapter(Source)


@dataclass(frozen=True)
class EventType:
    """A registered type: its name, current class and schema version, and upcasters."""

    name: str
    cls: type[Event]
    schema_version: int
    adapter: TypeAdapter[Any]
    upcasters: dict[int, Upcaster] = field(default_factory=dict)
    floats: bool = True  # whether a float can be anywhere in a payload (a float or Any field)


def describe_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors as ``[{"field": "a.b", "reason": "..."}]`` without echoing input."""
    return [
        {"field": ".".join(str(part) for part in err["loc"]) or "data", "reason": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _holds_floats(schema: Any) -> bool:
    """Whether a pydantic core schema has a float or an untyped (Any) value anywhere."""
    stack = [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") in {"float", "any"}:
                return True
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def _moment_not_a_string(built: Any, given: Any, where: str = "") -> str | None:
    """The path of the first date or time in ``built`` that ``given`` (the payload it was
    validated from) held as something other than a string, if any. Follows the event's own
    dataclasses and lists, so its depth is the type's, whatever the payload."""
    if isinstance(built, date):  # a datetime too
        return None if isinstance(given, str | date) else where or "data"
    pairs: Iterable[tuple[str, Any, Any]] = ()
    if is_dataclass(built) and not isinstance(built, type) and isinstance(given, Mapping):
        pairs = (
            (f.name, getattr(built, f.name), given[f.name])
            for f in fields(built)
            if f.name in given
        )
    elif isinstance(built, list | tuple) and isinstance(given, list | tuple):
        pairs = ((str(i), b, g) for i, (b, g) in enumerate(zip(built, given, strict=False)))
    for name, value, raw in pairs:
        bad = _moment_not_a_string(value, raw, f"{where}.{name}" if where else name)
        if bad is not None:
            return bad
    return None


def _non_finite_float(event: Event) -> str | None:
    """The path of a NaN or infinite float anywhere in an event, if any (iteratively, each
    container once: a hostile or cyclic value must not recurse or loop). Pydantic would write
    it as null, silently."""
    stack: list[tuple[Any, str]] = [(event, "")]
    seen: set[int] = set()
    while stack:
        item, where = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return where or "data"
            continue
        if isinstance(item, str | int) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list | tuple):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
            continue
        children = item if isinstance(item, dict) else getattr(item, "__dict__", None)
        if children is None and is_dataclass(item) and not isinstance(item, type):  # slots
            children = {f.name: getattr(item, f.name) for f in fields(item)}
        if isinstance(children, dict):  # a dict, or a dataclass's fields
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in children.items())
    return None


class EventRegistry:
    """Maps type names to event classes; validates, encodes and decodes payloads."""

    def __init__(self) -> None:
        self._by_name: dict[str, EventType] = {}
        self._by_class: dict[type[Event], EventType] = {}

    def register(
        self, cls: type[E] | None = None, *, name: str | None = None, schema_version: int = 1
    ) -> Any:
        def decorate(cls: type[E]) -> type[E]:
            type_name = name or cls.__name__
            if not TYPE_NAME.fullmatch(type_name):
                raise ValueError(f"Event type name {type_name!r} must be CamelCase ASCII.")
            if not issubclass(cls, Event):
                raise TypeError(f"{cls!r} must subclass events.types.Event.")
            if type_name in self._by_name:
                raise ValueError(f"Event type {type_name!r} is already registered.")
            adapter = TypeAdapter(cls)
            event_type = EventType(
                type_name, cls, schema_version, adapter, floats=_holds_floats(adapter.core_schema)
            )
            self._by_name[type_name] = event_type
            self._by_class[cls] = event_type
            return cls

        return decorate(cls) if cls is not None else decorate

    def upcaster(self, type_name: str, *, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register ``fn(data) -> data`` that turns a ``from_version`` payload into the next."""

        def decorate(fn: Upcaster) -> Upcaster:
            self.get(type_name).upcasters[from_version] = fn
            return fn

        return decorate

    def get(self, type_name: str) -> EventType:
        try:
            return self._by_name[type_name]
        except KeyError:
            raise UnknownEventTypeError(
                f"Unknown event type {type_name!r}.", field="type", type=str(type_name)[:100]
            ) from None

    def type_of(self, event: Event) -> EventType:
        return self.type_of_class(type(event))

    def type_of_class(self, cls: type[Event]) -> EventType:
        try:
            return self._by_class[cls]
        except KeyError:
            raise UnknownEventTypeError(
                f"Event class {cls.__name__} is not registered.", field="type"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def build(self, type_name: str, payload: Mapping[str, Any], *, stored: bool = False) -> Event:
        """Validate an untrusted payload (with ``occurred_at``) into an event. A date or a
        time must be given as a string (pydantic's lax mode reads a number as a Unix time: 0
        would be 1970); a ``stored`` payload, read back from the log, is not held to that, so
        whatever was accepted once stays readable."""
        event_type = self.get(type_name)
        if not isinstance(payload, Mapping):
            raise InvalidPayloadError(
                "The payload must be a JSON object.",
                errors=[{"field": "data", "reason": "must be an object"}],
            )
        try:
            event: Event = event_type.adapter.validate_python(dict(payload))
        except ValidationError as exc:
            errors = describe_errors(exc)
            first = errors[0]
            raise InvalidPayloadError(
                f"Invalid {type_name}: {first['field']}: {first['reason']}",
                errors=errors,
                field=first["field"],
            ) from None
        bad = None if stored else _moment_not_a_string(event, payload)
        if bad is not None:
            reason = "a date or time must be a string, such as 2024-03-01T00:00:00Z"
            raise InvalidPayloadError(
                f"Invalid {type_name}: {bad}: {reason}",
                errors=[{"field": bad, "reason": reason}],
                field=bad,
            )
        return event

    def encode(self, event: Event) -> tuple[EventType, dict[str, Any]]:
        """Check an event against its schema; return its type and JSON payload. A dataclass
        built in code is not validated by its constructor, so it is round-tripped through the
        schema here."""
        event_type = self.type_of(event)
        bad = _non_finite_float(event) if event_type.floats else None
        if bad is not None:  # pydantic would write it as null: a silent change
            raise InvalidPayloadError(
                f"Invalid {event_type.name}: {bad}: NaN and infinities are not JSON numbers",
                errors=[{"field": bad, "reason": "NaN and infinities are not JSON numbers"}],
                field=bad,
            )
        try:
            data = event_type.adapter.dump_python(event, mode="json", warnings=False)
        except (ValueError, RecursionError) as exc:  # e.g. "Maximum serialization depth"
            raise InvalidPayloadError(
                f"{event_type.name} cannot be serialized: {exc}",
                errors=[{"field": "data", "reason": str(exc)}],
            ) from None
        self.build(event_type.name, data)
        return event_type, data

    def decode(self, type_name: str, schema_version: int, data: dict[str, Any]) -> Event:
        """Rebuild a stored event from its payload, upcasting old payloads to the current
        schema. Upcasters receive and return the whole payload, ``occurred_at`` included."""
        event_type = self.get(type_name)
        version = schema_version
        while version < event_type.schema_version:
            upcast = event_type.upcasters.get(version)
            if upcast is None:
                raise UnknownEventTypeError(
                    f"No upcaster for {type_name} from schema version {version}.",
                    field="schema_version",
                )
            data = upcast(dict(data))
            version += 1
        event: Event = event_type.adapter.validate_python(data)
        return event

    def decode_json(self, type_name: str, schema_version: int, payload: str) -> Event:
        """Like :meth:`decode`, from the payload's JSON text: validated straight from the text
        when the row is at the current schema version."""
        event_type = self.get(type_name)
        if schema_version == event_type.schema_version:
            # The adapter's validator itself: ``TypeAdapter.validate_json`` only forwards its
            # options, and the forwarding was a fifth of the decoding of a rebuild.
            event: Event = event_type.adapter.validator.validate_json(payload)
            return event
        return self.decode(type_name, schema_version, json.loads(payload))


registry = EventRegistry()
registry.register(EventRetracted)
registry.register(EventCorrected)
registry.register(PersonalDataErased)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as the store holds it: the typed event plus its envelope.

    ``position`` is the global, gap-free order (None until the ledger has sealed it).
    ``corrected_by`` is set when a fold replaced this event by an ``EventCorrected``.
    """

    position: int | None
    event_id: UUID
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    event: Event
    metadata: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    hash: str
    corrected_by: UUID | None = None
