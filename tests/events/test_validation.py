"""Bad input gets a typed error naming the problem, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from events import store
from events.errors import (
    EventStoreError,
    InvalidExpectedVersionError,
    InvalidMetadataError,
    InvalidPayloadError,
    InvalidStreamIdError,
    PayloadTooLargeError,
    UnknownEventTypeError,
    WrongExpectedVersionError,
)
from events.types import Event, EventCorrected, EventRegistry, registry
from tests.events.event_types import ThingHappened
from tests.events.helpers import T0, things

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True, kw_only=True)
class NotRegistered(Event):
    name: str


def assert_nothing_written(stream_id: str) -> None:
    assert store.current_version(stream_id) == 0


def test_unknown_event_type(stream: str) -> None:
    with pytest.raises(UnknownEventTypeError) as caught:
        store.append(stream, [NotRegistered(occurred_at=T0, name="x")], expected_version=0)
    assert caught.value.field == "type"
    assert_nothing_written(stream)


def test_unknown_type_name_when_building_from_json() -> None:
    with pytest.raises(UnknownEventTypeError) as caught:
        registry.build("NoSuchThing", {"occurred_at": "2024-01-01T00:00:00Z"})
    assert "NoSuchThing" in caught.value.message


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x"}, "occurred_at"),
        ({"occurred_at": "2024-01-01T00:00:00", "name": "x"}, "occurred_at"),  # naive
        ({"occurred_at": "yesterday", "name": "x"}, "occurred_at"),
        ({"occurred_at": "2024-01-01T00:00:00Z"}, "name"),
        ({"occurred_at": "2024-01-01T00:00:00Z", "name": "x", "count": "many"}, "count"),
        ({"occurred_at": "2024-01-01T00:00:00Z", "name": "x", "surprise": 1}, "surprise"),
        ({"occurred_at": "2024-01-01T00:00:00Z", "name": ["x"]}, "name"),
    ],
)
def test_payload_failing_its_schema_names_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidPayloadError) as caught:
        registry.build("ThingHappened", payload)
    assert caught.value.field == field
    assert any(error["field"] == field for error in caught.value.errors)


@pytest.mark.parametrize("when", [0, 1_700_000_000, 1.7e9, True])
def test_a_number_is_not_a_time(when: Any, stream: str) -> None:
    """Pydantic's lax mode reads a number as a Unix time (0: 1970-01-01), silently."""
    with pytest.raises(InvalidPayloadError) as caught:
        registry.build("ThingHappened", {"occurred_at": when, "name": "x"})
    assert caught.value.field == "occurred_at"
    thing = store.append(stream, [things(1)[0]], expected_version=0)
    correction = EventCorrected(
        occurred_at=T0, target_event_id=thing.event_ids[0], reason="r",
        data={"occurred_at": when, "name": "x"},
    )  # fmt: skip
    with pytest.raises(InvalidPayloadError):
        store.append(stream, [correction], expected_version=1)
    assert store.current_version(stream) == 1


def test_a_stored_payload_is_read_as_it_was_accepted() -> None:
    built = registry.build("ThingHappened", {"occurred_at": 0, "name": "x"}, stored=True)
    assert built.occurred_at.year == 1970


def test_an_event_built_in_code_with_wrong_types_is_refused(stream: str) -> None:
    bad = ThingHappened(occurred_at=T0, name=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(stream, [bad], expected_version=0)
    assert caught.value.field == "name"
    assert_nothing_written(stream)


def test_missing_occurred_at_in_code_is_refused(stream: str) -> None:
    bad = ThingHappened(occurred_at=datetime(2024, 1, 1), name="naive")  # noqa: DTZ001
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(stream, [bad], expected_version=0)
    assert caught.value.field == "occurred_at"
    assert_nothing_written(stream)


@pytest.mark.parametrize("expected", [-1, -100, 1.5, "1", None, True, "ANY"])
def test_negative_or_non_integer_expected_version(stream: str, expected: Any) -> None:
    with pytest.raises(InvalidExpectedVersionError) as caught:
        store.append(stream, things(1), expected_version=expected)
    assert caught.value.field == "expected_version"
    assert_nothing_written(stream)


@pytest.mark.parametrize(
    "stream_id",
    [
        "",
        "x" * 201,
        "thing-" + "a" * 200,
        "nodash",
        "Thing-1",
        "thing-",
        "thing-a b",
        "thing-\x00",
        "thing-é",
        "-thing",
        42,
        None,
    ],
)
def test_empty_overlong_or_malformed_stream_id(stream_id: Any) -> None:
    with pytest.raises(InvalidStreamIdError) as caught:
        store.append(stream_id, things(1), expected_version=0)
    assert caught.value.field == "stream_id"


def test_oversized_payload(stream: str) -> None:
    big = ThingHappened(occurred_at=T0, name="x" * (store.MAX_DATA_BYTES + 1))
    with pytest.raises(PayloadTooLargeError) as caught:
        store.append(stream, [big], expected_version=0)
    assert caught.value.field == "data"
    assert caught.value.extra["limit"] == store.MAX_DATA_BYTES
    assert_nothing_written(stream)


def test_a_payload_just_under_the_limit_is_accepted(stream: str) -> None:
    fits = ThingHappened(occurred_at=T0, name="x" * (store.MAX_DATA_BYTES - 100))
    store.append(stream, [fits], expected_version=0)
    assert store.current_version(stream) == 1


def test_oversized_metadata(stream: str) -> None:
    with pytest.raises(PayloadTooLargeError) as caught:
        store.append(
            stream, things(1), expected_version=0, metadata={"note": "x" * store.MAX_METADATA_BYTES}
        )
    assert caught.value.field == "metadata"
    assert_nothing_written(stream)


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "x\udfff", "\udc00\ud800"])
def test_nul_characters_and_lone_surrogates_in_a_payload_are_refused(stream: str, bad: str) -> None:
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(stream, [ThingHappened(occurred_at=T0, name=bad)], expected_version=0)
    assert caught.value.field == "name"  # relative to the payload, as its schema's errors
    assert caught.value.errors[0]["field"] == "name"
    assert_nothing_written(stream)


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"note": "\ud800"}, "metadata.note"),
        ({"tags": ["ok", {"k": "\udbff"}]}, "metadata.tags.1.k"),
        ({"nested": {"\ud800": "value"}}, "metadata.nested"),  # a bad key is not echoed
        ({"note": "a\x00"}, "metadata.note"),
    ],
)
def test_nul_characters_and_lone_surrogates_in_metadata_are_refused(
    stream: str, metadata: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidMetadataError) as caught:
        store.append(stream, things(1), expected_version=0, metadata=metadata)
    assert caught.value.field == field
    assert "\ud800" not in caught.value.message and "\x00" not in caught.value.message
    assert_nothing_written(stream)


def test_characters_beyond_the_basic_plane_are_text_and_kept(stream: str) -> None:
    store.append(stream, [ThingHappened(occurred_at=T0, name="\U0001f600 \u00e9")],
                 expected_version=0, metadata={"note": "\U0001f600"})  # fmt: skip
    (recorded,) = store.read_stream(stream)
    assert isinstance(recorded.event, ThingHappened)
    assert recorded.event.name == "\U0001f600 \u00e9"
    assert recorded.metadata["note"] == "\U0001f600"


OVERFLOWING = [
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))),
]


@pytest.mark.parametrize("when", OVERFLOWING)
def test_an_occurred_at_out_of_range_in_utc_is_refused(stream: str, when: datetime) -> None:
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(stream, [ThingHappened(occurred_at=when, name="x")], expected_version=0)
    assert caught.value.field == "occurred_at"
    assert_nothing_written(stream)
    with pytest.raises(InvalidPayloadError) as caught:
        registry.build("ThingHappened", {"occurred_at": when.isoformat(), "name": "x"})
    assert caught.value.field == "occurred_at"


@pytest.mark.parametrize("when", OVERFLOWING)
def test_a_read_time_out_of_range_in_utc_is_refused(stream: str, when: datetime) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.read_stream(stream, as_of=when)
    assert caught.value.field == "as_of"
    with pytest.raises(EventStoreError) as caught:
        store.read_stream(stream, known_at=when)
    assert caught.value.field == "known_at"


@pytest.mark.parametrize("stream_id", ["thing-a\n", "thing-a\r\n", "thing\n-a"])
def test_a_stream_id_with_a_trailing_newline_is_refused(stream_id: str) -> None:
    with pytest.raises(InvalidStreamIdError) as caught:
        store.append(stream_id, things(1), expected_version=0)
    assert caught.value.field == "stream_id"


def test_an_idempotency_key_with_a_trailing_newline_is_refused(stream: str) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.append(stream, things(1), expected_version=0, idempotency_key="key-1\n")
    assert caught.value.field == "idempotency_key"
    assert_nothing_written(stream)


@pytest.mark.parametrize("expected", [store.MAX_VERSION, 2**31, 2**63, 10**30])
def test_an_expected_version_beyond_the_version_column_is_refused(
    stream: str, expected: int
) -> None:
    with pytest.raises(InvalidExpectedVersionError) as caught:
        store.append(stream, things(1), expected_version=expected)
    assert caught.value.field == "expected_version"
    assert_nothing_written(stream)


def test_the_largest_expected_version_is_a_plain_conflict(stream: str) -> None:
    with pytest.raises(WrongExpectedVersionError):  # the stream is at 0: no DataError
        store.append(stream, things(1), expected_version=store.MAX_VERSION - 1)
    with pytest.raises(InvalidExpectedVersionError):  # a batch may not end beyond the bound
        store.append(stream, things(2), expected_version=store.MAX_VERSION - 1)
    assert_nothing_written(stream)


@pytest.mark.parametrize(
    "metadata",
    [
        ["not", "an", "object"],
        {"source": {"url": "javascript:alert(1)", "publisher": "x"}},
        {"source": {"url": "https://example.org", "publisher": "x", "reliability": "gossip"}},
        {"source": {"url": "https://example.org"}},
        {1: "non-string key"},
    ],
)
def test_bad_metadata(stream: str, metadata: Any) -> None:
    with pytest.raises(InvalidMetadataError):
        store.append(stream, things(1), expected_version=0, metadata=metadata)
    assert_nothing_written(stream)


@pytest.mark.parametrize("events", [[], "abc", None])
def test_empty_or_non_list_events(stream: str, events: Any) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.append(stream, events, expected_version=0)
    assert caught.value.field == "events"


def test_too_many_events_in_one_append(stream: str) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.append(stream, things(store.MAX_EVENTS_PER_APPEND + 1), expected_version=0)
    assert caught.value.field == "events"
    assert_nothing_written(stream)


def test_one_bad_event_in_a_batch_writes_none(stream: str) -> None:
    batch = [*things(3), ThingHappened(occurred_at=T0, name=None)]  # type: ignore[arg-type]
    with pytest.raises(InvalidPayloadError):
        store.append(stream, batch, expected_version=0)
    assert_nothing_written(stream)


@pytest.mark.parametrize("key", ["", "k" * 201, "has space", "tab\t", "é"])
def test_bad_idempotency_key(stream: str, key: str) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.append(stream, things(1), expected_version=0, idempotency_key=key)
    assert caught.value.field == "idempotency_key"
    assert_nothing_written(stream)


@pytest.mark.parametrize(("after", "limit"), [(-1, 10), (0, 0), (0, 10_001), ("0", 10), (0, True)])
def test_bad_read_all_arguments(after: Any, limit: Any) -> None:
    with pytest.raises(EventStoreError):
        store.read_all(after=after, limit=limit)


def test_naive_as_of_is_refused(stream: str) -> None:
    with pytest.raises(EventStoreError) as caught:
        store.read_stream(stream, as_of=datetime(2024, 1, 1))  # noqa: DTZ001
    assert caught.value.field == "as_of"


@pytest.mark.parametrize("depth", [40, 3000])
def test_deeply_nested_payloads_and_metadata_are_refused(stream: str, depth: int) -> None:
    nested: dict[str, Any] = {}
    inner = nested
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    first = store.append(stream, things(1), expected_version=0)
    with pytest.raises(InvalidPayloadError):
        store.append(
            stream,
            [EventCorrected(occurred_at=T0, target_event_id=first.event_ids[0], reason="x",
                            data=nested)],
            expected_version=1,
        )  # fmt: skip
    with pytest.raises(InvalidMetadataError):
        store.append(stream, things(1), expected_version=1, metadata={"deep": nested})
    assert store.current_version(stream) == 1


local_types = EventRegistry()


@local_types.register
@dataclass(frozen=True, kw_only=True)
class Measured(Event):
    values: Any = None


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinities_are_refused_not_stored_as_null(stream: str, number: float) -> None:
    measured = Measured(occurred_at=T0, values=[1.5, {"n": number}])
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(stream, [measured], expected_version=0, types=local_types)
    assert caught.value.field == "values.1.n"
    assert_nothing_written(stream)
