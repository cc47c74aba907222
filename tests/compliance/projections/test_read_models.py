"""The read models after recording a deal: content, corrections, and rebuild equality."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model

from compliance import selectors
from compliance.domain.events import (
    DeadlineExtended,
    DecisionIssued,
    GatekeeperDesignated,
    SubmissionFiled,
)
from compliance.domain.values import Outcome
from compliance.models import Deadline, InvestmentPosition, Party, Proceeding, TimelineEntry
from compliance.services import event_record
from events import projections, store
from events.types import EventRetracted
from tests.compliance.scenario import T0, record_deal

pytestmark = pytest.mark.django_db(transaction=True)
MODELS: list[type[Model]] = [Party, InvestmentPosition, Proceeding, Deadline, TimelineEntry]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    return {
        model.__name__: sorted(
            ({k: v for k, v in row.items() if k != "id"} for row in model.objects.values()),
            key=repr,
        )
        for model in MODELS
    }


def test_the_views_show_the_deal() -> None:
    deal = record_deal()
    event_record(
        stream_id=deal.investor,
        event=GatekeeperDesignated(
            occurred_at=T0, regime="DMA", designated_on=date(2023, 9, 5),
            core_platform_services=["Windows PC OS"],
        ),
        actor="a",
    )  # fmt: skip
    projections.catch_up()

    assert Party.objects.get(stream_id=deal.investor).is_gatekeeper
    position = InvestmentPosition.objects.get(stream_id=deal.investment)
    assert position.invested_eur == Decimal("15000000")
    assert position.rights == {"observer_seat": 1}
    assert "convertible_note" in position.holdings
    proceeding = Proceeding.objects.get(stream_id=deal.proceeding)
    assert proceeding.status == "open"
    assert proceeding.next_deadline == date(2024, 5, 2)
    deadlines = selectors.deadline_list(today=date(2024, 5, 5), proceeding_id=deal.proceeding)
    assert [(d.key, d.overdue, d.days_left) for d in deadlines] == [
        ("request:rfi-1", True, -3),
        ("deadline:itc", False, 4),
    ]
    timeline = list(selectors.timeline_list(investment_id=deal.investment))
    assert [e.type for e in timeline] == [
        "InvestmentAnnounced", "StakeAcquired", "GovernanceRightGranted",
        "ProceedingOpened", "DeadlineSet", "InformationRequestReceived",
    ]  # fmt: skip
    assert timeline[1].summary.startswith("Stake acquired: instrument convertible note")


def test_answered_requests_extended_deadlines_and_decisions_move_the_deadlines() -> None:
    deal = record_deal()
    for event in [
        SubmissionFiled(occurred_at=T0, filed_on=date(2024, 5, 1), request_id="rfi-1"),
        DeadlineExtended(occurred_at=T0, deadline_id="itc", due_on=date(2024, 5, 20)),
    ]:
        event_record(stream_id=deal.proceeding, event=event, actor="a")
    projections.catch_up()
    assert [(d.key, d.due_on) for d in selectors.deadline_list(proceeding_id=deal.proceeding)] == [
        ("deadline:itc", date(2024, 5, 20))
    ]
    event_record(
        stream_id=deal.proceeding,
        event=DecisionIssued(
            occurred_at=T0, outcome=Outcome.NOT_A_CONCENTRATION, decided_on=date(2024, 5, 17)
        ),
        actor="a",
    )
    projections.catch_up()
    assert selectors.deadline_list(proceeding_id=deal.proceeding) == []
    assert Proceeding.objects.get(stream_id=deal.proceeding).outcome == "not_a_concentration"


def test_a_retraction_is_honoured_by_every_view() -> None:
    deal = record_deal()
    projections.catch_up()
    grant = store.read_stream(deal.investment)[2]
    assert grant.type == "GovernanceRightGranted"
    event_record(
        stream_id=deal.investment,
        event=EventRetracted(occurred_at=T0, target_event_id=grant.event_id, reason="wrong deal"),
        actor="a",
    )
    projections.catch_up()
    assert InvestmentPosition.objects.get(stream_id=deal.investment).rights == {}
    types = [e.type for e in selectors.timeline_list(investment_id=deal.investment)]
    assert "GovernanceRightGranted" not in types


def test_a_rebuild_yields_exactly_the_incrementally_built_views() -> None:
    deal = record_deal()
    projections.catch_up()
    event_record(
        stream_id=deal.proceeding,
        event=SubmissionFiled(occurred_at=T0, filed_on=date(2024, 5, 1), request_id="rfi-1"),
        actor="a",
    )
    record_deal()
    projections.catch_up()
    incremental = snapshot()

    for projection in projections.get_projections():
        assert projections.rebuild(projection).status == "ok"

    assert snapshot() == incremental
