"""Concurrency on real PostgreSQL: racing writers and gap-free reading."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, transaction

from events import ledger, projections, store
from events.errors import WrongExpectedVersionError
from tests.events.helpers import things
from tests.events.models import StreamCount

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("only_stream_counter"),
]


def in_thread(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` on its own database connection, closed afterwards."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    return wrapper


def test_eight_writers_racing_for_the_same_version_exactly_one_wins_each_round(
    stream: str,
) -> None:
    writers, rounds = 8, 25
    barrier = threading.Barrier(writers)

    @in_thread
    def race(writer: int) -> list[int]:
        won = []
        for round_ in range(rounds):
            barrier.wait()
            try:
                store.append(
                    stream, things(1, name=f"w{writer}-r{round_}"), expected_version=round_
                )
                won.append(round_)
            except WrongExpectedVersionError as conflict:
                assert conflict.current == round_ + 1
            barrier.wait()  # everyone has tried before the next round starts
        return won

    with ThreadPoolExecutor(writers) as pool:
        wins = [r for result in pool.map(race, range(writers)) for r in result]

    assert sorted(wins) == list(range(rounds))  # exactly one winner per round
    recorded = store.read_stream(stream)
    assert [e.version for e in recorded] == list(range(1, rounds + 1))
    assert len({e.event_id for e in recorded}) == rounds
    assert [int(e.event.name.split("-r")[1].split("-")[0]) for e in recorded] == list(range(rounds))


def test_a_reader_never_skips_an_event_committed_out_of_order() -> None:
    first, second = f"thing-{uuid.uuid4().hex}", f"thing-{uuid.uuid4().hex}"
    start = ledger.head()[0]
    appended, release = threading.Event(), threading.Event()

    @in_thread
    def slow_writer() -> None:
        with transaction.atomic():
            store.append(first, things(1), expected_version=0)  # draws its seq first ...
            appended.set()
            assert release.wait(10)
        # ... and commits last

    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(slow_writer)
        assert appended.wait(10)
        store.append(second, things(1), expected_version=0)  # commits first

        seen_early = [e.stream_id for e in store.read_all(after=start)]
        projections.catch_up()
        counted_early = set(
            StreamCount.objects.filter(stream_id__in=[first, second]).values_list(
                "stream_id", flat=True
            )
        )

        release.set()
        slow.result()

    seen_late = store.read_all(after=start)
    projections.catch_up()

    # The second writer's event may be read first (it committed first); the first writer's
    # event, committed later, gets a later position: nothing is skipped, nothing doubled.
    assert first not in seen_early
    assert first not in counted_early
    ours = [e for e in seen_late if e.stream_id in (first, second)]
    assert sorted(e.stream_id for e in ours) == sorted([first, second])
    assert ours[0].position is not None and ours[1].position is not None
    assert ours[0].position < ours[1].position
    if second in seen_early:
        assert [e.stream_id for e in ours] == [second, first]
    counts = dict(
        StreamCount.objects.filter(stream_id__in=[first, second]).values_list("stream_id", "events")
    )
    assert counts == {first: 1, second: 1}


def test_many_random_writers_and_a_tailing_reader_see_every_event_exactly_once() -> None:
    writers, appends_each = 8, 40
    prefix = uuid.uuid4().hex[:12]
    streams = [f"rnd-{prefix}-{i}" for i in range(6)]
    start = ledger.head()[0]
    done = threading.Event()

    @in_thread
    def writer(seed: int) -> list[uuid.UUID]:
        rng = random.Random(seed)
        written: list[uuid.UUID] = []
        for _ in range(appends_each):
            target = rng.choice(streams)
            batch = things(rng.randint(1, 5))
            for _attempt in range(20):
                try:
                    result = store.append(
                        target, batch, expected_version=store.current_version(target)
                    )
                    written += result.event_ids
                    break
                except WrongExpectedVersionError:
                    continue
            if rng.random() < 0.2:
                # A writer that holds its transaction open while others commit.
                with transaction.atomic():
                    result = store.append(target, things(1), expected_version=store.ANY)
                    threading.Event().wait(rng.random() / 50)
                written += result.event_ids
        return written

    @in_thread
    def tail() -> list[tuple[int, uuid.UUID, str]]:
        seen: list[tuple[int, uuid.UUID, str]] = []
        last = start
        while True:
            finished = done.is_set()
            batch = store.read_all(after=last, limit=200)
            seen += [(e.position or 0, e.event_id, e.stream_id) for e in batch]
            if batch:
                last = batch[-1].position or last
            elif finished:
                return seen

    with ThreadPoolExecutor(writers + 1) as pool:
        reader = pool.submit(tail)
        try:
            written = [e for result in pool.map(writer, range(writers)) for e in result]
        finally:
            done.set()  # a failing writer must not leave the reader tailing for ever
        seen = reader.result(timeout=120)

    positions = [p for p, _, _ in seen]
    assert positions == list(range(start + 1, start + 1 + len(seen)))  # dense, in order
    mine = [event_id for _, event_id, stream_id in seen if stream_id.startswith(f"rnd-{prefix}")]
    assert len(mine) == len(set(mine))  # nothing twice
    assert set(mine) == set(written)  # nothing skipped
    assert len(written) >= writers * appends_each
    for stream_id in streams:
        versions = [e.version for e in store.read_stream(stream_id, effective=False)]
        assert versions == list(range(1, len(versions) + 1))
    assert ledger.verify().ok


def test_concurrent_retries_with_one_idempotency_key_write_once(stream: str) -> None:
    writers = 6
    barrier = threading.Barrier(writers)
    key = f"req-{uuid.uuid4()}"
    batch = things(3)

    @in_thread
    def retry() -> store.AppendResult:
        barrier.wait()
        return store.append(stream, batch, expected_version=0, idempotency_key=key)

    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(lambda _: retry(), range(writers)))

    assert len({r.event_ids for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert store.current_version(stream) == 3
