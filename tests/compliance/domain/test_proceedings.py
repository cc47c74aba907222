"""The proceeding's fold and rules, in memory."""

from __future__ import annotations

import pytest

from compliance.domain import proceedings
from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    DeadlineExtended,
    DeadlineSet,
    DecisionIssued,
    InformationRequestReceived,
    PhaseChanged,
    ProceedingClosed,
    ProceedingOpened,
    ReferralAccepted,
    ReferralRequested,
    SubmissionFiled,
)
from compliance.domain.values import Outcome, ProceedingKind
from events.types import Event
from tests.compliance.domain.helpers import T0, day, history

STREAM = "proceeding-cma-1"
OPENED = ProceedingOpened(
    occurred_at=T0, authority="UK CMA", legal_basis="Enterprise Act 2002",
    kind=ProceedingKind.INVITATION_TO_COMMENT, investment_ids=["investment-x"],
)  # fmt: skip


def fold(*events: Event) -> proceedings.Proceeding:
    return proceedings.fold(STREAM, history(STREAM, OPENED, *events))


def rfi(request_id: str, received: str, due: str) -> InformationRequestReceived:
    return InformationRequestReceived(
        occurred_at=T0, request_id=request_id, received_on=day(received), due_on=day(due)
    )


def test_dues_phases_and_decision() -> None:
    state = fold(
        PhaseChanged(occurred_at=T0, phase=ProceedingKind.PHASE_1),
        rfi("r1", "2024-06-01", "2024-06-20"),
        rfi("r2", "2024-06-02", "2024-06-10"),
        SubmissionFiled(occurred_at=T0, filed_on=day("2024-06-09"), request_id="r2"),
        DeadlineSet(occurred_at=T0, deadline_id="p1", due_on=day("2024-09-11"), description="P1"),
        DeadlineExtended(occurred_at=T0, deadline_id="p1", due_on=day("2024-09-25")),
    )
    assert state.phase == "phase_1"
    assert [(d.key, d.due_on) for d in state.open_dues()] == [
        ("request:r1", day("2024-06-20")),
        ("deadline:p1", day("2024-09-25")),
    ]
    decided = fold(
        DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=day("2024-09-04"))
    )
    assert decided.outcome == "cleared" and decided.open_dues() == []


@pytest.mark.parametrize(
    ("events", "event", "code", "field"),
    [
        ([], rfi("r1", "2024-06-10", "2024-06-01"), ErrorCode.DUE_BEFORE_RECEIVED, "due_on"),
        ([rfi("r1", "2024-06-01", "2024-06-10")], rfi("r1", "2024-06-02", "2024-06-11"),
         ErrorCode.REQUEST_EXISTS, "request_id"),
        ([], SubmissionFiled(occurred_at=T0, filed_on=day("2024-06-01"), request_id="nope"),
         ErrorCode.REQUEST_UNKNOWN, "request_id"),
        ([ProceedingClosed(occurred_at=T0, closed_on=day("2024-05-17"))],
         DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=day("2024-05-18")),
         ErrorCode.PROCEEDING_CLOSED, "type"),
        ([DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=day("2024-05-18"))],
         DecisionIssued(occurred_at=T0, outcome=Outcome.PROHIBITED, decided_on=day("2024-05-19")),
         ErrorCode.ALREADY_DECIDED, "type"),
        ([DeadlineSet(occurred_at=T0, deadline_id="d", due_on=day("2024-09-11"), description="x")],
         DeadlineExtended(occurred_at=T0, deadline_id="d", due_on=day("2024-09-01")),
         ErrorCode.DEADLINE_NOT_LATER, "due_on"),
        ([], DeadlineExtended(occurred_at=T0, deadline_id="d", due_on=day("2024-09-01")),
         ErrorCode.DEADLINE_UNKNOWN, "deadline_id"),
        ([], ReferralAccepted(occurred_at=T0, decided_on=day("2024-10-31")),
         ErrorCode.REFERRAL_NOT_REQUESTED, "type"),
    ],
)  # fmt: skip
def test_rules_refuse_facts_that_contradict_the_history(
    events: list[Event], event: Event, code: ErrorCode, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        proceedings.check(fold(*events), event)
    assert caught.value.code == code
    assert caught.value.field == field


def test_a_referral_can_be_accepted_once_requested() -> None:
    state = fold(
        ReferralRequested(
            occurred_at=T0, requesting_authority="AGCM (IT)",
            receiving_authority="European Commission", legal_basis="EUMR Art 22(1)",
        ),
    )  # fmt: skip
    proceedings.check(state, ReferralAccepted(occurred_at=T0, decided_on=day("2024-10-31")))
