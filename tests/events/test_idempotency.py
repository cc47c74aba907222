"""Idempotent appends: a retry with the same key returns the original result."""

from __future__ import annotations

import uuid

import pytest

from events import store
from events.errors import IdempotencyKeyReusedError
from tests.events.helpers import things

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_retry_with_the_same_key_returns_the_original_result_and_writes_nothing(
    stream: str,
) -> None:
    key = f"req-{uuid.uuid4()}"
    batch = things(2)
    first = store.append(stream, batch, expected_version=0, idempotency_key=key)
    again = store.append(stream, batch, expected_version=0, idempotency_key=key)

    assert again.event_ids == first.event_ids
    assert (again.first_version, again.version) == (1, 2)
    assert again.replayed and not first.replayed
    assert store.current_version(stream) == 2


def test_the_same_key_for_a_different_append_is_refused(stream: str) -> None:
    key = f"req-{uuid.uuid4()}"
    store.append(stream, things(1), expected_version=0, idempotency_key=key)

    with pytest.raises(IdempotencyKeyReusedError) as caught:
        store.append(stream, things(1, name="other"), expected_version=1, idempotency_key=key)

    assert caught.value.field == "idempotency_key"
    assert store.current_version(stream) == 1


def test_the_key_is_kept_in_the_metadata(stream: str) -> None:
    key = f"req-{uuid.uuid4()}"
    store.append(stream, things(1), expected_version=0, idempotency_key=key)

    assert store.read_stream(stream)[0].metadata["idempotency_key"] == key


def test_a_failed_append_does_not_burn_its_key(stream: str) -> None:
    key = f"req-{uuid.uuid4()}"
    store.append(stream, things(1), expected_version=0)
    with pytest.raises(store.WrongExpectedVersionError):
        store.append(stream, things(1, start=1), expected_version=0, idempotency_key=key)

    result = store.append(stream, things(1, start=1), expected_version=1, idempotency_key=key)
    assert result.version == 2


def test_a_retry_after_success_replays_even_though_the_stream_moved_on(stream: str) -> None:
    key = f"req-{uuid.uuid4()}"
    batch = things(1)
    first = store.append(stream, batch, expected_version=0, idempotency_key=key)
    # The client did not see the answer and retries, now reading version 1 as current.
    again = store.append(stream, batch, expected_version=1, idempotency_key=key)
    assert again.replayed and again.event_ids == first.event_ids
    assert store.replay(stream, batch, idempotency_key=key) == again
    assert store.current_version(stream) == 1
