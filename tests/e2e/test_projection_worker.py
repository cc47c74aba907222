"""A real Celery worker catches a projection up after appends commit."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings

from events import ledger, projections, store
from events.models import ProjectionCheckpoint
from tests.e2e.conftest import wait_until
from tests.events.helpers import things
from tests.events.models import StreamCount

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_a_worker_catches_the_projection_up_after_each_commit(start_worker: object) -> None:
    projections.catch_up()
    start_worker()
    streams = [f"thing-{uuid.uuid4().hex}" for _ in range(3)]

    for round_ in range(4):
        for stream_id in streams:
            store.append(stream_id, things(2, start=2 * round_), expected_version=2 * round_)

    def caught_up() -> bool:
        counts = dict(
            StreamCount.objects.filter(stream_id__in=streams).values_list("stream_id", "events")
        )
        return counts == {stream_id: 8 for stream_id in streams}

    wait_until(caught_up, what="the worker to apply 24 events")
    ledger.seal()
    checkpoint = ProjectionCheckpoint.objects.get(name="stream_counter")
    assert checkpoint.position == ledger.head()[0]
    assert checkpoint.error == ""
    incremental = list(StreamCount.objects.order_by("stream_id").values_list())
    projections.rebuild(projections.get_projection("stream_counter"))
    assert list(StreamCount.objects.order_by("stream_id").values_list()) == incremental
