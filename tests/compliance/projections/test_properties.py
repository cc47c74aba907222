"""Property: for random sequences of commands (those the rules accept), the incrementally
projected read models equal a rebuild from position 0 and the in-memory fold."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.domain import investments, proceedings
from compliance.domain.errors import DomainError
from compliance.domain.events import (
    CommercialAgreementEnded,
    CommercialAgreementSigned,
    DeadlineExtended,
    DeadlineSet,
    DecisionIssued,
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    InformationRequestReceived,
    KeyPersonnelHired,
    ProceedingClosed,
    StakeAcquired,
    StakeDisposed,
    SubmissionFiled,
)
from compliance.domain.values import (
    AgreementKind,
    GovernanceRight,
    Instrument,
    Money,
    Outcome,
)
from compliance.models import Deadline, InvestmentPosition, Proceeding, TimelineEntry
from compliance.services import event_record
from events import projections, store
from events.types import Event, EventRetracted, RecordedEvent, registry
from tests.compliance.projections.test_read_models import snapshot
from tests.compliance.scenario import record_deal

pytestmark = pytest.mark.django_db(transaction=True)
T = datetime(2024, 1, 1, tzinfo=UTC)

instruments = st.sampled_from([Instrument.ORDINARY_SHARES, Instrument.NON_VOTING_SHARES])
pcts = st.integers(1, 40).map(Decimal)
days = st.integers(0, 200).map(lambda n: date(2024, 1, 1) + timedelta(days=n))
rights = st.sampled_from([GovernanceRight.BOARD_SEAT, GovernanceRight.VETO])
ids = st.sampled_from(["a", "b", "c"])

investment_events = st.one_of(
    st.builds(lambda i, p, m: StakeAcquired(
        occurred_at=T, instrument=i, equity_pct=p, voting_pct=p,
        amount=Money(amount=Decimal(m), currency="EUR")), instruments, pcts, st.integers(0, 10**6)),
    st.builds(lambda i, p: StakeDisposed(occurred_at=T, instrument=i, equity_pct=p),
              instruments, pcts),
    st.builds(lambda r: GovernanceRightGranted(occurred_at=T, right=r), rights),
    st.builds(lambda r: GovernanceRightRelinquished(occurred_at=T, right=r), rights),
    st.builds(lambda a, x: CommercialAgreementSigned(
        occurred_at=T, agreement_id=a, kind=AgreementKind.CLOUD_COMPUTE, exclusive=x),
        ids, st.booleans()),
    st.builds(lambda a: CommercialAgreementEnded(occurred_at=T, agreement_id=a), ids),
    st.builds(lambda n: KeyPersonnelHired(occurred_at=T, count=n), st.integers(1, 50)),
)  # fmt: skip
proceeding_events = st.one_of(
    st.builds(lambda r, a, b: InformationRequestReceived(
        occurred_at=T, request_id=r, received_on=min(a, b), due_on=max(a, b)), ids, days, days),
    st.builds(lambda r, d: SubmissionFiled(occurred_at=T, filed_on=d, request_id=r), ids, days),
    st.builds(lambda k, d: DeadlineSet(occurred_at=T, deadline_id=k, due_on=d, description="d"),
              ids, days),
    st.builds(lambda k, d: DeadlineExtended(occurred_at=T, deadline_id=k, due_on=d), ids, days),
    st.builds(lambda d: DecisionIssued(occurred_at=T, outcome=Outcome.CLEARED, decided_on=d), days),
    st.builds(lambda d: ProceedingClosed(occurred_at=T, closed_on=d), days),
)  # fmt: skip
commands = st.lists(
    st.one_of(
        st.tuples(st.just("investment"), investment_events),
        st.tuples(st.just("proceeding"), proceeding_events),
        st.tuples(st.just("retract"), st.integers(0, 1000)),
        st.tuples(st.just("catch_up"), st.none()),
    ),
    max_size=25,
)


def recorded(stream_id: str, version: int, event_id: uuid.UUID, event: Event) -> RecordedEvent:
    return RecordedEvent(
        position=None, event_id=event_id, stream_id=stream_id,
        stream_type=stream_id.split("-", 1)[0], version=version,
        type=registry.type_of(event).name, schema_version=1, event=event, metadata={},
        occurred_at=event.occurred_at, recorded_at=T, hash="",
    )  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=commands)
def test_incremental_views_equal_a_rebuild_and_the_in_memory_fold(
    commands: list[tuple[str, Any]],
) -> None:
    deal = record_deal()
    memory: dict[str, list[RecordedEvent]] = {
        stream: [
            recorded(stream, e.version, e.event_id, e.event)
            for e in store.read_stream(stream, effective=False)
        ]
        for stream in (deal.investment, deal.proceeding)
    }
    for kind, payload in commands:
        if kind == "catch_up":
            projections.catch_up()
            continue
        if kind == "retract":
            stream = deal.investment if payload % 2 else deal.proceeding
            live = [e for e in store.apply_corrections(memory[stream]) if e.version > 1]
            if not live:
                continue
            event: Event = EventRetracted(
                occurred_at=T, target_event_id=live[payload % len(live)].event_id, reason="r"
            )
        else:
            stream = deal.investment if kind == "investment" else deal.proceeding
            event = payload
        try:
            result = event_record(stream_id=stream, event=event, actor="hypothesis")
        except DomainError:
            continue  # refused by the rules: nothing was written
        memory[stream].append(recorded(stream, result.version, result.event_ids[0], event))

    projections.catch_up()
    incremental = snapshot()

    investment = investments.fold(deal.investment, store.apply_corrections(memory[deal.investment]))
    position = InvestmentPosition.objects.get(stream_id=deal.investment)
    assert position.equity_pct == investment.total("equity_pct")
    assert position.rights == dict(investment.rights)
    assert position.invested_eur == investment.invested_eur
    assert position.personnel_hired == investment.personnel_hired
    assert [a["agreement_id"] for a in position.agreements_in_force] == [
        a.agreement_id for a in investment.agreements_in_force
    ]
    proceeding = proceedings.fold(deal.proceeding, store.apply_corrections(memory[deal.proceeding]))
    row = Proceeding.objects.get(stream_id=deal.proceeding)
    assert (row.status, row.outcome) == (proceeding.status, proceeding.outcome)
    assert sorted(
        Deadline.objects.filter(proceeding_id=deal.proceeding).values_list("key", "due_on")
    ) == sorted((d.key, d.due_on) for d in proceeding.open_dues())
    effective = sum(
        len(store.apply_corrections(memory[s])) for s in (deal.investment, deal.proceeding)
    )
    assert TimelineEntry.objects.filter(investment_id=deal.investment).count() == effective

    for projection in projections.get_projections():
        projections.rebuild(projection)
    assert snapshot() == incremental
