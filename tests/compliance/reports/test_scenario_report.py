"""The scenario's report, looked at: rendered to PDF, then to PNG with poppler's pdftoppm,
kept as an artefact (``reports/artefacts/`` beside manage.py; docs/reports.md shows the
first page), and checked for the heat map's colours."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings as project
from PIL import Image

from compliance.models import Matter, MatterInvestment
from compliance.reports import services
from compliance.reports.heatmap import COLOURS
from compliance.rules.base import Status
from compliance.scenarios import DEFAULT_SCENARIO, scenario_load
from compliance.scenarios.loader import scenario_get

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ARTEFACTS = Path(project.BASE_DIR) / "reports" / "artefacts"


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_scenario_report_rendered_to_png(tmp_path: Path) -> None:
    scenario_load(name=DEFAULT_SCENARIO, actor="test")
    matter = Matter.objects.create(code="SCENARIO", name="Public AI investments")
    ids = [s for s in scenario_get(DEFAULT_SCENARIO).stream_ids if s.startswith("investment-")]
    MatterInvestment.objects.bulk_create(
        [MatterInvestment(matter=matter, investment_id=i) for i in ids]
    )
    report = services.report_request(
        matter_code="SCENARIO", as_of=date(2025, 1, 31),
        known_at=datetime(2030, 1, 1, tzinfo=UTC), formats=["html", "pdf"],
    )  # fmt: skip
    report = services.report_build(report_id=report.pk)
    found = services.report_file(report, "pdf")
    assert found is not None
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(found[1]),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, start=1):  # pdftoppm pads to the page count's digits
        shutil.copyfile(page, ARTEFACTS / f"scenario-report-page-{number}.png")
    image = Image.open(pages[0]).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    # The heat map is drawn: the scenario has a notifiable finding (a red cell) and findings
    # with insufficient data (grey cells) as of that date.
    assert rgb(COLOURS[Status.NOTIFIABLE][0]) in colours
    assert rgb(COLOURS[Status.INSUFFICIENT_DATA][0]) in colours
    html = services.report_file(report, "html")
    assert html is not None
    text = html[1].read_text()
    for title in ("Nvidia - Run:ai acquisition", "Microsoft - Mistral AI partnership"):
        assert title in text
