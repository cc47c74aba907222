"""Reports through the REST API: request (the task runs in-process here), follow, list,
download; walls: a matter's reports for its staff and admins, every-matter reports for
admins only, 404 beyond."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from compliance.models import Report
from compliance.reports import services
from tests.compliance.reports.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def ask(world: World, django_capture_on_commit_callbacks: Any) -> Callable[..., dict[str, Any]]:
    """Request a report as a user; the build task queued on commit runs in-process (the
    test's transaction never commits, so the callbacks are run by hand). Returns the
    report as read back after the task."""

    def post(who: str, body: dict[str, object]) -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            response = world.client(who).post("/api/v1/reports/", body, format="json")
        assert response.status_code == 202, response.json()
        assert response.json()["status"] == "pending"
        return dict(world.client(who).get(f"/api/v1/reports/{response.json()['id']}/").json())

    return post


def test_an_analyst_requests_a_report_of_their_matter_and_downloads_it(
    world: World, ask: Any
) -> None:
    body = ask("analyst", {"matter": "A-1", "as_of": "2024-05-01", "formats": ["csv", "html"]})
    assert body["status"] == "done" and body["progress"] == 100  # built in-process here
    assert body["matter"] == "A-1" and body["investment_ids"] == [world.a.investment]
    assert body["position"] > 0 and len(body["chain_hash"]) == 64
    assert body["pack_versions"]["eumr"] == "1"
    assert body["task_id"]
    assert {f["format"] for f in body["files"]} == {"csv", "html"}
    client = world.client("viewer")  # staffed on A-1 too
    detail = client.get(f"/api/v1/reports/{body['id']}/").json()
    assert detail["id"] == body["id"] and detail["status"] == "done"
    for file in detail["files"]:
        response = client.get(file["url"])
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == file["sha256"] == response["X-Content-SHA256"]
        assert response["Content-Type"].startswith(
            {"csv": "text/csv", "html": "text/html"}[file["format"]]
        )
        assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/api/v1/reports/{body['id']}/files/pdf/").status_code == 404  # not built
    assert client.get(f"/api/v1/reports/{body['id']}/files/docx/").status_code == 404


def test_walls(world: World, ask: Any) -> None:
    mine = ask("analyst", {"matter": "A-1", "formats": ["csv"]})
    every = ask("admin", {"formats": ["csv"]})
    theirs = ask("other", {"matter": "B-1", "formats": ["csv"]})
    listed = {
        who: {
            r["id"] for r in world.client(who).get("/api/v1/reports/?limit=1000").json()["results"]
        }
        for who in ("viewer", "other", "admin")
    }
    assert mine["id"] in listed["viewer"] and every["id"] not in listed["viewer"]
    assert theirs["id"] not in listed["viewer"]
    assert listed["other"] >= {theirs["id"]} and not listed["other"] & {mine["id"], every["id"]}
    assert {mine["id"], every["id"], theirs["id"]} <= listed["admin"]
    for who, hidden in (("viewer", every), ("viewer", theirs), ("other", mine)):
        client = world.client(who)
        for url in (
            f"/api/v1/reports/{hidden['id']}/",
            f"/api/v1/reports/{hidden['id']}/files/csv/",
        ):
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert response.json()["code"] == "not_found"
    assert world.client("admin").get(f"/api/v1/reports/{mine['id']}/files/csv/").status_code == 200
    assert world.client("norole").get("/api/v1/reports/").status_code == 403
    assert world.client(None).get("/api/v1/reports/").status_code == 401


def test_who_may_request_what(world: World) -> None:
    analyst = world.client("analyst")
    refused = analyst.post("/api/v1/reports/", {"formats": ["csv"]}, format="json")
    assert refused.status_code == 403  # every matter: admins only
    across = analyst.post("/api/v1/reports/", {"matter": "B-1"}, format="json")
    assert across.status_code == 422 and across.json()["errors"][0]["field"] == "matter"
    viewer = world.client("viewer").post("/api/v1/reports/", {"matter": "A-1"}, format="json")
    assert viewer.status_code == 403  # viewers read reports, they do not request them
    bad = analyst.post("/api/v1/reports/", {"matter": "A-1", "formats": ["docx"]}, format="json")
    assert bad.status_code == 400
    unknown = analyst.post("/api/v1/reports/", {"matter": "A-1", "colour": "red"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "colour"
    naive = analyst.post(
        "/api/v1/reports/", {"matter": "A-1", "known_at": "2024-05-01T00:00:00"}, format="json"
    )
    assert naive.status_code == 400
    assert Report.objects.filter(requested_by=world.users["viewer"]).count() == 0


def test_the_task_state_is_visible_while_pending(world: World) -> None:
    report = services.report_request(matter_code="A-1", formats=["csv"])
    body = world.client("analyst").get(f"/api/v1/reports/{report.pk}/").json()
    assert body["status"] == "pending" and body["position"] is None and body["files"] == []
    services.report_build(report_id=report.pk)
    body = world.client("analyst").get(f"/api/v1/reports/{report.pk}/").json()
    assert body["status"] == "done" and body["stage"] == "done"
    assert world.client("analyst").get("/api/v1/reports/?matter=A-1").json()["count"] >= 1
    assert world.client("analyst").get("/api/v1/reports/?matter=B-1").json()["count"] == 0
