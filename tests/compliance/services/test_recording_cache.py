"""Recording decides on a stream's cached, folded state brought up to date from the log
(``read_stream(after=...)``): the same decisions as a cold read of the whole stream, whoever
else writes, whatever rolls back, and two writers never both win one version."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.test import override_settings

from compliance.domain import investments
from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    PartyRenamed,
    StakeAcquired,
    StakeDisposed,
)
from compliance.domain.values import GovernanceRight, Instrument
from compliance.services import event_record, investment_announce
from compliance.services.recording import _STREAMS, _Known
from events import store
from events.errors import EventStoreError, WrongExpectedVersionError
from events.types import Event, EventCorrected, EventRetracted
from tests.compliance.scenario import T0, record_deal

pytestmark = pytest.mark.django_db(transaction=True)

SHARES = Instrument.ORDINARY_SHARES
SEAT = GovernanceRight.OBSERVER_SEAT


@pytest.fixture(autouse=True)
def _cache_emptied() -> Iterator[None]:
    _STREAMS.clear()
    yield
    _STREAMS.clear()


def _buy(pct: str) -> StakeAcquired:
    return StakeAcquired(occurred_at=T0, instrument=SHARES, equity_pct=Decimal(pct))


def _sell(pct: str) -> StakeDisposed:
    return StakeDisposed(occurred_at=T0, instrument=SHARES, equity_pct=Decimal(pct))


def _new_investment() -> str:
    deal = record_deal()
    return investment_announce(
        actor="t", occurred_at=T0, investor_id=deal.investor, target_id=deal.target, title="x"
    ).stream_id


def _cold(stream_id: str) -> investments.Investment:
    return investments.fold(stream_id, store.read_stream(stream_id))


def _outcome(stream_id: str, event: Event, *, cached: bool) -> tuple[Any, ...]:
    """Record ``event``: what was decided (the version written, or the refusal's code and
    field). Without ``cached`` the cache is off: every decision reads the whole stream."""
    with override_settings(RECORDING_CACHE_STREAMS=1000 if cached else 0):
        try:
            result = event_record(stream_id=stream_id, event=event, actor="t")
        except DomainError as exc:
            return ("refused", str(exc.code), exc.field)
        except EventStoreError as exc:
            return ("refused", exc.code, exc.field)
    return ("recorded", result.version)


def _random_step(rng: random.Random, versions: int) -> tuple[str, Any]:
    """One step of a random history: a fact (allowed or not), a retraction or a correction
    of the event at a random version, or an append by another writer behind the service."""
    roll = rng.random()
    pct = str(rng.choice([1, 5, 10, 20, 35, 60]))
    if roll < 0.25:
        return "record", _buy(pct)
    if roll < 0.45:
        return "record", _sell(pct)
    if roll < 0.55:
        return "record", GovernanceRightGranted(occurred_at=T0, right=SEAT)
    if roll < 0.62:
        return "record", GovernanceRightRelinquished(occurred_at=T0, right=SEAT)
    if roll < 0.72:
        return "retract", rng.randint(1, versions)
    if roll < 0.87:
        kind = rng.choice(["stake_acquired", "stake_disposed"])
        return "correct", (rng.randint(1, versions), kind, pct)
    if roll < 0.95:
        return "behind", _buy(pct)  # another writer: no rule checks it (anomalies may follow)
    return "forget", None  # the process forgets the stream (evicted, or a new process)


def _event_of(step: tuple[str, Any], stream_id: str) -> Event | None:
    kind, arg = step
    if kind == "record":
        return cast(Event, arg)
    if kind in ("retract", "correct"):
        version = arg if kind == "retract" else arg[0]
        target = store.read_stream(stream_id, effective=False)[version - 1]
        if kind == "retract":
            return EventRetracted(occurred_at=T0, target_event_id=target.event_id, reason="r")
        _version, of, pct = arg
        data = {"occurred_at": "2024-02-26T00:00:00Z", "instrument": "ordinary_shares",
                "equity_pct": pct}  # fmt: skip
        if of == "stake_acquired" and target.type == "StakeDisposed":
            data["equity_pct"] = str(Decimal(pct) / 2)
        return EventCorrected(occurred_at=T0, target_event_id=target.event_id, reason="c",
                              data=data)  # fmt: skip
    return None


@pytest.mark.parametrize("seed", range(6))
def test_the_cache_decides_as_a_cold_read_of_the_whole_stream_does(seed: int) -> None:
    """Two streams given the same random history, one decided on the cache, one on a cold
    read of the whole stream each time: every decision is the same, and the cached state is
    always the fold of the stream read whole."""
    rng = random.Random(seed)
    cached, cold = _new_investment(), _new_investment()
    decisions = []
    for _ in range(45):
        step = _random_step(rng, store.current_version(cached))
        if step[0] == "behind":
            for stream_id in (cached, cold):
                version = store.current_version(stream_id)
                store.append(stream_id, [step[1]], expected_version=version)
            continue
        if step[0] == "forget":
            _STREAMS.clear()
            continue
        one = _outcome(cached, _event_of(step, cached), cached=True)  # type: ignore[arg-type]
        other = _outcome(cold, _event_of(step, cold), cached=False)  # type: ignore[arg-type]
        assert one == other, (step, one, other)
        decisions.append(one[0])
        known = _STREAMS.get(cached)
        if known is not None:  # the fold of the events it holds, read whole
            held = store.read_stream(cached, effective=False)[: known.version]
            assert known.last_event_id == held[-1].event_id
            assert known.state == investments.fold(cached, store.apply_corrections(held))
        if rng.random() < 0.2:  # brought up to date, it is the fold of the whole stream
            assert _STREAMS.known(cached, investments).state == _cold(cached)
    assert _STREAMS.get(cold) is None  # never cached
    assert {"recorded", "refused"} <= set(decisions)  # the histories had both
    fresh = _cold(cached)
    assert fresh.anomalies == _cold(cold).anomalies
    assert fresh.total("equity_pct") == _cold(cold).total("equity_pct")


def test_a_warm_decision_reads_only_the_events_after_the_last_one_it_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    investment = _new_investment()
    for pct in ("1", "2", "3"):
        event_record(stream_id=investment, event=_buy(pct), actor="t")
    reads: list[dict[str, Any]] = []
    real = store.read_stream

    def read_stream(stream_id: str, **kwargs: Any) -> Any:
        reads.append({"stream_id": stream_id, **kwargs})
        return real(stream_id, **kwargs)

    monkeypatch.setattr(store, "read_stream", read_stream)
    version = store.current_version(investment)
    held = _STREAMS.get(investment)
    assert held is not None and held.version == version - 1  # the last decision's version
    event_record(stream_id=investment, event=_buy("4"), actor="t")
    # One read: from the event it holds last (to check it is still the log's) on.
    assert [r for r in reads if r["stream_id"] == investment] == [
        {"stream_id": investment, "effective": False, "after": version - 2}
    ]


def test_events_appended_by_another_writer_are_folded_in_before_deciding() -> None:
    """Another process (here: the store directly, behind the service) disposes of 6 of the
    10 % this process has cached: a second disposal of 6 % is refused, not decided on the
    10 % the cache held."""
    investment = _new_investment()
    event_record(stream_id=investment, event=_buy("10"), actor="t")
    assert _STREAMS.get(investment) is not None
    store.append(investment, [_sell("6")], expected_version=store.current_version(investment))

    with pytest.raises(DomainError) as caught:
        event_record(stream_id=investment, event=_sell("6"), actor="t")
    assert caught.value.code == ErrorCode.DISPOSAL_EXCEEDS_HOLDING
    known = _STREAMS.get(investment)
    assert known is not None
    assert known.state.total("equity_pct") == Decimal("4")
    assert known.state == _cold(investment)


def test_an_event_seen_in_a_transaction_that_rolled_back_is_forgotten() -> None:
    """The cache read an acquisition of 50 % inside a transaction that then rolled back, and
    another writer recorded a different event at that version: the cache notices that the
    event it holds last is not the log's, and reads the stream again (else it would let a
    disposal of 50 % through)."""
    investment = _new_investment()
    event_record(stream_id=investment, event=_buy("10"), actor="t")
    version = store.current_version(investment)
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(stream_id=investment, event=_buy("50"), actor="t")
        event_record(stream_id=investment, event=GovernanceRightGranted(occurred_at=T0,
                     right=SEAT), actor="t")  # fmt: skip
        held = _STREAMS.get(investment)
        assert held is not None and held.version == version + 1  # it read the 50 %
        raise RuntimeError("roll back")
    assert store.current_version(investment) == version
    store.append(investment, [_buy("1")], expected_version=version)  # another writer

    with pytest.raises(DomainError) as caught:
        event_record(stream_id=investment, event=_sell("50"), actor="t")
    assert caught.value.code == ErrorCode.DISPOSAL_EXCEEDS_HOLDING
    event_record(stream_id=investment, event=_sell("11"), actor="t")
    assert _cold(investment).total("equity_pct") is None  # all 11 % sold: nothing held


def test_a_correction_recorded_behind_the_cache_is_folded_in_by_reading_again() -> None:
    investment = _new_investment()
    bought = event_record(stream_id=investment, event=_buy("30"), actor="t")
    event_record(stream_id=investment, event=_buy("1"), actor="t")
    store.append(
        investment,
        [EventRetracted(occurred_at=T0, target_event_id=bought.event_ids[0], reason="no")],
        expected_version=store.current_version(investment),
    )
    with pytest.raises(DomainError) as caught:
        event_record(stream_id=investment, event=_sell("20"), actor="t")
    assert caught.value.code == ErrorCode.DISPOSAL_EXCEEDS_HOLDING
    known = _STREAMS.get(investment)
    assert known is not None and known.state == _cold(investment)


@pytest.mark.postgres
@pytest.mark.parametrize("explicit", [False, True])
def test_racing_writers_on_a_cached_stream_never_both_win(explicit: bool) -> None:
    """Eight threads of one process (one cache), each on its own connection, dispose of 6 %
    of the 10 % held, all deciding on the same cached version: exactly one disposal is
    written; the others are refused after reading the winner's event, or lose the race."""
    investment = _new_investment()
    event_record(stream_id=investment, event=_buy("10"), actor="t")
    event_record(stream_id=investment, event=_buy("0"), actor="t")  # the cache holds it now
    version = store.current_version(investment)
    assert _STREAMS.get(investment) is not None
    start = threading.Barrier(8)
    results: list[store.AppendResult] = []
    errors: list[BaseException] = []

    def sell() -> None:
        try:
            start.wait()
            expected = version if explicit else None
            result = event_record(
                stream_id=investment, event=_sell("6"), actor="t", expected_version=expected
            )
            results.append(result)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sell) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.version for r in results] == [version + 1]
    assert len(errors) == 7
    for error in errors:  # with an expected version, a conflict; else decided again
        if explicit:
            assert isinstance(error, WrongExpectedVersionError), error
        else:
            assert isinstance(error, DomainError), error
            assert error.code == ErrorCode.DISPOSAL_EXCEEDS_HOLDING
    history = store.read_stream(investment, effective=False)
    assert [e.version for e in history] == list(range(1, version + 2))
    assert _cold(investment).total("equity_pct") == Decimal("4")


def test_the_cache_keeps_the_streams_used_last_within_its_bounds(settings: Any) -> None:
    settings.RECORDING_CACHE_STREAMS = 2
    settings.RECORDING_CACHE_EVENTS = 10
    state = investments.Investment(stream_id="investment-x")

    def known(name: str, version: int) -> _Known:
        return _Known(f"investment-{name}", version, None, state)

    _STREAMS.put(known("a", 3))
    _STREAMS.put(known("b", 3))
    assert _STREAMS.get("investment-a") is not None  # a is now the one used last
    _STREAMS.put(known("c", 3))
    assert _STREAMS.get("investment-b") is None
    assert {_STREAMS.get(f"investment-{n}") is not None for n in "ac"} == {True}
    _STREAMS.put(known("c", 8))  # 3 + 8 events > 10: a goes
    assert _STREAMS.get("investment-a") is None
    assert len(_STREAMS) == 1
    _STREAMS.put(known("d", 11))  # longer than the whole budget: not kept
    assert _STREAMS.get("investment-d") is None
    _STREAMS.put(known("e", 0))  # nothing to keep for a stream that does not exist yet
    assert _STREAMS.get("investment-e") is None
    settings.RECORDING_CACHE_STREAMS = 0
    assert _STREAMS.get("investment-c") is None  # switched off: nothing is used


def test_every_check_still_applies_on_a_warm_cache() -> None:
    """Cached or not, a fact is checked against the rules, the stream's kind and its
    references, and a stale expected version is reported."""
    investment = _new_investment()
    event_record(stream_id=investment, event=_buy("10"), actor="t")
    event_record(stream_id=investment, event=_buy("1"), actor="t")
    assert _STREAMS.get(investment) is not None
    with pytest.raises(DomainError) as caught:
        event_record(stream_id=investment, event=_buy("95"), actor="t")
    assert caught.value.code == ErrorCode.PERCENTAGE_OUT_OF_RANGE
    with pytest.raises(DomainError) as caught:
        event_record(stream_id=investment, event=PartyRenamed(occurred_at=T0, name="n"),
                     actor="t")  # fmt: skip
    assert caught.value.code == ErrorCode.WRONG_STREAM
    with pytest.raises(WrongExpectedVersionError):
        event_record(stream_id=investment, event=_buy("1"), actor="t", expected_version=1)


def test_a_forked_child_starts_with_an_empty_cache_and_a_free_lock() -> None:
    investment = _new_investment()
    event_record(stream_id=investment, event=_buy("1"), actor="t")
    assert _STREAMS.get(investment) is not None
    read, write = os.pipe()
    with _STREAMS._lock:  # held by this thread while the process forks
        pid = os.fork()
        if pid == 0:  # the child: no database, only the cache
            try:
                if not _STREAMS._lock.acquire(timeout=2):
                    os.write(write, b"stuck")
                else:
                    os.write(write, b"empty" if len(_STREAMS) == 0 else b"kept!")
            finally:
                os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 5) == b"empty"
    assert _STREAMS.get(investment) is not None  # the parent keeps its own
