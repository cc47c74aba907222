"""Property-based: random sequences of appends (right and stale versions, batches,
retractions) behave like a simple in-memory model of the contract, and any JSON either reads
back equal or is refused with a typed error."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from events import ledger, store
from events.errors import EventStoreError, WrongExpectedVersionError
from events.types import EventRetracted
from tests.events.event_types import BlobRecorded
from tests.events.helpers import T0, things

pytestmark = pytest.mark.django_db(transaction=True)

command = st.tuples(
    st.integers(0, 2),  # which stream
    st.integers(1, 4),  # batch size
    st.sampled_from(["right", "stale", "ahead", "any", "retract"]),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(command, min_size=1, max_size=12))
def test_random_appends_match_the_model(commands: list[tuple[int, int, str]]) -> None:
    prefix = uuid.uuid4().hex[:12]
    streams = [f"prop-{prefix}-{i}" for i in range(3)]
    model: dict[str, list[Any]] = {s: [] for s in streams}  # event ids, in version order
    retracted: set[uuid.UUID] = set()
    retractions: set[uuid.UUID] = set()
    start = ledger.head()[0]

    for index, size, how in commands:
        stream_id = streams[index]
        current = len(model[stream_id])
        if how == "retract":
            live = [e for e in model[stream_id] if e not in retracted | retractions]
            if not live:
                continue
            target = live[0]
            result = store.append(
                stream_id,
                [EventRetracted(occurred_at=T0, target_event_id=target, reason="r")],
                expected_version=current,
            )
            retracted.add(target)
            retractions.update(result.event_ids)
        elif how in {"stale", "ahead"} and (how == "ahead" or current > 0):
            wrong = current + 1 if how == "ahead" else current - 1
            with pytest.raises(WrongExpectedVersionError):
                store.append(stream_id, things(size), expected_version=wrong)
            continue
        else:
            expected: store.ExpectedVersion = store.ANY if how == "any" else current
            result = store.append(stream_id, things(size), expected_version=expected)
        assert result.first_version == current + 1
        model[stream_id] += list(result.event_ids)

    for stream_id, event_ids in model.items():
        raw = store.read_stream(stream_id, effective=False)
        assert [e.event_id for e in raw] == event_ids
        assert [e.version for e in raw] == list(range(1, len(event_ids) + 1))
        effective = [e.event_id for e in store.read_stream(stream_id)]
        kept = [e.event_id for e in raw if e.type != "EventRetracted"]
        assert effective == [e for e in kept if e not in retracted]

    logged = [e for e in store.read_all(after=start, limit=10_000) if e.stream_id in model]
    assert sorted(e.event_id for e in logged) == sorted(e for ids in model.values() for e in ids)
    for stream_id in streams:
        versions = [e.version for e in logged if e.stream_id == stream_id]
        assert versions == sorted(versions)  # each stream in version order in the log


# ---------------------------------------------------------------- hostile JSON

NASTY = ["\x00", "\ud800", "\udfff", "\udbff\udc00", "\U0001f600", "\u00e9", "\n", '"\\']
strings = st.text(max_size=8) | st.builds(
    lambda a, b, c: a + b + c, st.text(max_size=3), st.sampled_from(NASTY), st.text(max_size=3)
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**300), max_value=2**300)
    | st.floats()  # NaN and infinities included
    | strings
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(strings, inner, max_size=4),
    max_leaves=12,
)


def nest(value: Any, levels: int, in_list: bool) -> Any:
    for _ in range(levels):
        value = [value] if in_list else {"n": value}
    return value


hostile = st.builds(nest, json_values, st.integers(0, store.MAX_DEPTH + 8), st.booleans())


def storable(value: Any, depth: int = 1) -> bool:
    """What the store's contract says it keeps: JSON text (no NUL, no lone surrogate), finite
    numbers, nested at most MAX_DEPTH deep (``depth``: the value's own level)."""
    if isinstance(value, str):
        return store.BAD_CHARACTERS.search(value) is None
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict | list):
        if depth > store.MAX_DEPTH:
            return False
        keys = value.keys() if isinstance(value, dict) else []
        items = value.values() if isinstance(value, dict) else value
        return all(storable(k) for k in keys) and all(storable(v, depth + 1) for v in items)
    return True


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(blob=hostile, extra=hostile, where=st.sampled_from(["data", "metadata", "both"]))
def test_any_json_round_trips_or_is_refused_with_a_typed_error(
    blob: Any, extra: Any, where: str
) -> None:
    """Every append of arbitrary JSON (lone surrogates, NUL, huge integers, NaN and
    infinities, deep nesting) either reads back equal through read_stream and read_all, or is
    refused with a typed error: nothing is stored that cannot be read back."""
    stream_id = f"blob-{uuid.uuid4().hex}"
    data = blob if where in {"data", "both"} else "plain"
    metadata = {"extra": extra} if where in {"metadata", "both"} else {}
    ledger.seal()  # read_all below then meets only this test's event
    start = ledger.head()[0]
    # The payload is {"occurred_at": ..., "blob": data}, the metadata {"extra": extra}: both
    # one level above the value.
    expected_ok = storable(data, 2) and storable(metadata)
    try:
        result = store.append(
            stream_id,
            [BlobRecorded(occurred_at=T0, blob=data)],
            expected_version=0,
            metadata=metadata,
        )
    except EventStoreError as refused:
        event(f"refused: {refused.code}")
        assert not expected_ok, f"refused a storable value: {refused.as_dict()}"
        assert store.current_version(stream_id) == 0
        return
    event("stored")
    assert expected_ok, "stored a value the contract refuses"
    (recorded,) = store.read_stream(stream_id)
    assert isinstance(recorded.event, BlobRecorded)
    assert recorded.event.blob == data and recorded.metadata == metadata
    logged = store.read_all(after=start)
    assert [e.event_id for e in logged] == list(result.event_ids)
    assert isinstance(logged[0].event, BlobRecorded)
    assert logged[0].event.blob == data and logged[0].metadata == metadata
