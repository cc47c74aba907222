"""Recording facts through the services: rules, references, conflicts, corrections."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    DecisionIssued,
    InvestmentAnnounced,
    PartyRenamed,
    ProceedingClosed,
    StakeAcquired,
    StakeDisposed,
)
from compliance.domain.values import Instrument, Outcome
from compliance.services import event_record, investment_announce, stream_state
from events import store
from events.errors import WrongExpectedVersionError
from events.types import EventCorrected
from tests.compliance.scenario import T0, record_deal

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_recorded_deal_folds_into_its_state() -> None:
    deal = record_deal(actor="alice")
    state = stream_state(deal.investment)
    assert state.investor_id == deal.investor
    assert state.invested_eur == Decimal("15000000")
    assert store.read_stream(deal.investment)[0].metadata["actor"] == "alice"


def test_disposing_of_more_than_is_held_is_refused_and_nothing_is_written() -> None:
    deal = record_deal()
    version = store.current_version(deal.investment)
    with pytest.raises(DomainError) as caught:
        event_record(
            stream_id=deal.investment,
            event=StakeDisposed(
                occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=Decimal("1")
            ),
            actor="alice",
        )
    assert caught.value.code == ErrorCode.INSTRUMENT_NOT_HELD
    assert store.current_version(deal.investment) == version


def test_references_to_unknown_parties_are_refused() -> None:
    deal = record_deal()
    with pytest.raises(DomainError) as caught:
        investment_announce(
            actor="alice", occurred_at=T0, investor_id=deal.investor,
            target_id="party-nobody", title="x",
        )  # fmt: skip
    assert caught.value.code == ErrorCode.UNKNOWN_REFERENCE
    assert caught.value.field == "target_id"


def test_an_investor_investing_in_itself_is_refused() -> None:
    deal = record_deal()
    with pytest.raises(DomainError) as caught:
        investment_announce(
            actor="a", occurred_at=T0, investor_id=deal.investor, target_id=deal.investor, title="x"
        )
    assert caught.value.code == ErrorCode.SELF_INVESTMENT


def test_a_decision_on_a_closed_proceeding_is_refused() -> None:
    deal = record_deal()
    event_record(
        stream_id=deal.proceeding,
        event=ProceedingClosed(occurred_at=T0, closed_on=T0.date()),
        actor="a",
    )
    with pytest.raises(DomainError) as caught:
        event_record(
            stream_id=deal.proceeding,
            event=DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=T0.date()),
            actor="a",
        )
    assert caught.value.code == ErrorCode.PROCEEDING_CLOSED


def test_an_event_of_the_wrong_kind_of_stream_is_refused() -> None:
    deal = record_deal()
    with pytest.raises(DomainError) as caught:
        event_record(
            stream_id=deal.investment, event=PartyRenamed(occurred_at=T0, name="x"), actor="a"
        )
    assert caught.value.code == ErrorCode.WRONG_STREAM


def test_a_stale_expected_version_is_a_conflict() -> None:
    deal = record_deal()
    with pytest.raises(WrongExpectedVersionError) as caught:
        event_record(
            stream_id=deal.investor,
            event=PartyRenamed(occurred_at=T0, name="New name"),
            actor="a",
            expected_version=0,
        )
    assert caught.value.current == 1


@pytest.mark.postgres
def test_a_concurrent_writer_makes_the_service_reload_and_decide_again() -> None:
    deal = record_deal()
    errors: list[BaseException] = []

    def buy() -> None:
        try:
            event_record(
                stream_id=deal.investment,
                event=StakeAcquired(
                    occurred_at=T0, instrument=Instrument.ORDINARY_SHARES,
                    equity_pct=Decimal("30"),
                ),
                actor="a",
            )  # fmt: skip
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    state = stream_state(deal.investment)
    written = (state.total("equity_pct") or Decimal(0)) / 30
    # At most three fit under 100 %; the rest are refused by the rule after reloading, or lost
    # the race twice (the service reloads once) and report the conflict. Nothing is doubled.
    assert 1 <= written <= 3
    assert written + len(errors) == 4
    for error in errors:
        assert isinstance(error, DomainError | WrongExpectedVersionError)
        if isinstance(error, DomainError):
            assert error.code == ErrorCode.PERCENTAGE_OUT_OF_RANGE
    assert len(store.read_stream(deal.investment)) == 3 + int(written)


def test_a_position_as_of_a_date_as_known_before_and_after_a_correction() -> None:
    deal = record_deal()
    bought = event_record(
        stream_id=deal.investment,
        event=StakeAcquired(
            occurred_at=datetime(2024, 4, 1, tzinfo=UTC),
            instrument=Instrument.ORDINARY_SHARES,
            equity_pct=Decimal("20"),
        ),
        actor="a",
    )
    known_before = timezone.now()
    event_record(
        stream_id=deal.investment,
        event=EventCorrected(
            occurred_at=datetime(2024, 6, 15, tzinfo=UTC),
            target_event_id=bought.event_ids[0],
            reason="the filing says 12 %",
            data={
                "occurred_at": "2024-04-01T00:00:00Z",
                "instrument": "ordinary_shares",
                "equity_pct": "12",
            },
        ),
        actor="a",
    )
    may_1 = datetime(2024, 5, 1, tzinfo=UTC)
    then = stream_state(deal.investment, as_of=may_1, known_at=known_before)
    now = stream_state(deal.investment, as_of=may_1)
    assert then.total("equity_pct") == Decimal("20")
    assert now.total("equity_pct") == Decimal("12")
    before_purchase = stream_state(deal.investment, as_of=datetime(2024, 3, 1, tzinfo=UTC))
    assert before_purchase.total("equity_pct") is None


def test_announcing_twice_is_refused() -> None:
    deal = record_deal()
    with pytest.raises(DomainError) as caught:
        event_record(
            stream_id=deal.investment,
            event=InvestmentAnnounced(
                occurred_at=T0, investor_id=deal.investor, target_id=deal.target, title="again"
            ),
            actor="a",
        )
    assert caught.value.code == ErrorCode.ALREADY_EXISTS


def test_opening_a_stream_twice_with_one_idempotency_key_records_it_once() -> None:
    from compliance.domain.values import PartyKind
    from compliance.services import party_register

    kwargs = {
        "actor": "a", "occurred_at": T0, "name": "Acme AI", "kind": PartyKind.COMPANY,
        "country": "FR", "party_id": f"party-{uuid.uuid4().hex}",
        "idempotency_key": f"open-{uuid.uuid4().hex}", "correlation_id": "c-9",
    }  # fmt: skip
    first = party_register(**kwargs)  # type: ignore[arg-type]
    again = party_register(**kwargs)  # type: ignore[arg-type]
    assert first.event_ids == again.event_ids
    assert not first.replayed
    assert again.replayed
    (registered,) = store.read_stream(first.stream_id)
    assert registered.metadata["correlation_id"] == "c-9"


def _stake(pct: str) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=Decimal(pct)
    )


def test_a_retry_that_loses_the_race_to_its_original_gets_the_original_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The defect: the key was looked up before the stream was read, so a retry whose
    original committed in between saw a moved version and answered 409. Here the original
    commits right after the retry looked its key up, every time."""
    deal = record_deal()
    version = store.current_version(deal.investment)
    key = f"api:1:{uuid.uuid4().hex}"
    call = {"stream_id": deal.investment, "event": _stake("10"), "actor": "a",
            "expected_version": version, "idempotency_key": key}  # fmt: skip
    real_replay = store.replay
    racing = [True]
    originals: list[store.AppendResult] = []

    def replay_while_the_original_commits(*args: object, **kwargs: object) -> object:
        found = real_replay(*args, **kwargs)  # type: ignore[arg-type]
        if racing:
            racing.clear()
            originals.append(event_record(**call))  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(store, "replay", replay_while_the_original_commits)
    retry = event_record(**call)  # type: ignore[arg-type]
    assert retry.event_ids == originals[0].event_ids
    assert retry.replayed
    assert store.current_version(deal.investment) == version + 1


def test_concurrent_retries_with_one_key_all_get_the_original_result() -> None:
    deal = record_deal()
    version = store.current_version(deal.investment)
    key = f"api:1:{uuid.uuid4().hex}"
    results: list[store.AppendResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def retry() -> None:
        try:
            start.wait()
            result = event_record(
                stream_id=deal.investment, event=_stake("10"), actor="a",
                expected_version=version, idempotency_key=key,
            )  # fmt: skip
            results.append(result)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.event_ids for r in results}) == 1
    assert sum(not r.replayed for r in results) <= 1
    assert store.current_version(deal.investment) == version + 1
