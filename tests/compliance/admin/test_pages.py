"""Every admin page a user of each role opens: lists, dossiers, record forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.utils import quote

from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db


def pages(w: World) -> list[str]:
    return [
        "/admin/",
        "/admin/compliance/party/",
        f"/admin/compliance/party/{quote(w.a.investor)}/change/",
        "/admin/compliance/investmentposition/",
        f"/admin/compliance/investmentposition/{quote(w.a.investment)}/change/",
        f"/admin/compliance/investmentposition/{quote(w.a.investment)}/change/?as_of=2024-02-26",
        "/admin/compliance/proceeding/",
        f"/admin/compliance/proceeding/{quote(w.a.proceeding)}/change/",
        "/admin/compliance/deadline/",
        "/admin/compliance/riskfinding/",
        "/admin/events/storedevent/",
        "/admin/compliance/deadline/export.csv",
        "/admin/compliance/riskfinding/export.csv",
        "/admin/events/storedevent/export.csv",
    ]


@pytest.mark.parametrize("who", ["viewer", "analyst", "admin"])
def test_every_page_opens_for_every_role(world: World, browse: Any, who: str) -> None:
    client = browse(who)
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_the_investment_dossier_shows_position_findings_deadlines_and_timeline(
    world: World, browse: Any
) -> None:
    page = browse("viewer").get(
        f"/admin/compliance/investmentposition/{quote(world.a.investment)}/change/"
    )
    text = page.content.decode()
    for part in ["Position", "Findings", "Open deadlines", "Timeline", "eumr", "Comments",
                 "InvestmentAnnounced", "15000000", "A-1"]:  # fmt: skip
        assert part in text, part
    assert "Record an event" not in text  # viewers do not record


def test_a_past_moment_changes_the_dossier(world: World, browse: Any) -> None:
    url = f"/admin/compliance/investmentposition/{quote(world.a.investment)}/change/"
    before = browse("viewer").get(url, {"as_of": "2024-02-25"}).content.decode()
    assert "Not announced as of 2024-02-25" in before
    bad = browse("viewer").get(url, {"as_of": "someday"})
    assert bad.status_code == 200
    assert "is not a date" in bad.content.decode()
