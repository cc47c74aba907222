"""Property-based: random sequences of appends (right and stale versions, batches,
retractions) behave like a simple in-memory model of the contract."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import ledger, store
from events.errors import WrongExpectedVersionError
from events.types import EventRetracted
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
