"""The Chromium PDF engine (``REPORTS_PDF_ENGINE=chromium``): the same HTML printed by Debian's
headless Chromium, its print-time dates replaced by the report's ``known_at``, so that the
report regenerates byte for byte like the WeasyPrint one."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument, Money
from compliance.models import Report
from compliance.reports import render, services
from compliance.reports.chromium import ChromiumError, fix_dates, pdf_date
from compliance.services import event_record
from events import ledger, projections
from tests.compliance.reports.conftest import World
from tests.compliance.reports.test_report_build import FUTURE, build, stored
from tests.compliance.scenario import T0

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
    event_record(
        stream_id=world.a.investment,
        event=StakeAcquired(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES,
            amount=Money(amount=Decimal("900000000"), currency="EUR"),
            equity_pct=Decimal("60"), voting_pct=Decimal("60"),
        ),
        actor="later",
    )  # fmt: skip
    projections.catch_up()
    assert ledger.head()[0] > (report.position or 0)
    assert services.report_render(report, "pdf") == pdf
    assert services.report_check(report) == {"html": True, "pdf": True}
    # Configured back to WeasyPrint, a stored Chromium PDF is still checked with Chromium.
    settings.REPORTS_PDF_ENGINE = "weasyprint"
    assert services.report_check(report) == {"html": True, "pdf": True}


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


INFO = (
    b"%PDF-1.4\n%\xd3\xeb\xe9\xe1\n1 0 obj\n<</Title (T)\n/Producer (Skia/PDF m156)\n"
    b"/CreationDate (D:20261129060218+00'00')\n/ModDate (D:20261129060219+00'00')>>\nendobj\n"
)


def test_the_dates_are_replaced_in_place_by_the_reports_moment() -> None:
    moment = datetime(2025, 7, 1, 9, 30, 5, 123, tzinfo=UTC)
    body = b"2 0 obj\n<</CreationDate (D:20261129060218+00'00')>>\nendobj\n"
    fixed = fix_dates(INFO + body, moment)
    assert len(fixed) == len(INFO + body)
    assert fixed.count(b"(" + pdf_date(moment) + b")") == 2
    assert pdf_date(moment) == b"D:20250701093005+00'00'"
    assert fixed.endswith(body)  # only the document information (the first object)


@pytest.mark.parametrize(
    "document",
    [
        INFO.replace(b"/ModDate", b"/Other"),  # a date missing
        INFO.replace(b"+00'00')>>", b"Z)>>"),  # another length: the offsets would move
    ],
)
def test_a_pdf_whose_dates_cannot_be_fixed_is_refused(document: bytes) -> None:
    with pytest.raises(ChromiumError):
        fix_dates(document, datetime(2025, 7, 1, tzinfo=UTC))
