"""Corrections and retractions are events; folds honour them; the original stays."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from events import store
from events.errors import InvalidCorrectionError, InvalidPayloadError
from events.types import EventCorrected, EventRetracted
from tests.events.helpers import T0, things

pytestmark = pytest.mark.django_db(transaction=True)
LATER = datetime(2024, 6, 1, tzinfo=UTC)


def test_a_retracted_event_is_left_out_of_the_fold_but_stays_in_the_log(stream: str) -> None:
    result = store.append(stream, things(3), expected_version=0)
    store.append(
        stream,
        [EventRetracted(occurred_at=LATER, target_event_id=result.event_ids[1], reason="dup")],
        expected_version=3,
    )

    assert [e.event.name for e in store.read_stream(stream)] == ["thing-0", "thing-2"]
    raw = store.read_stream(stream, effective=False)
    assert [e.type for e in raw] == ["ThingHappened"] * 3 + ["EventRetracted"]


def test_a_corrected_event_is_replaced_and_points_to_its_correction(stream: str) -> None:
    result = store.append(stream, things(2), expected_version=0)
    fixed = {"occurred_at": "2024-04-30T00:00:00Z", "name": "right name", "count": 5}
    correction = store.append(
        stream,
        [
            EventCorrected(
                occurred_at=LATER, target_event_id=result.event_ids[0], reason="typo", data=fixed
            )
        ],
        expected_version=2,
    )

    first, second = store.read_stream(stream)
    assert first.event.name == "right name" and first.event.count == 5
    assert first.occurred_at == datetime(2024, 4, 30, tzinfo=UTC)
    assert first.corrected_by == correction.event_ids[0]
    assert first.event_id == result.event_ids[0]
    assert second.corrected_by is None
    assert store.read_stream(stream, effective=False)[0].event.name == "thing-0"


def test_the_latest_correction_wins(stream: str) -> None:
    result = store.append(stream, things(1), expected_version=0)
    for version, name in [(1, "second"), (2, "third")]:
        store.append(
            stream,
            [
                EventCorrected(
                    occurred_at=LATER,
                    target_event_id=result.event_ids[0],
                    reason="again",
                    data={"occurred_at": "2024-05-01T12:00:00Z", "name": name},
                )
            ],
            expected_version=version,
        )
    assert store.read_stream(stream)[0].event.name == "third"


def test_a_correction_must_target_an_event_of_the_same_stream(stream: str) -> None:
    other = f"thing-{uuid.uuid4().hex}"
    foreign = store.append(other, things(1), expected_version=0)
    store.append(stream, things(1), expected_version=0)

    with pytest.raises(InvalidCorrectionError) as caught:
        store.append(
            stream,
            [EventRetracted(occurred_at=LATER, target_event_id=foreign.event_ids[0], reason="x")],
            expected_version=1,
        )
    assert caught.value.field == "target_event_id"
    assert store.current_version(stream) == 1


def test_a_correction_must_fit_the_target_type(stream: str) -> None:
    result = store.append(stream, things(1), expected_version=0)
    with pytest.raises(InvalidPayloadError):
        store.append(
            stream,
            [
                EventCorrected(
                    occurred_at=LATER,
                    target_event_id=result.event_ids[0],
                    reason="bad",
                    data={"occurred_at": "2024-05-01T00:00:00Z", "name": None},
                )
            ],
            expected_version=1,
        )
    assert store.current_version(stream) == 1


def test_corrections_cannot_be_corrected_and_retractions_are_final(stream: str) -> None:
    result = store.append(stream, things(1), expected_version=0)
    retraction = store.append(
        stream,
        [EventRetracted(occurred_at=LATER, target_event_id=result.event_ids[0], reason="x")],
        expected_version=1,
    )
    with pytest.raises(InvalidCorrectionError):
        store.append(
            stream,
            [
                EventRetracted(
                    occurred_at=LATER, target_event_id=retraction.event_ids[0], reason="y"
                )
            ],
            expected_version=2,
        )
    with pytest.raises(InvalidCorrectionError):
        store.append(
            stream,
            [EventRetracted(occurred_at=LATER, target_event_id=result.event_ids[0], reason="y")],
            expected_version=2,
        )


def test_empty_reason_is_refused(stream: str) -> None:
    result = store.append(stream, things(1), expected_version=0)
    with pytest.raises(InvalidPayloadError) as caught:
        store.append(
            stream,
            [EventRetracted(occurred_at=T0, target_event_id=result.event_ids[0], reason="")],
            expected_version=1,
        )
    assert caught.value.field == "reason"
