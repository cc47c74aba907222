"""Reads: each endpoint's content, filters, as_of / known_at, and the log's cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument
from compliance.services import event_record
from events import projections
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def test_the_position_of_an_investment_now_and_before_its_stake(world: World) -> None:
    client = world.client("viewer")
    url = f"/api/v1/investments/{world.a.investment}/"
    now = client.get(url).json()
    assert now["stream_id"] == world.a.investment
    assert now["invested_eur"] == "15000000.00"
    assert now["rights"] == {"observer_seat": 1}
    assert client.get(f"{url}?as_of=2024-02-25").status_code == 404  # not announced yet
    assert client.get(f"{url}?as_of=2024-02-26").json()["version"] == 3


def test_known_at_reads_the_log_as_it_was_then(world: World) -> None:
    before = timezone.now()
    event_record(
        stream_id=world.a.investment,
        event=StakeAcquired(
            occurred_at=datetime(2024, 3, 1, tzinfo=UTC),
            instrument=Instrument.ORDINARY_SHARES,
            equity_pct=Decimal("1"),
        ),
        actor="t",
    )
    projections.catch_up()
    client = world.client("viewer")
    url = f"/api/v1/investments/{world.a.investment}/"
    assert client.get(url).json()["equity_pct"] == "1.0000"
    then = client.get(url, {"known_at": before.isoformat()}).json()
    assert then["equity_pct"] is None and then["version"] == 3


def test_naive_and_malformed_times_are_a_400_naming_the_parameter(world: World) -> None:
    client = world.client("viewer")
    url = f"/api/v1/investments/{world.a.investment}/"
    for params, field in [
        ({"known_at": "2024-03-01T00:00:00"}, "known_at"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_off": "2024-01-01"}, "as_off"),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["field"] == field


def test_findings_per_investment_explain_themselves(world: World) -> None:
    rows = world.client("viewer").get(f"/api/v1/investments/{world.a.investment}/findings/").json()
    assert {row["regime"] for row in rows} >= {"eumr", "dma_art14", "fsr_art20"}
    for row in rows:
        assert row["status"] and row["rationale"] and row["pack_version"]
        assert 0 <= row["score"] <= 100
        assert isinstance(row["event_ids"], list) and isinstance(row["missing"], list)
    regimes = (
        world.client("viewer")
        .get(f"/api/v1/investments/{world.a.investment}/findings/", {"regime": "eumr"})
        .json()
    )
    assert [row["regime"] for row in regimes] == ["eumr"]


def test_findings_evaluated_in_the_past_match_the_view_now_for_an_unchanged_deal(
    world: World,
) -> None:
    client = world.client("viewer")
    url = f"/api/v1/investments/{world.a.investment}/findings/"
    now = {(r["regime"], r["status"]) for r in client.get(url).json()}
    past = {(r["regime"], r["status"]) for r in client.get(url, {"as_of": "2024-02-26"}).json()}
    assert now == past


def test_the_risk_matrix_has_a_cell_per_regime(world: World) -> None:
    matrix = world.client("viewer").get("/api/v1/risk-matrix/").json()
    (row,) = matrix["rows"]
    assert row["investment_id"] == world.a.investment
    assert set(row["cells"]) == set(matrix["regimes"])
    assert row["highest"]["status"] in {c["status"] for c in row["cells"].values()}


def test_the_timeline_merges_the_investment_and_its_proceedings(world: World) -> None:
    rows = world.client("viewer").get(f"/api/v1/investments/{world.a.investment}/timeline/").json()
    assert {r["stream_id"] for r in rows} == {world.a.investment, world.a.proceeding}
    assert rows[0]["type"] == "InvestmentAnnounced"
    past = world.client("viewer").get(
        f"/api/v1/investments/{world.a.investment}/timeline/", {"known_at": "2000-01-01"}
    )
    assert past.json() == []


def test_deadlines_with_overdue_and_due_before(world: World) -> None:
    client = world.client("viewer")
    rows = client.get("/api/v1/deadlines/", {"as_of": "2024-05-05"}).json()["results"]
    assert [(r["key"], r["overdue"], r["days_left"]) for r in rows] == [
        ("request:rfi-1", True, -3),
        ("deadline:itc", False, 4),
    ]
    overdue = client.get("/api/v1/deadlines/", {"as_of": "2024-05-05", "overdue": "true"})
    assert [r["key"] for r in overdue.json()["results"]] == ["request:rfi-1"]
    soon = client.get("/api/v1/deadlines/", {"due_before": "2024-05-03"}).json()["results"]
    assert [r["key"] for r in soon] == ["request:rfi-1"]


def test_proceedings_list_and_detail(world: World) -> None:
    client = world.client("viewer")
    listed = client.get("/api/v1/proceedings/", {"authority": "cma"}).json()
    assert [p["stream_id"] for p in listed["results"]] == [world.a.proceeding]
    detail = client.get(f"/api/v1/proceedings/{world.a.proceeding}/").json()
    assert detail["investment_ids"] == [world.a.investment]
    assert detail["next_deadline"] == "2024-05-02"


def test_parties_are_listed_with_filters(world: World) -> None:
    client = world.client("viewer")
    found = client.get("/api/v1/parties/", {"country": "FR", "limit": "1000"}).json()["results"]
    assert world.a.target in {p["stream_id"] for p in found}
    assert all(p["country"] == "FR" for p in found)
    assert client.get("/api/v1/parties/", {"kind": "spaceship"}).status_code == 400


def test_the_log_pages_by_position_and_filters(world: World) -> None:
    client = world.client("viewer")
    first = client.get("/api/v1/events/", {"stream_id": world.a.investment, "limit": "2"}).json()
    assert [e["version"] for e in first["results"]] == [1, 2]
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert [e["version"] for e in second["results"]] == [3]
    assert second["next"] is None
    assert second["results"][0]["position"] > first["last_position"]
    typed = client.get("/api/v1/events/", {"type": "DeadlineSet", "limit": "1000"}).json()
    assert world.a.proceeding in {e["stream_id"] for e in typed["results"]}
    assert {e["type"] for e in typed["results"]} == {"DeadlineSet"}
    window = client.get(
        "/api/v1/events/",
        {"stream_id": world.a.investment, "occurred_after": "2024-02-26T00:00:00Z",
         "occurred_before": "2024-02-26T00:00:01Z"},
    ).json()  # fmt: skip
    assert len(window["results"]) == 3


def test_a_stream_and_an_event_read_back_with_their_hashes(world: World) -> None:
    client = world.client("viewer")
    stream = client.get(f"/api/v1/streams/{world.a.investment}/events/").json()
    assert stream["version"] == 3
    event = stream["events"][0]
    assert event["type"] == "InvestmentAnnounced" and len(event["hash"]) == 64
    assert client.get(f"/api/v1/events/{event['event_id']}/").json() == event


def test_the_catalogue_gives_each_type_its_json_schema(world: World) -> None:
    client = world.client("viewer")
    types = client.get("/api/v1/event-types/").json()
    names = {t["name"] for t in types}
    assert {"StakeAcquired", "EventCorrected", "PartyRegistered"} <= names
    stake = client.get("/api/v1/event-types/StakeAcquired/").json()
    assert stake["streams"] == ["investment"]
    assert "instrument" in stake["json_schema"]["properties"]
    assert client.get("/api/v1/event-types/Nope/").status_code == 404


def test_the_diff_between_two_known_at_times(world: World) -> None:
    client = world.client("viewer")
    url = f"/api/v1/investments/{world.a.investment}/findings/diff/"
    same = client.get(url, {"as_of": "2024-06-01"}).json()
    assert same == []
    before_anything = client.get(url, {"as_of": "2024-06-01", "before_known_at": "2000-01-01"})
    assert before_anything.status_code == 404  # the deal was not known then
    bad = client.get(url, {"as_of": "2024-06-01", "before_versions": "eumr=0.0"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "before_versions"
