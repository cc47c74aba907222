"""Build a risk report pinned to the log and write one of its formats to a file."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.models import Report
from compliance.reports import services
from compliance.reports.render import FORMATS


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date (YYYY-MM-DD), not {value!r}.") from None


def _instant(value: str) -> datetime:
    """A timestamp with a time zone, or a date meaning the end of that day (UTC)."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.max, tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--known-at must be a date or a timestamp, not {value!r}.") from None
    if parsed.tzinfo is None:
        raise CommandError("--known-at needs a time zone (Z or +hh:mm).")
    return parsed


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place on a terminal, a line per stage
    elsewhere)."""

    WIDTH = 30

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last: tuple[int, str] = (-1, "")

    def __call__(self, pct: int, stage: str) -> None:
        pct = max(0, min(pct, 100))
        if (pct, stage) == self.last:
            return
        if not self.tty and stage == self.last[1] and pct - self.last[0] < 25 and pct < 100:
            return
        self.last = (pct, stage)
        filled = self.WIDTH * pct // 100
        bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {pct:3d}% {stage:<22}"
        self.stream.write(("\r" + bar) if self.tty else (bar.rstrip() + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Build a risk report (as of a date, as known at a time, for every matter or one), "
        "pinned to the ledger position it was built at, store it, and write one format to "
        "--out. With --check REPORT_ID, regenerate a stored report from its pins and compare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="Valid time: the world at the end of this day.")
        parser.add_argument(
            "--known-at", help="Transaction time (a date means the end of that day, UTC)."
        )
        parser.add_argument("--format", choices=FORMATS, default="html")
        parser.add_argument("--out", help="The file to write (default: print its stored path).")
        parser.add_argument("--matter", help="One matter's code (default: every matter).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--check", type=int, metavar="REPORT_ID", help="Regenerate a stored report."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"] is not None:
            self._check(options["check"])
            return
        try:
            report = services.report_request(
                matter_code=options["matter"],
                as_of=_date(options["as_of"]) if options["as_of"] else None,
                known_at=_instant(options["known_at"]) if options["known_at"] else None,
                formats=[options["format"]],
            )
        except services.ReportError as exc:
            raise CommandError(exc.message) from None
        bar = None if options["no_progress"] else ProgressBar(sys.stderr)
        try:
            report = services.report_build(report_id=report.pk, progress=bar)
        finally:
            if bar is not None:
                bar.close()
        found = services.report_file(report, options["format"])
        assert found is not None
        stored, path = found
        target = path
        if options["out"]:
            target = Path(options["out"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        self.stdout.write(
            f"Report {report.pk}: {services.renderer.scope_label(report.matter_code)}, as of "
            f"{report.as_of}, known at {report.known_at.isoformat()}, ledger position "
            f"{report.position} (chain hash {report.chain_hash})."
        )
        self.stdout.write(f"Written to {target} ({stored.size} bytes, sha256 {stored.sha256}).")

    def _check(self, report_id: int) -> None:
        report = Report.objects.filter(pk=report_id, status=Report.Status.DONE).first()
        if report is None:
            raise CommandError(f"No built report {report_id}.")
        result = services.report_check(report)
        for fmt, same in sorted(result.items()):
            self.stdout.write(f"{fmt}: {'identical' if same else 'DIFFERENT'}")
        if not all(result.values()):
            raise CommandError("The regenerated report differs from the stored one.")
