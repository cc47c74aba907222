"""Record a deal through the services; a real Celery worker (Redis, PostgreSQL) projects it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from compliance.domain.events import SubmissionFiled
from compliance.models import Deadline, InvestmentPosition, Proceeding, TimelineEntry
from compliance.services import event_record
from events import ledger
from events.models import ProjectionCheckpoint
from tests.compliance.scenario import T0, record_deal
from tests.e2e.conftest import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@override_settings(EVENTS_DISPATCH_ON_COMMIT=True)
def test_the_worker_builds_the_read_models(start_worker: object) -> None:
    start_worker()
    deal = record_deal()
    event_record(
        stream_id=deal.proceeding,
        event=SubmissionFiled(occurred_at=T0, filed_on=date(2024, 5, 1), request_id="rfi-1"),
        actor="e2e",
    )

    def projected() -> bool:
        return (
            Proceeding.objects.filter(stream_id=deal.proceeding, version=4).exists()
            and TimelineEntry.objects.filter(investment_id=deal.investment).count() == 7
        )

    wait_until(projected, what="the worker to project the deal")
    position = InvestmentPosition.objects.get(stream_id=deal.investment)
    assert position.invested_eur == Decimal("15000000")
    assert list(Deadline.objects.filter(proceeding_id=deal.proceeding).values_list("key")) == [
        ("deadline:itc",)
    ]
    ledger.seal()
    head = ledger.head()[0]
    wait_until(
        lambda: (
            all(
                c.position == head and not c.error
                for c in ProjectionCheckpoint.objects.exclude(name="stream_counter")
            )
            and ProjectionCheckpoint.objects.count() >= 5
        ),
        what="every projection to reach the head",
    )
