"""Retractions and corrections through the API get every check the event they change got:
the domain's invariants, the references, and the writer's ethical walls before and after."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from compliance.domain.events import ProceedingOpened
from compliance.domain.values import ProceedingKind
from compliance.services import proceeding_open
from events import projections, store
from events.types import registry
from tests.compliance.api.conftest import World
from tests.compliance.scenario import T0

pytestmark = pytest.mark.django_db


def _opening(stream_id: str) -> Any:
    return next(e for e in store.read_stream(stream_id) if e.type == "ProceedingOpened")


def _record(world: World, who: str, stream_id: str, type_name: str, **data: Any) -> Any:
    """POST one event on a stream at its current version, as ``who``."""
    body = {"type": type_name, "expected_version": store.current_version(stream_id), "data": data}
    return world.client(who).post(f"/api/v1/streams/{stream_id}/events/", body, format="json")


def _correct(world: World, who: str, stream_id: str, target: Any, **changes: Any) -> Any:
    return _record(
        world, who, stream_id, "EventCorrected", occurred_at="2024-06-01T00:00:00Z",
        target_event_id=str(target.event_id), reason="A typo in the record.",
        data={**_payload(target), **changes},
    )  # fmt: skip


def _retract(world: World, who: str, stream_id: str, target: Any) -> Any:
    return _record(
        world, who, stream_id, "EventRetracted", occurred_at="2024-06-01T00:00:00Z",
        target_event_id=str(target.event_id), reason="Recorded by mistake.",
    )  # fmt: skip


def _payload(recorded: Any) -> dict[str, Any]:
    """The recorded payload as JSON, ready to be edited into a correction."""
    return registry.get(recorded.type).adapter.dump_python(recorded.event, mode="json")


def test_a_correction_cannot_point_a_proceeding_at_another_matters_deal(world: World) -> None:
    """The defect: matter B's analyst re-pointed B's proceeding at A's deal (201), so it
    appeared in A's views and reports, and B lost it."""
    proceeding = world.b.proceeding
    before = store.current_version(proceeding)
    response = _correct(
        world, "other", proceeding, _opening(proceeding), investment_ids=[world.a.investment]
    )
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "unknown_reference"
    assert body["errors"][0]["field"] == "data.investment_ids.0"
    assert body["detail"] == f"No investment {world.a.investment!r} is recorded."
    assert store.current_version(proceeding) == before  # nothing written
    projections.catch_up()
    seen_by_a = world.client("analyst").get("/api/v1/proceedings/").json()["results"]
    assert [row["stream_id"] for row in seen_by_a] == [world.a.proceeding]


def test_a_correction_naming_an_unrecorded_investment_is_refused(world: World) -> None:
    proceeding = world.b.proceeding
    missing = f"investment-{uuid.uuid4().hex}"
    for who in ["other", "admin"]:
        response = _correct(world, who, proceeding, _opening(proceeding), investment_ids=[missing])
        assert response.status_code == 422, (who, response.json())
        assert response.json()["code"] == "unknown_reference"
        assert response.json()["errors"][0]["field"] == "data.investment_ids.0"


def test_a_hidden_and_a_missing_correction_target_answer_alike(world: World) -> None:
    hidden = _correct(world, "other", world.a.proceeding, _opening(world.a.proceeding))
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"No stream {world.a.proceeding}."
    assert store.current_version(world.a.proceeding) == 3


@pytest.fixture
def joint(world: World) -> str:
    """A proceeding about both matters' deals (opened by someone who sees both)."""
    return proceeding_open(
        actor="setup",
        occurred_at=T0,
        authority="European Commission",
        legal_basis="Art 22 EUMR",
        kind=ProceedingKind.REFERRAL_REQUEST,
        investment_ids=[world.a.investment, world.b.investment],
    ).stream_id


def test_a_proceeding_that_also_concerns_another_matter_is_not_theirs_to_change(
    world: World, joint: str
) -> None:
    opening = _opening(joint)
    dropped = _correct(world, "other", joint, opening, investment_ids=[world.b.investment])
    assert dropped.status_code == 404
    assert dropped.json()["errors"][0]["field"] == "target_event_id"
    assert _retract(world, "other", joint, opening).status_code == 404
    assert store.current_version(joint) == 1
    # Someone staffed on both (an admin) may.
    assert _retract(world, "admin", joint, opening).status_code == 201


def test_a_correction_must_keep_the_domain_invariants(world: World) -> None:
    """Checked as the corrected event would have been: 50 % on top of a later 60 % is more
    than the whole company."""
    investment = world.a.investment
    later = _record(
        world, "analyst", investment, "StakeAcquired", occurred_at="2024-04-01T00:00:00Z",
        instrument="ordinary_shares", equity_pct="60",
    )  # fmt: skip
    assert later.status_code == 201, later.json()
    first = next(e for e in store.read_stream(investment) if e.type == "StakeAcquired")
    response = _correct(world, "analyst", investment, first, equity_pct="50")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "percentage_out_of_range"
    assert store.current_version(investment) == 4
    assert _correct(world, "analyst", investment, first, equity_pct="40").status_code == 201


def test_a_correction_that_later_events_no_longer_fit_is_refused(world: World) -> None:
    """Correcting a request's due date is fine; correcting away the request that a later
    submission answers would leave the submission answering nothing."""
    proceeding = world.a.proceeding
    filed = _record(
        world, "analyst", proceeding, "SubmissionFiled", occurred_at="2024-05-01T00:00:00Z",
        request_id="rfi-1", filed_on="2024-05-01",
    )  # fmt: skip
    assert filed.status_code == 201, filed.json()
    request = next(
        e for e in store.read_stream(proceeding) if e.type == "InformationRequestReceived"
    )
    renamed = _correct(world, "analyst", proceeding, request, request_id="rfi-2")
    assert renamed.status_code == 422, renamed.json()
    assert renamed.json()["code"] == "request_unknown"
    assert "would no longer hold" in renamed.json()["detail"]
    assert _retract(world, "analyst", proceeding, request).status_code == 422
    later = _correct(world, "analyst", proceeding, request, due_on="2024-05-09")
    assert later.status_code == 201, later.json()


def test_an_analyst_corrects_their_own_matters_proceeding(world: World) -> None:
    proceeding = world.a.proceeding
    opening = _opening(proceeding)
    response = _correct(world, "analyst", proceeding, opening, reference="AT.40000")
    assert response.status_code == 201, response.json()
    corrected = _opening(proceeding).event
    assert isinstance(corrected, ProceedingOpened)
    assert corrected.reference == "AT.40000"
    assert corrected.investment_ids == [world.a.investment]
