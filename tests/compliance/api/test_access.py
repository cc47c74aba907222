"""The authorisation matrix: every endpoint against anonymous, no-role, viewer, analyst,
admin and a user of another matter (ethical walls: 404, never 403, and lists that leave
the other matter out)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from events import store
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def reads(w: World) -> list[str]:
    """Every read endpoint about matter A's deal."""
    event_id = store.read_stream(w.a.investment)[0].event_id
    inv, proc = w.a.investment, w.a.proceeding
    return [
        "/api/v1/me/",
        "/api/v1/matters/",
        "/api/v1/parties/",
        f"/api/v1/parties/{w.a.investor}/",
        "/api/v1/investments/",
        f"/api/v1/investments/{inv}/",
        f"/api/v1/investments/{inv}/timeline/",
        f"/api/v1/investments/{inv}/findings/",
        f"/api/v1/investments/{inv}/findings/diff/?as_of=2024-03-01",
        "/api/v1/proceedings/",
        f"/api/v1/proceedings/{proc}/",
        "/api/v1/deadlines/",
        "/api/v1/findings/",
        "/api/v1/risk-matrix/",
        "/api/v1/events/",
        f"/api/v1/events/{event_id}/",
        f"/api/v1/streams/{inv}/events/",
        "/api/v1/event-types/",
        "/api/v1/event-types/StakeAcquired/",
        "/api/v1/exports/events.ndjson",
        "/api/v1/exports/events.csv",
        "/api/v1/exports/findings.csv",
        "/api/v1/exports/deadlines.csv",
    ]


def writes(w: World) -> list[tuple[str, dict[str, Any]]]:
    """Every write endpoint, each with a valid body about matter A."""
    inv = w.a.investment
    return [
        (
            "/api/v1/parties/",
            {"occurred_at": "2024-01-01T00:00:00Z", "name": "X", "kind": "company",
             "country": "FR"},
        ),
        (
            "/api/v1/investments/",
            {"occurred_at": "2024-01-01T00:00:00Z", "matter": "A-1", "investor_id": w.a.investor,
             "target_id": w.a.target, "title": "Another"},
        ),
        (
            "/api/v1/proceedings/",
            {"occurred_at": "2024-03-01T00:00:00Z", "authority": "European Commission",
             "legal_basis": "Art 22 EUMR", "kind": "referral_request", "investment_ids": [inv]},
        ),
        (
            f"/api/v1/streams/{inv}/events/",
            {"type": "KeyPersonnelHired", "expected_version": store.current_version(inv),
             "data": {"occurred_at": "2024-03-01T00:00:00Z", "count": 2, "roles": ["engineer"]}},
        ),
    ]  # fmt: skip


PRIVATE = ("investments/investment-", "proceedings/proceeding-", "events/0", "streams/")


def private(url: str) -> bool:
    """An endpoint about one object of matter A (an event id starts with any hex digit)."""
    return any(part in url for part in PRIVATE) or (
        url.startswith("/api/v1/events/") and url != "/api/v1/events/"
    )


def test_anonymous_users_get_401_everywhere(world: World) -> None:
    client = world.client(None)
    for url in reads(world):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Token")
    for url, body in writes(world):
        assert client.post(url, body, format="json").status_code == 401, url


def test_a_user_without_a_role_gets_403_everywhere(world: World) -> None:
    client = world.client("norole")
    for url in reads(world):
        assert client.get(url).status_code == 403, url
    for url, body in writes(world):
        assert client.post(url, body, format="json").status_code == 403, url


def test_viewers_read_but_never_write(world: World) -> None:
    client = world.client("viewer")
    for url in reads(world):
        assert client.get(url).status_code == 200, url
    for url, body in writes(world):
        response = client.post(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_analysts_and_admins_read_and_write(world: World, who: str) -> None:
    client = world.client(who)
    for url in reads(world):
        assert client.get(url).status_code == 200, url
    for url, body in writes(world):
        response = client.post(url, body, format="json")
        assert response.status_code == 201, (url, response.json())


def test_another_matter_sees_404_for_every_object_of_this_one(world: World) -> None:
    client = world.client("other")
    for url in reads(world):
        response = client.get(url)
        if private(url):
            assert response.status_code == 404, url
            assert response.json()["code"] == "not_found"
        else:
            assert response.status_code == 200, url
    for url, body in writes(world):
        response = client.post(url, body, format="json")
        if url.startswith("/api/v1/parties/"):
            assert response.status_code == 201  # parties are shared reference data
        elif url.startswith("/api/v1/investments/"):
            assert response.status_code == 422  # not staffed on matter A
            assert response.json()["errors"][0]["field"] == "matter"
        elif url.startswith("/api/v1/proceedings/"):
            assert response.status_code == 422  # as if the investment did not exist
            assert response.json()["detail"] == f"No investment {world.a.investment!r} is recorded."
        else:
            assert response.status_code == 404, url
    assert store.current_version(world.a.investment) == 3  # nothing written across the wall


def test_lists_counts_and_exports_leave_the_other_matter_out(world: World) -> None:
    mine, theirs = world.b, world.a
    client = world.client("other")

    def ids(url: str, key: str) -> set[str]:
        body = client.get(url).json()
        rows = body["results"] if isinstance(body, dict) else body
        return {row[key] for row in rows}

    investments = client.get("/api/v1/investments/").json()
    assert investments["count"] == 1
    assert ids("/api/v1/investments/", "stream_id") == {mine.investment}
    assert ids("/api/v1/proceedings/", "stream_id") == {mine.proceeding}
    assert ids("/api/v1/deadlines/", "proceeding_id") == {mine.proceeding}
    assert ids("/api/v1/findings/", "investment_id") == {mine.investment}
    matrix = client.get("/api/v1/risk-matrix/").json()
    assert [row["investment_id"] for row in matrix["rows"]] == [mine.investment]
    streams = ids("/api/v1/events/?limit=1000", "stream_id")
    assert {mine.investment, mine.proceeding} <= streams
    assert not {theirs.investment, theirs.proceeding} & streams
    assert ids(f"/api/v1/investments/?party_id={theirs.investor}", "stream_id") == set()
    for export in ["events.ndjson", "events.csv", "findings.csv", "deadlines.csv"]:
        text = b"".join(client.get(f"/api/v1/exports/{export}").streaming_content).decode()
        assert theirs.investment not in text and theirs.proceeding not in text, export
    assert mine.investment in text or export == "deadlines.csv"
    # Filters cannot reach across either.
    assert client.get(f"/api/v1/events/?stream_id={theirs.investment}").json()["results"] == []
    assert client.get(f"/api/v1/findings/?investment_id={theirs.investment}").json()["count"] == 0


def test_past_reads_respect_the_walls_too(world: World) -> None:
    client = world.client("other")
    past = "as_of=2024-06-01&known_at=2030-01-01"
    assert client.get(f"/api/v1/investments/{world.a.investment}/?{past}").status_code == 404
    listed = client.get(f"/api/v1/investments/?{past}").json()["results"]
    assert [row["stream_id"] for row in listed] == [world.b.investment]
    findings = client.get(f"/api/v1/findings/?{past}").json()["results"]
    assert {f["investment_id"] for f in findings} == {world.b.investment}


def test_unknown_and_hidden_objects_answer_alike(world: World) -> None:
    client = world.client("other")
    hidden = client.get(f"/api/v1/investments/{world.a.investment}/").json()
    missing = client.get(f"/api/v1/investments/investment-{uuid.uuid4().hex}/").json()
    assert hidden["code"] == missing["code"] == "not_found"
    assert hidden.keys() == missing.keys()


def test_matters_are_managed_by_admins_only(world: World) -> None:
    body = {"code": "C-1", "name": "New matter", "members": ["other"]}
    assert world.client("analyst").post("/api/v1/matters/", body, format="json").status_code == 403
    admin = world.client("admin")
    assert admin.post("/api/v1/matters/", body, format="json").status_code == 201
    assert admin.post("/api/v1/matters/", body, format="json").status_code == 409
    staffed = admin.patch(
        "/api/v1/matters/C-1/", {"investment_ids": [world.a.investment]}, format="json"
    )
    assert staffed.json()["investment_ids"] == [world.a.investment]
    # Staffed on C-1, "other" now sees matter A's deal.
    assert (
        world.client("other").get(f"/api/v1/investments/{world.a.investment}/").status_code == 200
    )
    assert world.client("analyst").get("/api/v1/matters/").json()[0]["code"] == "A-1"
    assert world.client("analyst").get("/api/v1/matters/B-1/").status_code == 404


def test_reports_follow_the_same_matrix(world: World) -> None:
    from compliance.reports.services import report_request

    report = report_request(matter_code="A-1", formats=["csv"])
    detail = f"/api/v1/reports/{report.pk}/"
    file = f"/api/v1/reports/{report.pk}/files/csv/"
    assert world.client(None).get("/api/v1/reports/").status_code == 401
    assert world.client("norole").get(detail).status_code == 403
    for who in ["viewer", "analyst", "admin"]:
        assert world.client(who).get(detail).status_code == 200, who
    other = world.client("other")
    assert other.get(detail).status_code == 404
    assert other.get(file).status_code == 404
    assert report.pk not in {r["id"] for r in other.get("/api/v1/reports/").json()["results"]}
    body = {"matter": "A-1", "formats": ["csv"]}
    refused = other.post("/api/v1/reports/", body, format="json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "matter"
    assert world.client("viewer").post("/api/v1/reports/", body, format="json").status_code == 403
