"""The admin's lists: filters, search and CSV downloads, behind the walls."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_downloads_follow_the_filters_on_screen(world: World, browse: Any) -> None:
    client = browse("analyst")
    findings = rows(client.get("/admin/compliance/riskfinding/export.csv", {"regime": "eumr"}))
    assert {r["regime"] for r in findings} == {"eumr"}
    assert {r["investment_id"] for r in findings} == {world.a.investment}
    events = rows(client.get("/admin/events/storedevent/export.csv", {"type": "DeadlineSet"}))
    assert events and {r["type"] for r in events} == {"DeadlineSet"}
    listed = client.get("/admin/compliance/riskfinding/", {"regime": "eumr"}).content.decode()
    assert "export.csv?regime=eumr" in listed  # the link carries the filter


def test_csv_downloads_and_lists_stay_behind_the_walls(world: World, browse: Any) -> None:
    client = browse("other")
    for url, column in [
        ("/admin/compliance/riskfinding/export.csv", "investment_id"),
        ("/admin/compliance/deadline/export.csv", "proceeding_id"),
        ("/admin/events/storedevent/export.csv", "stream_id"),
    ]:
        found = {r[column] for r in rows(client.get(url))}
        assert found, url
        assert not found & {world.a.investment, world.a.proceeding}, url
    proceedings = client.get("/admin/compliance/proceeding/").content.decode()
    assert world.b.proceeding in proceedings and world.a.proceeding not in proceedings


def test_lists_search_and_filter(world: World, browse: Any) -> None:
    client = browse("admin")
    found = client.get("/admin/compliance/proceeding/", {"q": "CMA", "status": "open"})
    assert world.a.proceeding in found.content.decode()
    none = client.get("/admin/compliance/proceeding/", {"q": "Bundeskartellamt-nothing"})
    assert world.a.proceeding not in none.content.decode()
