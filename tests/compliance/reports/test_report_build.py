"""Reports pinned to the log: what they pin, that they regenerate byte for byte after the
log has grown, and what they say."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from compliance.domain.events import DeadlineSet, GovernanceRightGranted, StakeAcquired
from compliance.domain.values import GovernanceRight, Instrument, Money
from compliance.models import Report
from compliance.reports import services
from compliance.reports.snapshot import pack_versions_on
from compliance.services import event_record
from events import ledger, projections, store
from tests.compliance.reports.conftest import World
from tests.compliance.scenario import T0, record_deal

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def build(matter: str | None, *, as_of: date, known_at: datetime, formats=None) -> Report:
    report = services.report_request(
        matter_code=matter, as_of=as_of, known_at=known_at, formats=formats
    )
    return services.report_build(report_id=report.pk)


def record_later_stake(investment: str) -> None:
    """The deal changes after a report: a 60 % voting stake recorded now."""
    event_record(
        stream_id=investment,
        event=StakeAcquired(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES,
            amount=Money(amount=Decimal("900000000"), currency="EUR"),
            equity_pct=Decimal("60"), voting_pct=Decimal("60"),
        ),
        actor="later",
    )  # fmt: skip


def stored(report: Report, fmt: str) -> bytes:
    found = services.report_file(report, fmt)
    assert found is not None
    return found[1].read_bytes()


def test_a_report_pins_position_chain_hash_packs_moment_and_scope(world: World) -> None:
    ledger.seal()
    head_before = ledger.head()[0]
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE)
    assert report.status == Report.Status.DONE and report.progress == 100
    position, chain_hash = report.position, report.chain_hash
    assert position is not None and position >= head_before
    entry = store.read_all(after=position - 1, limit=1, seal=False)[0]
    assert entry.position == position
    from events.models import LedgerEntry

    assert LedgerEntry.objects.get(position=position).chain_hash == chain_hash
    assert report.pack_versions == pack_versions_on(date(2024, 5, 1))
    assert report.pack_versions["eumr"] == "1"
    assert report.investment_ids == [world.a.investment]
    assert report.as_of == date(2024, 5, 1) and report.known_at == FUTURE
    for file in report.files.all():
        assert hashlib.sha256(stored(report, file.format)).hexdigest() == file.sha256
    assert sorted(f.format for f in report.files.all()) == ["csv", "html", "pdf"]


def test_regenerating_from_the_pins_is_byte_identical_after_the_log_grew(world: World) -> None:
    """known_at lies in the future: only the pinned position keeps later events out."""
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE)
    first = {f: stored(report, f) for f in ("html", "pdf", "csv")}
    # The deal changes after the report: a voting stake, a board seat, a new deadline.
    record_later_stake(world.a.investment)
    event_record(
        stream_id=world.a.investment,
        event=GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.BOARD_SEAT),
        actor="later",
    )
    event_record(
        stream_id=world.a.proceeding,
        event=DeadlineSet(
            occurred_at=T0, deadline_id="late", due_on=date(2024, 5, 20), description="Late one"
        ),
        actor="later",
    )
    projections.catch_up()
    assert ledger.head()[0] > report.position
    for fmt, data in first.items():
        again = services.report_render(report, fmt)
        assert again == data, fmt
    assert services.report_check(report) == {"html": True, "pdf": True, "csv": True}
    assert b"Late one" not in first["html"]
    # A new report over the same moment does see them.
    later = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["html"])
    assert b"Late one" in stored(later, "html")
    assert stored(later, "html") != first["html"]


def test_events_recorded_after_known_at_are_left_out(world: World) -> None:
    before = timezone.now()
    event_record(
        stream_id=world.a.proceeding,
        event=DeadlineSet(
            occurred_at=T0, deadline_id="after", due_on=date(2024, 5, 21), description="Too late"
        ),
        actor="later",
    )
    report = build("A-1", as_of=date(2024, 5, 1), known_at=before, formats=["html"])
    assert b"Too late" not in stored(report, "html")
    assert report.position is not None and report.position >= ledger.head()[0]


def test_the_content(world: World) -> None:
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["html", "csv"])
    html = stored(report, "html").decode()
    # The heat map: an SVG grid, one coloured cell per regime, with a legend.
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg is not None
    cells = re.findall(
        r'<rect x="\d+" y="\d+" width="44" height="18" fill="(#[0-9a-f]{6})"', svg[0]
    )
    assert len(cells) == len(report.pack_versions)  # one row, every regime
    assert "#f0f0f0" in cells or "#bababa" in cells
    assert "notifiable" in svg[0] and "not_notifiable" in svg[0]  # the legend
    # Findings with rationale and citation; the deal's proceeding; its deadline due in 8 days.
    assert "Findings per investment" in html and "eumr" in html
    assert "Art 3" in html or "Article 3" in html  # an EUMR citation
    assert "UK CMA" in html and "Enterprise Act 2002" in html
    due = html.split("Due in the next 30 days", 1)[1].split("</table>", 1)[0]
    assert "2024-05-09" in due and "<td>8</td>" in due
    # Verification: position, chain hash, the command.
    assert f"ledger position <strong>{report.position}</strong>" in html
    assert report.chain_hash in html and "manage.py verify_ledger" in html
    assert "first report for this scope" in html
    assert "StakeAcquired" in html  # events by type
    # Matter B's deal is behind the wall of this matter's report.
    assert world.b.investment not in html
    csv = stored(report, "csv").decode().splitlines()
    assert csv[0].startswith("investment_id,investment_title,regime,status,score")
    assert len(csv) == 1 + len(report.pack_versions)
    assert all(line.startswith(world.a.investment) for line in csv[1:])


def test_overdue_deadlines(world: World) -> None:
    report = build("A-1", as_of=date(2024, 5, 20), known_at=FUTURE, formats=["html"])
    html = stored(report, "html").decode()
    overdue = html.split("<h3>Overdue</h3>", 1)[1].split("</table>", 1)[0]
    assert "2024-05-09" in overdue and "<td>11</td>" in overdue


def test_changes_since_the_previous_report(world: World) -> None:
    first = build("A-1", as_of=date(2024, 5, 1), known_at=timezone.now(), formats=["html"])
    record_later_stake(world.a.investment)
    second = build("A-1", as_of=date(2024, 5, 1), known_at=timezone.now(), formats=["html"])
    assert second.previous_id == first.pk
    html = stored(second, "html").decode()
    section = html.split("Changes since the previous report", 1)[1].split("<h2>", 1)[0]
    assert f"ledger position {first.position}" in section
    assert re.search(r"<td>(appeared|changed|disappeared)</td>", section), section
    assert "StakeAcquired</td><td>1</td>" in section  # one new event, of this type
    # The other matter's reports are another chain.
    other = build("B-1", as_of=date(2024, 5, 1), known_at=timezone.now(), formats=["csv"])
    assert other.previous_id is None


def test_every_matter_report_covers_every_deal(world: World) -> None:
    report = build(None, as_of=date(2024, 5, 1), known_at=timezone.now(), formats=["csv"])
    text = stored(report, "csv").decode()
    assert world.a.investment in text and world.b.investment in text
    assert report.investment_ids == []
    assert report.matter_code is None


def test_the_pdf_is_rendered_from_the_same_html_with_pinned_metadata(world: World) -> None:
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["pdf"])
    pdf = stored(report, "pdf")
    assert pdf.startswith(b"%PDF-")
    found = services.report_file(report, "pdf")
    assert found is not None
    info = subprocess.run(
        ["pdfinfo", str(found[1])], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"CreationDate:\s+\w+ Jan  1 00:00:00 2100 UTC", info), info
    assert "Title:           Risk report: matter A-1, as of 2024-05-01" in info
    assert services.report_render(report, "pdf") == pdf


@pytest.mark.parametrize(
    ("formats", "failing"),
    [
        (["csv"], "csv_bytes"),  # in a forked child where one can be
        (["html", "pdf", "csv"], "csv_bytes"),
        (["html", "pdf"], "html"),  # while the PDF's thread waits for the HTML
        (["pdf", "csv"], "pdf"),
    ],
)
def test_a_failed_build_is_recorded(
    world: World, monkeypatch: pytest.MonkeyPatch, formats: list[str], failing: str
) -> None:
    report = services.report_request(matter_code="A-1", formats=formats)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.renderer, failing, broken)
    with pytest.raises(Exception, match="disk full"):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "disk full" in report.error
    assert not report.files.exists()


def test_unknown_matters_and_formats_are_refused(db: object) -> None:
    with pytest.raises(services.ReportError) as unknown:
        services.report_request(matter_code="NOPE")
    assert unknown.value.field == "matter"
    with pytest.raises(services.ReportError) as bad:
        services.report_request(formats=["docx"])
    assert bad.value.field == "formats"


def test_files_live_under_the_configured_folder(world: World, reports_dir: Path) -> None:
    report = build("A-1", as_of=date(2024, 5, 1), known_at=FUTURE, formats=["csv"])
    path = services.report_file(report, "csv")
    assert path is not None and path[1].is_relative_to(reports_dir)
    assert report.finished_at is not None and report.finished_at <= timezone.now() + timedelta(1)


def test_a_second_deal_recorded_later_is_not_in_an_every_matter_report(world: World) -> None:
    report = build(None, as_of=date(2024, 5, 1), known_at=FUTURE, formats=["csv"])
    late = record_deal(actor="later")
    assert late.investment not in services.report_render(report, "csv").decode()


def test_a_report_cites_the_signed_checkpoint_covering_it_and_still_regenerates(
    world: World, settings: Any, tmp_path: Path
) -> None:
    from tests.events.checkpointing import configure, new_key

    configure(settings, new_key(), tmp_path)
    report = build("A-1", as_of=date(2024, 6, 1), known_at=FUTURE, formats=["html"])
    html = stored(report, "html").decode()
    assert report.position is not None and report.pinned_at is not None
    assert "covered by the signed checkpoint of ledger position" in html
    assert "python -m events.verify" in html
    from events.checkpoints import covering

    cited = covering(report.position, made_by=report.pinned_at)
    assert cited is not None and cited.merkle_root in html
    record_deal()  # the log grows, and a later checkpoint is made
    from events.checkpoints import checkpoint_create

    checkpoint_create()
    assert services.report_render(report, "html") == stored(report, "html")


def test_without_a_signing_key_a_report_says_no_checkpoint_covered_it(world: World) -> None:
    report = build("A-1", as_of=date(2024, 6, 1), known_at=FUTURE, formats=["html"])
    assert "No signed checkpoint covered this position" in stored(report, "html").decode()


def test_the_previous_side_compares_the_statuses_the_rows_would_have(world: World) -> None:
    """``changes`` evaluates the previous report's moment without building rows: the same
    statuses, for every investment and regime, at moments before and after the deals."""
    from compliance.reports.snapshot import Snapshot, read_log

    ledger.seal()
    position = ledger.head()[0]
    log = read_log(position)
    seen = set()
    for as_of in (date(2023, 1, 1), date(2024, 5, 1), date(2030, 1, 1)):
        snapshot = Snapshot.of(log, position=position, known_at=FUTURE, as_of=as_of)
        ids = sorted(snapshot.investments())
        packs = pack_versions_on(as_of)
        proceedings = snapshot.proceedings()
        rows = snapshot.findings(ids, pack_versions=packs, proceedings=proceedings)
        statuses = snapshot.statuses(ids, pack_versions=packs, proceedings=proceedings)
        assert statuses == {(f.investment_id, f.regime): f.status for f in rows}
        assert len(statuses) == len(rows)
        seen |= set(statuses.values())
    assert len(seen) > 1
