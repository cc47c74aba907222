"""The Chromium PDF engine (``REPORTS_PDF_ENGINE=chromium``): the same HTML printed by Debian's
headless Chromium in parts, joined with one page count and the report's ``known_at`` as its
dates, so that the report regenerates byte for byte like the WeasyPrint one."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from compliance.models import Report
from compliance.reports import render, services
from compliance.reports.chromium import PRINT_ONLY, ChromiumError, join, split
from events import ledger, projections
from tests.compliance.reports.conftest import World
from tests.compliance.reports.test_report_build import FUTURE, build, record_later_stake, stored

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium(settings: Any) -> None:
    assert Path(CHROMIUM).exists(), "The Chromium engine's tests need Debian's chromium."
    settings.REPORTS_PDF_ENGINE = "chromium"
    settings.REPORTS_CHROMIUM = CHROMIUM


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_chromium_prints_the_report_html_and_regenerates_it_byte_for_byte(
    world: World, chromium: None, settings: Any, tmp_path: Path
) -> None:
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["html", "pdf"])
    pdf = stored(report, "pdf")
    found = services.report_file(report, "pdf")
    assert found is not None
    info = pdfinfo(found[1])
    assert re.search(r"Producer:\s+Skia/PDF", info), info
    # No clock: both dates are the report's known_at.
    assert re.search(r"CreationDate:\s+\w+ Jan  1 00:00:00 2100 UTC", info), info
    assert re.search(r"ModDate:\s+\w+ Jan  1 00:00:00 2100 UTC", info), info
    assert "Title:           Risk report: matter A-1, as of 2024-05-01" in info
    assert re.search(r"Page size:\s+841.92 x 59\d.\d+ pts \(A4\)", info), info  # landscape
    assert render.engine_of(pdf) == "chromium"
    # The same template: the deal's title and the @page footer with the page count.
    text = subprocess.run(
        ["pdftotext", "-layout", str(found[1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    html = stored(report, "html").decode()
    title = re.search(r"<h3>([^<]+)</h3>", html.split("Findings per investment")[1])
    assert title is not None and title.group(1) in text
    assert re.search(r"Page 1 of \d+", text) and f"Ledger position {report.position}" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(found[1]), str(tmp_path / "p")],
        check=True,
    )
    assert list(tmp_path.glob("p-*.png"))

    # The log grows; the report regenerates from its pins to the same bytes, printed anew.
    record_later_stake(world.a.investment)
    projections.catch_up()
    assert ledger.head()[0] > (report.position or 0)
    assert services.report_render(report, "pdf") == pdf
    assert services.report_check(report) == {"html": True, "pdf": True}
    # Configured back to WeasyPrint, a stored Chromium PDF is still checked with Chromium.
    settings.REPORTS_PDF_ENGINE = "weasyprint"
    assert services.report_check(report) == {"html": True, "pdf": True}


def test_a_report_printed_in_parts_has_one_page_count_and_the_same_bytes_however_printed(
    world: World, chromium: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from compliance.reports import chromium as engine

    monkeypatch.setattr(engine, "PART_BYTES", 1)  # a part before each investment
    monkeypatch.setattr(engine, "_processes", lambda: 1)  # one page prints them in turn
    report = build(None, as_of=date(2024, 5, 1), known_at=FUTURE, formats=["html", "pdf"])
    html = stored(report, "html")
    assert len(engine.split(html)) == 3  # what comes before the findings, then each deal
    found = services.report_file(report, "pdf")
    assert found is not None
    pages = int(re.findall(r"Pages:\s+(\d+)", pdfinfo(found[1]))[0])
    assert pages >= 3
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(found[1]), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert f"Page {number} of {pages}" in text
        assert f"Ledger position {report.position} \u2014 {report.chain_hash[:16]}" in text
    everything = subprocess.run(
        ["pdftotext", str(found[1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    for title in re.findall(r"<h3>([^<]+)</h3>", html.decode().split("Findings per investment")[1]):
        assert title in everything
    assert "Verification" in everything
    # Printed two at a time, the parts join to the same file.
    monkeypatch.setattr(engine, "_processes", lambda: 2)
    assert services.report_render(report, "pdf") == stored(report, "pdf")


def test_a_weasyprint_pdf_is_told_apart(world: World) -> None:
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["pdf"])
    assert render.engine_of(stored(report, "pdf")) == "weasyprint"


def test_without_the_browser_the_build_fails_and_says_why(world: World, settings: Any) -> None:
    settings.REPORTS_PDF_ENGINE = "chromium"
    settings.REPORTS_CHROMIUM = "/nonexistent/chromium"
    report = services.report_request(matter_code="A-1", formats=["pdf"])
    with pytest.raises(ChromiumError):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "REPORTS_CHROMIUM" in report.error and "weasyprint" in report.error


def test_a_long_report_is_cut_before_an_investment_into_parts_of_its_size_alone() -> None:
    head = b'<html><head><title>T</title></head><body class="x"><h1>Risk report</h1>'
    blocks = [b'<div class="investment"><h3>Deal %d</h3></div>\n' % n for n in range(10)]
    html = head + b"".join(blocks) + b"<h2>Verification</h2></body></html>"

    assert split(html, part_bytes=len(html)) == [html.replace(b"</head>", PRINT_ONLY + b"</head>")]
    parts = split(html, part_bytes=len(html) // 3 + 1)
    assert len(parts) == 3
    bodies = [part.split(b'<body class="x">', 1)[1] for part in parts]
    # Every part has the head (hidden on screen, no margin boxes), the body in order, and
    # each one after the first begins with an investment.
    assert all(
        part.startswith(b"<html><head><title>T</title><style>@media screen") for part in parts
    )
    assert all(body.startswith(b'<div class="investment">') for body in bodies[1:])
    assert (
        b"".join(b.removesuffix(b"</body></html>") for b in bodies) + b"</body></html>"
        == (html.split(b'<body class="x">', 1)[1])
    )
    assert split(html, part_bytes=len(html) // 3 + 1) == parts  # a function of the HTML alone
    with pytest.raises(ChromiumError):
        split(b"<html>no body</html>")


def test_the_parts_are_joined_with_one_page_count_and_the_reports_moment(tmp_path: Path) -> None:
    documents = []
    for pages in (2, 1):
        pdf = pikepdf.new()
        for _ in range(pages):
            pdf.add_blank_page(page_size=(841.92, 594.96))
        pdf.docinfo["/Producer"] = "Skia/PDF m156"
        pdf.docinfo["/CreationDate"] = "D:20261129060218+00'00'"
        out = tmp_path / f"part-{pages}.pdf"
        pdf.save(out)
        documents.append(out.read_bytes())
    moment = datetime(2025, 7, 1, 9, 30, 5, tzinfo=UTC)
    joined = join(documents, moment=moment, footer="Ledger position 7 \u2014 abc\u2026")
    assert join(documents, moment=moment, footer="Ledger position 7 \u2014 abc\u2026") == joined
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined)
    info = pdfinfo(path)
    assert re.search(r"Pages:\s+3\n", info), info
    assert re.search(r"CreationDate:\s+\w+ Jul  1 09:30:05 2025 UTC", info), info
    assert re.search(r"ModDate:\s+\w+ Jul  1 09:30:05 2025 UTC", info), info
    assert render.engine_of(joined) == "chromium"
    for number in (1, 2, 3):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert f"Page {number} of 3" in text and "Ledger position 7 \u2014 abc\u2026" in text
