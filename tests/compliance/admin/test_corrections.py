"""Retract and correct from an event's page: a mandatory reason, the original kept and
marked, with a link to the correction."""

from __future__ import annotations

from typing import Any

import pytest

from events import store
from events.models import StoredEvent
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def stake_row(world: World) -> StoredEvent:
    row = StoredEvent.objects.get(stream_id=world.a.investment, type="StakeAcquired")
    return row


def test_a_correction_needs_a_reason_and_keeps_the_original(world: World, browse: Any) -> None:
    client = browse("analyst")
    row = stake_row(world)
    page = client.get(f"/admin/events/storedevent/{row.seq}/change/").content.decode()
    assert "Correct" in page and "Retract" in page
    url = f"/admin/events/storedevent/{row.seq}/correct/"
    form = client.get(url).content.decode()
    assert 'value="15000000' in form  # filled with what was recorded
    missing = client.post(url, {"expected_version": "3", "occurred_at_0": "2024-02-26",
                                "occurred_at_1": "00:00", "instrument": "convertible_note",
                                "amount.amount": "15000000", "amount.currency": "EUR"})  # fmt: skip
    assert missing.status_code == 200 and store.current_version(world.a.investment) == 3
    done = client.post(url, {"expected_version": "3", "occurred_at_0": "2024-02-27",
                             "occurred_at_1": "00:00", "instrument": "convertible_note",
                             "amount.amount": "16000000", "amount.currency": "EUR",
                             "correction_reason": "The filing says EUR 16m."})  # fmt: skip
    assert done.status_code == 302
    (stake,) = [e for e in store.read_stream(world.a.investment) if e.type == "StakeAcquired"]
    assert str(stake.event.amount.amount) == "16000000"
    assert stake.corrected_by is not None
    original = client.get(f"/admin/events/storedevent/{row.seq}/change/").content.decode()
    assert "corrected" in original and "The filing says EUR 16m." in original
    fix = StoredEvent.objects.get(event_id=stake.corrected_by)
    assert f"/admin/events/storedevent/{fix.seq}/change/" in original


def test_a_retraction_marks_the_event_in_the_list(world: World, browse: Any) -> None:
    client = browse("analyst")
    row = StoredEvent.objects.get(stream_id=world.a.investment, type="GovernanceRightGranted")
    url = f"/admin/events/storedevent/{row.seq}/retract/"
    assert client.post(url, {"expected_version": "3", "correction_reason": ""}).status_code == 200
    done = client.post(url, {"expected_version": "3", "correction_reason": "Never granted."})
    assert done.status_code == 302
    listed = client.get("/admin/events/storedevent/", {"q": world.a.investment}).content.decode()
    assert "retracted" in listed and "Never granted." in listed
    assert "GovernanceRightGranted" not in [e.type for e in store.read_stream(world.a.investment)]


def test_viewers_and_other_matters_cannot_correct(world: World, browse: Any) -> None:
    row = stake_row(world)
    assert browse("viewer").get(f"/admin/events/storedevent/{row.seq}/retract/").status_code == 403
    assert browse("other").get(f"/admin/events/storedevent/{row.seq}/retract/").status_code == 404
    assert browse("other").get(f"/admin/events/storedevent/{row.seq}/change/").status_code == 302


def test_a_correction_cannot_carry_a_proceeding_across_the_wall_or_to_nothing(
    world: World, browse: Any
) -> None:
    """Matter B's analyst corrects B's proceeding to concern matter A's deal, and an admin to
    concern a deal never recorded: both refused on the form, nothing written."""
    row = StoredEvent.objects.get(stream_id=world.b.proceeding, type="ProceedingOpened")
    version = store.current_version(world.b.proceeding)
    url = f"/admin/events/storedevent/{row.seq}/correct/"
    missing = "investment-" + "0" * 32
    for who, investment_id in [("other", world.a.investment), ("admin", missing)]:
        response = browse(who).post(
            url,
            {"expected_version": str(version), "occurred_at_0": "2024-02-26",
             "occurred_at_1": "00:00", "authority": "UK CMA",
             "legal_basis": "Enterprise Act 2002", "kind": "invitation_to_comment",
             "investment_ids": investment_id, "correction_reason": "Wrong deal."},
        )  # fmt: skip
        assert response.status_code == 200, who
        assert f"No investment {investment_id!r} is recorded." in response.content.decode().replace(
            "&#x27;", "'"
        ), who
    assert store.current_version(world.b.proceeding) == version
