"""The store's public API: ``append``, ``read_stream``, ``read_all``, ``current_version``.

Every event read and write goes through here. Appends never wait for each other across
streams: optimistic concurrency is a guarded INSERT plus the unique ``(stream_id, version)``
index. The global, gap-free order is given by the ledger (:mod:`events.ledger`), which seals
committed events into positions 1, 2, 3, ... in the writers' commit order.

Limits (bad input raises a typed error from :mod:`events.errors` and writes nothing):
``stream_id`` is ``<type>-<id>`` (type: lowercase letters, digits, ``_``; id: letters,
digits, ``._:-``), at most 200 characters; at most 1,000 events per append; a payload at most
64 KiB and metadata at most 16 KiB of canonical JSON; no NUL characters and no lone surrogates
(``\\ud800``-``\\udfff``, not Unicode text) in strings; an idempotency key of 1 to 200
printable characters; objects and lists nested at most 32 deep; stream versions at most
``MAX_VERSION`` (2**31 - 1, the version column's range).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from events import hashing, ledger, personal
from events.backends import Backend, Row, get_backend
from events.context import REQUEST_ID
from events.errors import (
    EventStoreError,
    IdempotencyKeyReusedError,
    InvalidCorrectionError,
    InvalidExpectedVersionError,
    InvalidMetadataError,
    InvalidPayloadError,
    InvalidStreamIdError,
    PayloadTooLargeError,
    WrongExpectedVersionError,
)
from events.signals import events_committed
from events.types import (
    CORRECTION_TYPES,
    SOURCE_ADAPTER,
    Event,
    EventCorrected,
    EventRegistry,
    EventType,
    RecordedEvent,
    describe_errors,
    registry,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ANY",
    "NO_STREAM",
    "AppendResult",
    "WrongExpectedVersionError",
    "append",
    "apply_corrections",
    "current_version",
    "read_all",
    "read_stream",
    "read_streams",
    "replay",
]

NO_STREAM: Final = 0
ANY: Final = "any"
ExpectedVersion = int | Literal["any"]

MAX_STREAM_ID = 200
MAX_EVENTS_PER_APPEND = 1000
MAX_DATA_BYTES = 64 * 1024
MAX_METADATA_BYTES = 16 * 1024
MAX_IDEMPOTENCY_KEY = 200
MAX_READ_LIMIT = 10_000
MAX_DEPTH = 32  # of nested objects and lists in a payload or metadata
MAX_VERSION = 2**31 - 1  # a stream's last possible version: the version column is a 32-bit integer
ANY_ATTEMPTS = 20  # an append at ANY retries lost races this many times, backing off
# Matched with fullmatch: "$" would also match before a trailing newline.
STREAM_ID = re.compile(r"([a-z][a-z0-9_]{0,49})-[A-Za-z0-9][A-Za-z0-9._:-]*")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
# Characters no stored string may hold: NUL (PostgreSQL text cannot) and lone surrogates
# (not Unicode text: JSON decoders refuse them, so the event could never be read back).
BAD_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append wrote: the stream's new version and the ids of the events."""

    stream_id: str
    first_version: int
    version: int
    event_ids: tuple[uuid.UUID, ...]
    replayed: bool = False  # True when an idempotent retry returned the original result


class _Conflict(Exception):
    """The stream moved on between deciding and inserting; rolls the append back."""


# ---------------------------------------------------------------- validation


def stream_type_of(stream_id: object) -> str:
    """Check a stream id and return its type (the part before the first ``-``)."""
    if not isinstance(stream_id, str) or not stream_id:
        raise InvalidStreamIdError("The stream id must be a non-empty string.", field="stream_id")
    if len(stream_id) > MAX_STREAM_ID:
        raise InvalidStreamIdError(
            f"The stream id is longer than {MAX_STREAM_ID} characters.", field="stream_id"
        )
    match = STREAM_ID.fullmatch(stream_id)
    if match is None:
        raise InvalidStreamIdError(
            "The stream id must look like '<type>-<id>': a lowercase type, a dash, then "
            "letters, digits or '._:-'.",
            field="stream_id",
        )
    return match.group(1)


def _check_expected_version(expected_version: object) -> ExpectedVersion:
    if expected_version == ANY and isinstance(expected_version, str):
        return ANY
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidExpectedVersionError(
            "The expected version must be a non-negative integer or 'any'.",
            field="expected_version",
        )
    if not 0 <= expected_version < MAX_VERSION:
        raise InvalidExpectedVersionError(
            f"The expected version must be from 0 to {MAX_VERSION - 1}.",
            field="expected_version",
        )
    return expected_version


def _find_bad_character(value: Any, path: str) -> str | None:
    """The path of a string (key or value) holding a NUL or a lone surrogate, if any. A bad
    key is named by its object's path: the key itself is not echoed back."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str) and BAD_CHARACTERS.search(item):
            return where
        if isinstance(item, dict):
            if any(isinstance(key, str) and BAD_CHARACTERS.search(key) for key in item):
                return where
            stack.extend((child, f"{where}.{key}" if where else str(key)) for key, child in
                         item.items())  # fmt: skip
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{i}" if where else str(i)) for i, child in
                         enumerate(item))  # fmt: skip
    return None


def _too_deep(value: Any) -> bool:
    """Nested deeper than MAX_DEPTH (iteratively: a hostile payload must not recurse)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (
                item.values() if isinstance(item, dict) else item))  # fmt: skip
    return False


def _to_json(value: Any, *, field: str, limit: int) -> str:
    """Canonical JSON of a payload (``field="data"``) or of metadata. A refusal names the path
    at fault: in a payload relative to it (as its schema's errors are), in metadata from
    ``metadata``."""
    problem: tuple[str, str] | None = None
    text = ""
    if _too_deep(value):
        problem = field, f"nested more than {MAX_DEPTH} levels deep"
    else:
        try:
            text = hashing.canonical_json(value)
        except (TypeError, ValueError, RecursionError) as exc:
            problem = field, f"not valid JSON: {exc}"
        # ASCII-only JSON writes NUL as \u0000 and surrogates as \udXXX (valid pairs too, for
        # characters beyond U+FFFF): only then is the (slower) exact search needed.
        if "\\u0000" in text or "\\ud" in text:
            bad = _find_bad_character(value, "" if field == "data" else field)
            if bad is not None:
                problem = bad or field, "holds a NUL character or a lone surrogate (not text)"
    if problem is not None:
        path, reason = problem
        error = InvalidPayloadError if field == "data" else InvalidMetadataError
        raise error(f"{path}: {reason}.", errors=[{"field": path, "reason": reason}], field=path)
    if len(text) > limit:
        raise PayloadTooLargeError(
            f"{field} is {len(text)} bytes of JSON; the limit is {limit}.",
            field=field,
            limit=limit,
            size=len(text),
        )
    return text


def _check_metadata(metadata: object, idempotency_key: str | None) -> dict[str, Any]:
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping) or not all(isinstance(k, str) for k in metadata):
        raise InvalidMetadataError("Metadata must be an object with string keys.", field="metadata")
    result = dict(metadata)
    if "source" in result and result["source"] is not None:
        try:
            source = SOURCE_ADAPTER.validate_python(result["source"])
        except ValidationError as exc:
            errors = describe_errors(exc)
            raise InvalidMetadataError(
                f"Invalid source: {errors[0]['field']}: {errors[0]['reason']}",
                field=f"metadata.source.{errors[0]['field']}",
                errors=errors,
            ) from None
        result["source"] = SOURCE_ADAPTER.dump_python(source, mode="json")
    if idempotency_key is not None:
        result["idempotency_key"] = idempotency_key
    request_id = REQUEST_ID.get()
    if request_id is not None and "request_id" not in result:
        result["request_id"] = request_id
    return result


def _check_idempotency_key(key: object) -> str | None:
    if key is None:
        return None
    if not isinstance(key, str) or not IDEMPOTENCY_KEY.fullmatch(key):
        raise EventStoreError(
            f"The idempotency key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters.",
            field="idempotency_key",
        )
    return key


# ---------------------------------------------------------------- append


def append(
    stream_id: str,
    events: Sequence[Event],
    *,
    expected_version: ExpectedVersion,
    idempotency_key: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    types: EventRegistry = registry,
) -> AppendResult:
    """Append ``events`` to ``stream_id`` atomically, if the stream is at ``expected_version``.

    ``expected_version`` is the stream's current version (``NO_STREAM`` = 0 for a new
    stream) or ``ANY``. ``metadata`` (actor, source, correlation and causation ids, ...)
    applies to every event of the batch. With an ``idempotency_key`` seen before, the
    original result is returned and nothing is written; the same key for a different append
    raises :class:`IdempotencyKeyReusedError`. Raises :class:`WrongExpectedVersionError`
    on a conflict, and other :class:`EventStoreError` subclasses on bad input.
    """
    stream_type = stream_type_of(stream_id)
    expected = _check_expected_version(expected_version)
    key = _check_idempotency_key(idempotency_key)
    metadata_json, encoded = _prepare(events, metadata, key, types)
    fingerprint = _fingerprint(stream_id, metadata_json, encoded) if key is not None else ""

    backend = get_backend()
    if (
        backend.autocommit_appends
        and key is None
        and expected != ANY
        and connection.get_autocommit()
        and not any(t.name in CORRECTION_TYPES for _e, t, _d in encoded)
    ):
        assert isinstance(expected, int)
        return _append_in_one_statement(
            backend, stream_id, stream_type, expected, encoded, metadata_json
        )

    for attempt in range(ANY_ATTEMPTS if expected == ANY else 1):
        if attempt:  # lost a race at ANY: let the winners commit (jittered, up to ~50 ms)
            time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        try:
            with transaction.atomic():
                if key is not None:
                    replay = _replay(key, fingerprint)
                    if replay is not None:
                        return replay
                current = current_version(stream_id) if expected == ANY else expected
                assert isinstance(current, int)
                recorded_at = timezone.now()
                rows = _rows(stream_id, stream_type, current, encoded)
                for event, event_type, _data in encoded:
                    if event_type.name in CORRECTION_TYPES:
                        _check_correction(stream_id, event, types)
                if not backend.insert(
                    stream_id=stream_id,
                    stream_type=stream_type,
                    current=current,
                    rows=rows,
                    metadata_json=metadata_json,
                    recorded_at=recorded_at,
                ):
                    raise _Conflict
                if key is not None:
                    _remember(key, stream_id, fingerprint, rows, recorded_at)
                if connection.vendor == "sqlite":
                    ledger.seal()  # one writer at a time: commit order is insert order
                if settings.EVENTS_DISPATCH_ON_COMMIT:
                    transaction.on_commit(_dispatch)
        except (IntegrityError, psycopg.IntegrityError, _Conflict):
            # Another writer won the race for this version (or this idempotency key).
            if key is not None:
                replay = _replay(key, fingerprint)
                if replay is not None:
                    return replay
            if expected == ANY:
                continue
            raise WrongExpectedVersionError(
                stream_id, expected=expected, current=current_version(stream_id)
            ) from None
        return AppendResult(
            stream_id=stream_id,
            first_version=rows[0].version,
            version=rows[-1].version,
            event_ids=tuple(row.event_id for row in rows),
        )
    raise WrongExpectedVersionError(stream_id, expected=ANY, current=current_version(stream_id))


def _prepare(
    events: Sequence[Event],
    metadata: Mapping[str, Any] | None,
    key: str | None,
    types: EventRegistry,
) -> tuple[str, list[tuple[Event, EventType, str]]]:
    """Validate a batch and its metadata; return the metadata's and each event's JSON."""
    if isinstance(events, str | bytes | Event) or not isinstance(events, Sequence) or not events:
        raise EventStoreError("Give a non-empty list of events.", field="events")
    if len(events) > MAX_EVENTS_PER_APPEND:
        raise EventStoreError(f"At most {MAX_EVENTS_PER_APPEND} events per append.", field="events")
    metadata_json = _to_json(
        _check_metadata(metadata, key), field="metadata", limit=MAX_METADATA_BYTES
    )
    encoded: list[tuple[Event, EventType, str]] = []
    for index, event in enumerate(events):
        if not isinstance(event, Event):
            raise EventStoreError(f"events.{index} is not an Event.", field=f"events.{index}")
        event_type, data = types.encode(event)
        data = personal.seal_json(data)  # personal data is only ever stored encrypted
        encoded.append((event, event_type, _to_json(data, field="data", limit=MAX_DATA_BYTES)))
    return metadata_json, encoded


def _fingerprint(
    stream_id: str, metadata_json: str, encoded: list[tuple[Event, EventType, str]]
) -> str:
    """What an idempotency key stands for: the stream, the metadata and the events. Not the
    expected version (a retry after the first attempt succeeded finds the stream moved on),
    nor the request id (a retry is another request)."""
    if '"request_id"' in metadata_json:  # a retry comes in another request: not part of it
        kept = json.loads(metadata_json)
        kept.pop("request_id", None)
        metadata_json = hashing.canonical_json(kept)
    lines = [stream_id, metadata_json] + [f"{t.name}|{d}" for _e, t, d in encoded]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def replay(
    stream_id: str,
    events: Sequence[Event],
    *,
    idempotency_key: str,
    metadata: Mapping[str, Any] | None = None,
    types: EventRegistry = registry,
) -> AppendResult | None:
    """The result of an earlier append made with ``idempotency_key``, if there was one (a
    service can answer a retry before deciding again). Raises
    :class:`IdempotencyKeyReusedError` if the key was used for a different append."""
    stream_type_of(stream_id)
    key = _check_idempotency_key(idempotency_key)
    assert key is not None
    metadata_json, encoded = _prepare(events, metadata, key, types)
    return _replay(key, _fingerprint(stream_id, metadata_json, encoded))


def _append_in_one_statement(
    backend: Backend,
    stream_id: str,
    stream_type: str,
    expected: int,
    encoded: list[tuple[Event, EventType, str]],
    metadata_json: str,
) -> AppendResult:
    """Outside a transaction, the guarded INSERT is atomic on its own: one round trip."""
    recorded_at = timezone.now()
    rows = _rows(stream_id, stream_type, expected, encoded)
    try:
        inserted = backend.insert(
            stream_id=stream_id,
            stream_type=stream_type,
            current=expected,
            rows=rows,
            metadata_json=metadata_json,
            recorded_at=recorded_at,
        )
    except (IntegrityError, psycopg.IntegrityError):
        inserted = False
    if not inserted:
        raise WrongExpectedVersionError(
            stream_id, expected=expected, current=current_version(stream_id)
        )
    if settings.EVENTS_DISPATCH_ON_COMMIT:
        _dispatch()
    return AppendResult(
        stream_id=stream_id,
        first_version=rows[0].version,
        version=rows[-1].version,
        event_ids=tuple(row.event_id for row in rows),
    )


def _rows(
    stream_id: str,
    stream_type: str,
    current: int,
    encoded: list[tuple[Event, EventType, str]],
) -> list[Row]:
    """The rows of a batch appended at version ``current``, each with the start of its hash."""
    if current + len(encoded) > MAX_VERSION:
        raise InvalidExpectedVersionError(
            f"A stream holds at most {MAX_VERSION} events; this batch would end at version "
            f"{current + len(encoded)}.",
            field="expected_version",
        )
    rows = []
    for offset, (event, event_type, data_json) in enumerate(encoded):
        version = current + 1 + offset
        event_id = uuid.uuid4()
        head = hashing.event_head(
            event_id=str(event_id),
            stream_id=stream_id,
            stream_type=stream_type,
            version=version,
            type=event_type.name,
            schema_version=event_type.schema_version,
            occurred_at=event.occurred_at,
        )
        rows.append(
            Row(
                event_id=event_id,
                version=version,
                type=event_type.name,
                schema_version=event_type.schema_version,
                data_json=data_json,
                occurred_at=event.occurred_at,
                head=head,
            )
        )
    return rows


def _check_correction(stream_id: str, event: Event, types: EventRegistry) -> None:
    """A retraction or correction must target a stored, uncorrected-type, unretracted event
    of the same stream; a correction's payload must fit the target's type."""
    target_id = event.target_event_id  # type: ignore[attr-defined]
    history = {e.event_id: e for e in read_stream(stream_id, effective=False, types=types)}
    target = history.get(target_id)
    if target is None:
        raise InvalidCorrectionError(
            f"Event {target_id} is not an event of stream {stream_id!r}.",
            field="target_event_id",
        )
    if target.type in CORRECTION_TYPES:
        raise InvalidCorrectionError(
            "A retraction or correction cannot itself be corrected; correct the original.",
            field="target_event_id",
        )
    for other in history.values():
        if (
            other.type == "EventRetracted" and other.event.target_event_id == target_id  # type: ignore[attr-defined]
        ):
            raise InvalidCorrectionError(
                f"Event {target_id} was already retracted.", field="target_event_id"
            )
    if isinstance(event, EventCorrected):
        types.build(target.type, event.data)  # the corrected payload must fit the target type


def _dispatch() -> None:
    """After commit: announce it to the receivers of :data:`events.signals.events_committed`
    (the store's contract is in that module). A receiver that fails is logged, never
    raised: the append has committed."""
    for receiver, result in events_committed.send_robust(sender=None):
        if isinstance(result, Exception):
            logger.warning("events_committed receiver %r failed", receiver, exc_info=result)


# ---------------------------------------------------------------- idempotency


def _replay(key: str, fingerprint: str) -> AppendResult | None:
    from events.models import IdempotencyRecord

    record = IdempotencyRecord.objects.filter(key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReusedError(
            "This idempotency key was used for a different append.", field="idempotency_key"
        )
    return AppendResult(
        stream_id=record.stream_id,
        first_version=record.first_version,
        version=record.last_version,
        event_ids=tuple(uuid.UUID(e) for e in record.event_ids),
        replayed=True,
    )


def _remember(
    key: str, stream_id: str, fingerprint: str, rows: list[Row], recorded_at: datetime
) -> None:
    from events.models import IdempotencyRecord

    IdempotencyRecord.objects.create(
        key=key,
        stream_id=stream_id,
        fingerprint=fingerprint,
        first_version=rows[0].version,
        last_version=rows[-1].version,
        event_ids=[str(row.event_id) for row in rows],
        recorded_at=recorded_at,
    )


# ---------------------------------------------------------------- reads


def current_version(stream_id: str) -> int:
    """The stream's version: the number of events in it (0 if it has none)."""
    stream_type_of(stream_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s", [stream_id]
        )
        return int(cursor.fetchone()[0])


def _check_time(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise EventStoreError(f"{field} must be a timezone-aware datetime.", field=field)
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise EventStoreError(f"{field} has no UTC equivalent.", field=field) from None
    return value


def read_stream(
    stream_id: str,
    *,
    as_of: datetime | None = None,
    known_at: datetime | None = None,
    effective: bool = True,
    after: int = 0,
    types: EventRegistry = registry,
) -> list[RecordedEvent]:
    """The events of one stream, in version order.

    ``known_at`` (transaction time) keeps only what had been recorded by then, corrections
    included. With ``effective`` (the default), retracted events are dropped, corrected ones
    are replaced by their correction (``corrected_by`` set), the correction events
    themselves are left out, and ``as_of`` (valid time) keeps events that had occurred by
    then. With ``effective=False`` every recorded event is returned as it is.

    ``after`` (a version) reads only the events at versions greater than it, in one indexed
    query whatever the stream's length: what a reader that holds the first ``after`` events
    has not seen yet. Such a tail is read as recorded (``effective=False`` is required: a
    correction in it may aim at an event before it, so only the reader can fold it in).
    """
    stream_type_of(stream_id)
    as_of = _check_time(as_of, "as_of")
    known_at = _check_time(known_at, "known_at")
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_VERSION:
        raise EventStoreError(f"after must be a version from 0 to {MAX_VERSION}.", field="after")
    if after and effective:
        raise EventStoreError(
            "A stream read after a version is read as recorded: pass effective=False and "
            "fold corrections into the history you hold (apply_corrections).",
            field="after",
        )
    events = get_backend().select_stream(stream_id, known_at=known_at, types=types, after=after)
    if not effective:
        return events
    return apply_corrections(events, as_of=as_of, types=types)


def read_streams(
    stream_ids: Sequence[str], *, types: EventRegistry = registry
) -> dict[str, list[RecordedEvent]]:
    """Every recorded event (corrections not applied) of several streams in one query, by
    stream id, in version order. Streams with no event map to an empty list."""
    ids = sorted(set(stream_ids))
    for stream_id in ids:
        stream_type_of(stream_id)
    found: dict[str, list[RecordedEvent]] = {stream_id: [] for stream_id in ids}
    if ids:
        for recorded in get_backend().select_streams(ids, types=types):
            found[recorded.stream_id].append(recorded)
    return found


def apply_corrections(
    events: list[RecordedEvent],
    *,
    as_of: datetime | None = None,
    types: EventRegistry = registry,
) -> list[RecordedEvent]:
    """Fold retractions and corrections into a stream's history (see ``read_stream``)."""
    latest: dict[uuid.UUID, RecordedEvent] = {}
    for recorded in events:
        if recorded.type in CORRECTION_TYPES:
            latest[recorded.event.target_event_id] = recorded  # type: ignore[attr-defined]
    result = []
    for recorded in events:
        if recorded.type in CORRECTION_TYPES:
            continue
        fix = latest.get(recorded.event_id)
        if fix is not None:
            if fix.type == "EventRetracted":
                continue
            corrected = types.build(recorded.type, fix.event.data, stored=True)  # type: ignore[attr-defined]
            recorded = dataclasses.replace(
                recorded,
                event=corrected,
                occurred_at=corrected.occurred_at,
                corrected_by=fix.event_id,
            )
        if as_of is not None and recorded.occurred_at > as_of:
            continue
        result.append(recorded)
    return result


def read_all(
    *, after: int = 0, limit: int = 1000, seal: bool = True, types: EventRegistry = registry
) -> list[RecordedEvent]:
    """Events at ledger positions greater than ``after``, in position order, at most
    ``limit``. Gap-free: no event can later appear at a position below one returned.
    With ``seal`` (the default) committed events are sealed into the ledger first, unless
    another sealer is at work already (it will have sealed them by the next read)."""
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise EventStoreError("after must be a non-negative integer.", field="after")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_READ_LIMIT:
        raise EventStoreError(f"limit must be from 1 to {MAX_READ_LIMIT}.", field="limit")
    if seal:
        ledger.seal(wait=False)
    return get_backend().select_all(after=after, limit=limit, types=types)
