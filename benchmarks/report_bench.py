"""Benchmark a risk report: one report of every matter over a synthetic portfolio, in HTML,
PDF and CSV, built as the ``compliance.report_build`` task builds it.

    .venv/bin/python benchmarks/report_bench.py             # 1,000 investments x 20 events
    .venv/bin/python benchmarks/report_bench.py --quick     # 100 investments
    .venv/bin/python benchmarks/report_bench.py --profile   # and cProfile the measured build

A fresh PostgreSQL database (``report_bench_<pid>``) is created and dropped at the end. The
portfolio is rules_bench's (``benchmarks/portfolio.py``: 200 parties, 20 events per
investment, a proceeding with a deadline about every tenth), plus a second deadline per
proceeding around the report's date, so that the report has deadlines overdue and due soon.
A first report (CSV only, not timed) is built; then one investment in twenty gets a new
stake, so the measured report has a previous report and changes to show.

Measured, from the build's own progress stages (``services.report_build``): building the
content (reading the log, folding, evaluating every finding now and at the previous report's
pins), rendering the HTML, printing the PDF from it (``--pdf-engine``; the browser starts
while the HTML is rendered), collecting the CSV (written meanwhile by a forked child), and
the total. Target: the total under 10 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from portfolio import T0, add_database_arguments, bench_database, log, portfolio_record

TARGET_S = 10.0
AS_OF = date(2025, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 investments instead of 1,000")
    parser.add_argument("--investments", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile the measured build")
    parser.add_argument("--keep", default=None, help="copy the measured report's files here")
    parser.add_argument(
        "--formats", default="html,pdf,csv", help="formats of the measured report (for profiling)"
    )
    parser.add_argument(
        "--pdf-engine",
        choices=["weasyprint", "chromium"],
        default="chromium",
        help="REPORTS_PDF_ENGINE for the measured report (default: chromium, the engine for "
        "long reports; it needs Debian's chromium and the chromium extra)",
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    count = args.investments or (100 if args.quick else 1_000)
    with bench_database("report_bench", host=args.host, port=args.port, user=args.user):
        run(
            count,
            profile=args.profile,
            keep=args.keep,
            formats=args.formats.split(","),
            engine=args.pdf_engine,
        )


def run(
    count: int, *, profile: bool, keep: str | None, formats: list[str], engine: str | None
) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from compliance.domain.events import DeadlineSet, StakeAcquired
    from compliance.domain.values import Instrument, Money
    from compliance.reports import services
    from events import ledger, store

    folder = tempfile.mkdtemp(prefix="report_bench_")
    settings.REPORTS_DIR = folder
    if engine is not None:
        settings.REPORTS_PDF_ENGINE = engine
    rng = random.Random(7)
    started = time.perf_counter()
    portfolio = portfolio_record(count, rng)
    for proceeding in portfolio.proceeding_ids:
        due = AS_OF + timedelta(days=rng.randint(-20, 45))
        store.append(
            proceeding,
            [DeadlineSet(occurred_at=T0, deadline_id="p2", due_on=due, description="Remedies")],
            expected_version=2,
        )
    ledger.seal()
    log(f"log: {ledger.head()[0]:,} events ({time.perf_counter() - started:.1f} s to record)")

    first = services.report_request(
        as_of=AS_OF - timedelta(days=7), known_at=datetime.now(UTC), formats=["csv"]
    )
    started = time.perf_counter()
    services.report_build(report_id=first.pk)
    log(f"previous report (CSV only, not measured): {time.perf_counter() - started:.1f} s")
    changed = portfolio.investment_ids[::20]
    for investment_id in changed:
        store.append(
            investment_id,
            [
                StakeAcquired(
                    occurred_at=datetime(2025, 6, 1, tzinfo=UTC),
                    instrument=Instrument.ORDINARY_SHARES,
                    amount=Money(amount=2_000_000_000, currency="EUR"),
                    equity_pct=40, voting_pct=40,
                )
            ],
            expected_version=20,
        )  # fmt: skip
    ledger.seal()
    if settings.REPORTS_PDF_ENGINE == "weasyprint":
        import weasyprint  # noqa: F401  (imported once per worker process, not per report)

    report = services.report_request(as_of=AS_OF, known_at=datetime.now(UTC), formats=formats)
    stages: dict[str, float] = {}

    def progress(pct: int, stage: str) -> None:
        stages.setdefault(stage, time.perf_counter())

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = services.report_build(report_id=report.pk, progress=progress)
    ended = time.perf_counter()
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    names = {"html": "HTML", "pdf": "PDF", "csv": "CSV"}
    marks = {"reading the log": started, **stages, "done": ended}

    def between(first: str, then: str) -> str:
        if first not in marks or then not in marks:
            return "      -"
        return f"{marks[then] - marks[first]:7.2f} s"

    files = {f.format: f for f in report.files.all()}
    total = ended - started
    print()
    print(
        f"portfolio: {count:,} investments, log position {report.position:,}, "
        f"{len(services.report_content(report).findings):,} findings; previous report at "
        f"position {report.previous.position if report.previous else '-'}"
    )
    after_html = "printing pdf" if "pdf" in report.formats else "writing csv"
    chromium = "pdf" in report.formats and settings.REPORTS_PDF_ENGINE == "chromium"
    rows = [
        ("content (read, fold, evaluate)", between("reading the log", "rendering html")),
        (
            "HTML" + (" (Chromium starts meanwhile)" if chromium else ""),
            between("rendering html", after_html),
        ),
        ("PDF, after the HTML", between("printing pdf", "writing csv")),
        ("CSV (a forked child's) collected, files stored", between("writing csv", "done")),
    ]
    if "html" not in report.formats and "pdf" not in report.formats:
        rows = [("content and CSV", between("reading the log", "done"))]
    for label, figure in rows:
        print(f"  {label:<40} {figure}")
    print(f"  {'total':<40} {total:7.2f} s")
    sizes = [f"{names[f]} {files[f].size / 1e6:.1f} MB" for f in report.formats]
    if "pdf" in files:
        sizes[report.formats.index("pdf")] += (
            f" ({_pages(services.report_file(report, 'pdf'))} pages)"
        )
    print("files: " + ", ".join(sizes) + f"; PDF engine: {settings.REPORTS_PDF_ENGINE}")
    if report.formats == ["html", "pdf", "csv"] and count >= 1_000:
        print(f"target total < {TARGET_S:.0f} s: {'MET' if total < TARGET_S else 'NOT MET'}")
    elif report.formats == ["html", "pdf", "csv"]:
        print(f"(the target, {TARGET_S:.0f} s, is for 1,000 investments)")
    if keep:
        shutil.copytree(f"{folder}/report-{report.pk}", keep, dirs_exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _pages(found: object) -> str:
    if found is None or shutil.which("pdfinfo") is None:
        return "?"
    info = subprocess.run(["pdfinfo", str(found[1])], capture_output=True, text=True).stdout  # type: ignore[index]
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")


if __name__ == "__main__":
    main()
