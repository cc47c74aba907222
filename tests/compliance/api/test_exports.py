"""Streamed exports: NDJSON and CSV of the log, CSV of findings and deadlines."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
from django.http import StreamingHttpResponse
from hypothesis import given
from hypothesis import strategies as st

from compliance.domain.values import PartyKind
from compliance.exporting import cell, csv_lines
from compliance.services import party_register
from events import projections
from tests.compliance.api.conftest import World
from tests.compliance.scenario import T0

pytestmark = pytest.mark.django_db


def download(world: World, url: str, **params: str) -> str:
    response = world.client("viewer").get(url, params)
    assert response.status_code == 200, url
    assert isinstance(response, StreamingHttpResponse)  # never built whole in memory
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type,unused-ignore]


def test_the_log_as_ndjson_is_one_event_per_line_in_ledger_order(world: World) -> None:
    text = download(world, "/api/v1/exports/events.ndjson", stream_id=world.a.investment)
    events = [json.loads(line) for line in text.splitlines()]
    assert [e["version"] for e in events] == [1, 2, 3]
    assert events == sorted(events, key=lambda e: e["position"])
    assert events[0]["type"] == "InvestmentAnnounced"


def test_the_log_as_csv_honours_the_type_filter(world: World) -> None:
    text = download(world, "/api/v1/exports/events.csv", type="DeadlineSet")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["type"] for r in rows} == {"DeadlineSet"}
    assert world.a.proceeding in {r["stream_id"] for r in rows}
    assert json.loads(rows[-1]["data"])["deadline_id"] == "itc"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(world: World) -> None:
    party = party_register(
        actor="t", occurred_at=T0, name="=HYPERLINK(\"http://evil\")", kind=PartyKind.COMPANY,
        country="FR",
    ).stream_id  # fmt: skip
    text = download(world, "/api/v1/exports/events.csv", stream_id=party)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["stream_id"] == party
    assert all(not cell.startswith("=") for cell in row.values())


HOSTILE = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "|cmd", " =1+1", "  =1+1", "\n=1+1", "\r=1+1",
    "\t=1+1", ";=1+1", ",=1+1", "\xa0=1+1", "\u3000=1+1", "\u200b=1+1", "\ufeff=1+1",
    '=HYPERLINK("http://evil")', "=cmd|' /C calc'!A0",
]  # fmt: skip


INVISIBLE = (
    "".join(c for c in map(chr, range(0x3001)) if c.isspace() or unicodedata.category(c) == "Cc")
    + "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
)


def runs(cell: str) -> bool:
    """Whether a spreadsheet could take the cell for a formula: after any whitespace,
    control and zero-width characters and separators, it starts with a formula character."""
    return cell.lstrip(INVISIBLE + ";,")[:1] in set("=+-@|") and cell != ""


@pytest.mark.parametrize("text", HOSTILE)
def test_cells_that_could_run_as_formulas_are_neutralised(text: str) -> None:
    from compliance.reports.render import _cell

    assert runs(text)
    for write in [cell, _cell]:  # API exports and admin lists; report CSVs
        assert write(text) == "'" + text
    _header, row = csv.reader(io.StringIO("".join(csv_lines(["a"], [[text]]))))
    assert row == ["'" + text]


@given(st.text())
def test_no_cell_written_could_run_as_a_formula(text: str) -> None:
    written = cell(text)
    assert written.startswith("'") or not runs(written)
    assert written in {text, "'" + text}


def test_findings_and_deadlines_as_csv(world: World) -> None:
    projections.catch_up()
    findings = list(csv.DictReader(io.StringIO(download(world, "/api/v1/exports/findings.csv"))))
    assert {r["investment_id"] for r in findings} == {world.a.investment}
    assert {"regime", "status", "score", "rationale", "citation"} <= findings[0].keys()
    url = "/api/v1/exports/deadlines.csv"
    rows = list(csv.DictReader(io.StringIO(download(world, url, as_of="2024-05-05"))))
    assert [(r["key"], r["overdue"]) for r in rows] == [
        ("request:rfi-1", "True"),
        ("deadline:itc", "False"),
    ]
    late = list(
        csv.DictReader(io.StringIO(download(world, url, as_of="2024-05-05", overdue="true")))
    )
    assert [r["key"] for r in late] == ["request:rfi-1"]


def test_a_bad_filter_fails_before_the_download_starts(world: World) -> None:
    response = world.client("viewer").get("/api/v1/exports/events.csv", {"type": "Nope"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "type"
