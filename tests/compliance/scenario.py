"""A small deal recorded through the services, for service and projection tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from compliance.domain.events import (
    DeadlineSet,
    GovernanceRightGranted,
    InformationRequestReceived,
    StakeAcquired,
)
from compliance.domain.values import (
    GovernanceRight,
    Instrument,
    Money,
    PartyKind,
    ProceedingKind,
)
from compliance.services import (
    event_record,
    investment_announce,
    party_register,
    proceeding_open,
)

T0 = datetime(2024, 2, 26, tzinfo=UTC)


@dataclass(frozen=True)
class Deal:
    investor: str
    target: str
    investment: str
    proceeding: str


def record_deal(*, actor: str = "tester") -> Deal:
    tag = uuid.uuid4().hex[:8]
    investor = party_register(
        actor=actor, occurred_at=T0, name=f"Investor {tag}", kind=PartyKind.COMPANY, country="US"
    ).stream_id
    target = party_register(
        actor=actor, occurred_at=T0, name=f"Target {tag}", kind=PartyKind.COMPANY, country="FR"
    ).stream_id
    investment = investment_announce(
        actor=actor, occurred_at=T0, investor_id=investor, target_id=target, title=f"Deal {tag}"
    ).stream_id
    event_record(
        stream_id=investment,
        event=StakeAcquired(
            occurred_at=T0,
            instrument=Instrument.CONVERTIBLE_NOTE,
            amount=Money(amount=Decimal("15000000"), currency="EUR"),
        ),
        actor=actor,
    )
    event_record(
        stream_id=investment,
        event=GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.OBSERVER_SEAT),
        actor=actor,
    )
    proceeding = proceeding_open(
        actor=actor,
        occurred_at=T0,
        authority="UK CMA",
        legal_basis="Enterprise Act 2002",
        kind=ProceedingKind.INVITATION_TO_COMMENT,
        investment_ids=[investment],
    ).stream_id
    event_record(
        stream_id=proceeding,
        event=DeadlineSet(
            occurred_at=T0, deadline_id="itc", due_on=date(2024, 5, 9), description="Comments"
        ),
        actor=actor,
    )
    event_record(
        stream_id=proceeding,
        event=InformationRequestReceived(
            occurred_at=T0,
            request_id="rfi-1",
            received_on=date(2024, 4, 25),
            due_on=date(2024, 5, 2),
        ),
        actor=actor,
    )
    return Deal(investor, target, investment, proceeding)
