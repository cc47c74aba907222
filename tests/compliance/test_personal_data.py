"""Named key hires are personal data: stored encrypted, shown by the API until the person is
erased, then shown as erased; the deal's other facts and every read model stay the same."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection

from compliance.access import Audience
from compliance.api.serializers import recorded
from compliance.domain.events import KeyPersonnelHired
from compliance.models import InvestmentPosition
from compliance.projections.positions import InvestmentPositionsProjection
from compliance.services import event_record
from events import ledger, personal, store
from events.models import LedgerEntry
from events.types import (
    PersonalData,
    registry,
)
from tests.compliance.scenario import T0, record_deal

READER = Audience(AnonymousUser())  # metadata aside, what anyone is shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def rebuilt(investment: str) -> list[dict[str, Any]]:
    """The deal's position rebuilt from its stream as a rebuild from position 0 does (a full
    rebuild_projections is not possible here: the suite's log holds test types of private
    registries)."""
    InvestmentPositionsProjection().handle_batch(store.read_stream(investment))
    return positions(investment)


def positions(investment: str) -> list[dict[str, Any]]:
    return [dict(row) for row in InvestmentPosition.objects.filter(stream_id=investment).values()]


def test_named_hires_are_encrypted_shown_and_erased(settings: Any) -> None:
    deal = record_deal()
    person = personal.random_subject()
    event_record(
        stream_id=deal.investment,
        event=KeyPersonnelHired(
            occurred_at=T0,
            count=2,
            named_hires=[PersonalData(subject=person, value="Ada Lovelace")],
        ),
        actor="tester",
    )
    ledger.seal()
    entry = (
        LedgerEntry.objects.select_related("event")
        .filter(event__stream_id=deal.investment, event__type="KeyPersonnelHired")
        .get()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(data AS text) FROM events_event WHERE seq = %s", [entry.event_id]
        )
        assert "Ada" not in cursor.fetchone()[0]
    assert recorded(entry, READER)["data"]["named_hires"] == [
        {"subject": person, "value": "Ada Lovelace", "erased": False}
    ]
    before = rebuilt(deal.investment)
    assert before and before[0]["personnel_hired"] == 2

    call_command("erase_subject", person, "--reason", "art. 17 request", "--actor", "dpo",
                 stdout=StringIO())  # fmt: skip
    entry.event.refresh_from_db()
    shown = recorded(entry, READER)["data"]
    assert shown["named_hires"] == [{"subject": person, "value": None, "erased": True}]
    assert shown["count"] == 2
    assert "Ada" not in json.dumps(shown)
    assert rebuilt(deal.investment) == before  # the same results, minus the names
    assert ledger.verify().ok


def test_the_oldest_payload_without_names_still_loads() -> None:
    event = registry.decode(
        "KeyPersonnelHired", 1, {"occurred_at": T0.isoformat(), "count": 3, "roles": []}
    )
    assert event.named_hires == []
