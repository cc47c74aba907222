"""The PDF printed by headless Chromium (``REPORTS_PDF_ENGINE=chromium``), from the same HTML
as the WeasyPrint engine, the same HTML giving the same bytes.

A long report is printed in parts, side by side: its HTML is cut before an investment into
parts of about :data:`PART_BYTES` (how many depends on the HTML alone, never on the machine,
so that a report regenerates to the same bytes anywhere), each part is printed in its own
browser page (its own renderer process, so the parts share the cores) and the parts are
joined by qpdf (pikepdf). The running footer, which needs the page number in the whole
document, is drawn on the joined pages, in place of the template's ``@page`` margin boxes.
Each part begins on a new page.

Three things make it cheaper for Chromium: the page is hidden on screen, so the HTML is
not laid out for the screen before it is laid out for print; the pages share one browser
context; and no tagged (accessible) PDF is made (three times the size).

The document information is set from the first part (Chromium's ``/Creator`` and Skia's
``/Producer``, which name the browser's version: another version may give other bytes) and
the report's moment (``/CreationDate`` and ``/ModDate``, where Chromium would stamp the print
time); qpdf derives the file's ``/ID`` from its content.

A report of 1,000 investments (1,211 pages) prints in about 6.3 s here on two cores, where
Chromium printing the whole report in one page, before the denser print style, took 16 to
22 s, and WeasyPrint takes minutes (docs/BENCHMARKS.md). But
it is a browser: the worker needs one (Debian's ``chromium``, ``REPORTS_CHROMIUM``),
Playwright to drive it and pikepdf to join the parts (the ``chromium`` extra of the package).
"""

from __future__ import annotations

import asyncio
import bisect
import io
import itertools
import math
import os
import tempfile
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

# Flags of the browser tests (docs: /work/shared/STACK-NOTES.md): no sandbox (containers run
# without user namespaces), no GPU, nothing fetched from the network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PART_BYTES = 6_000_000  # about 600 investments: one part up to there, two up to 1,200, ...
_INVESTMENT = b'<div class="investment">'  # the template's block per investment (escaped data
# cannot contain it)
PRINT_ONLY = (
    b"<style>@media screen { body { display: none } } "
    b"@page { @bottom-left { content: none } @bottom-right { content: none } }</style>"
)
_BEFORE_FINDINGS = 0.5  # the printing work of a byte before the findings, per byte of findings
_FONT = "/ReportFooter"
_SIZE = 7  # points, grey: the template's margin boxes
_MARGIN_X = 12 * 72 / 25.4  # the template's left and right page margins (12 mm)
_BASELINE = 20.0  # points above the page's bottom edge, inside its 16 mm margin
# Helvetica's advance widths (per 1,000 em) of what "Page N of M" is made of, to align it right.
_WIDTHS = {"P": 667, "a": 556, "g": 556, "e": 556, " ": 278, "o": 556, "f": 278} | {
    digit: 556 for digit in "0123456789"
}


class ChromiumError(RuntimeError):
    """The browser is missing or did not print the report."""


def pdf_date(moment: datetime) -> str:
    """A PDF date in UTC."""
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def executable() -> str:
    path = str(getattr(settings, "REPORTS_CHROMIUM", "") or "/usr/bin/chromium")
    if not Path(path).exists():
        raise ChromiumError(
            f"REPORTS_PDF_ENGINE=chromium needs a Chromium at {path} (REPORTS_CHROMIUM); on "
            "Debian: apt-get install chromium. Or set REPORTS_PDF_ENGINE=weasyprint."
        )
    return path


def split(html: bytes, part_bytes: int | None = None) -> list[bytes]:
    """``html`` as documents of about ``part_bytes`` (default :data:`PART_BYTES`) each, cut
    before an investment: the head (with :data:`PRINT_ONLY`) and a run of the body each.

    The cuts share the printing work out evenly: a byte of what comes before the findings
    (the heat map's SVG, mostly) counts for half a byte of the findings, which take Chromium
    about twice as long per byte to lay out and draw."""
    body = html.find(b"<body")
    body_end = html.find(b">", body) + 1
    if body < 0 or body_end <= 0:
        raise ChromiumError("The report's HTML has no <body>.")
    head = html[:body].replace(b"</head>", PRINT_ONLY + b"</head>", 1) + html[body:body_end]
    starts = []
    at = html.find(_INVESTMENT, body_end)
    while at >= 0:
        starts.append(at)
        at = html.find(_INVESTMENT, at + 1)
    first = starts[0] if starts else len(html)
    before = (first - body_end) * _BEFORE_FINDINGS  # the work before the findings, in bytes
    work = before + len(html) - first
    cuts = [body_end]
    count = max(1, math.ceil(len(html) / (part_bytes or PART_BYTES)))
    for k in range(1, count):
        index = bisect.bisect_left(starts, first + work * k / count - before)
        if index < len(starts) and starts[index] > cuts[-1]:
            cuts.append(starts[index])
    cuts.append(len(html))
    last = len(cuts) - 2
    return [
        head + html[begin:end] + (b"" if index == last else b"</body></html>")
        for index, (begin, end) in enumerate(itertools.pairwise(cuts))
    ]


def print_pdf(html: bytes | Future[bytes], moment: datetime, footer: str) -> bytes:
    """``html`` printed by headless Chromium (A4 landscape and margins from its ``@page``
    rules, backgrounds on), with ``footer`` and the page number at the foot of each page and
    its dates set to ``moment``. ``html`` may be a future: the browser starts meanwhile."""
    try:
        import pikepdf  # noqa: F401
        from playwright.async_api import async_playwright  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ChromiumError(
            "REPORTS_PDF_ENGINE=chromium needs Playwright and pikepdf: "
            "pip install 'ai-investment-tracker[chromium]'."
        ) from exc
    browser_path = executable()
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        return asyncio.run(_print_all(html, Path(folder), browser_path, moment, footer))


def _processes() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def _print_all(
    html: bytes | Future[bytes], folder: Path, browser_path: str, moment: datetime, footer: str
) -> bytes:
    """Every part of ``html`` printed, as many at a time as this process has cores, and
    joined (while the browser closes)."""
    from playwright.async_api import Page, async_playwright

    env: dict[str, str | float | bool] = {**os.environ, "TZ": "UTC"}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=browser_path, headless=True, args=ARGS, env=env
        )
        try:
            # As many pages as parts can print at once, opened while the HTML is rendered
            # (in one context: each context costs the browser more to set up than a page).
            context = await browser.new_context(java_script_enabled=False, offline=True)
            pages = [await context.new_page() for _ in range(_processes())]
            if isinstance(html, Future):
                html = await asyncio.wrap_future(html)
            paths = []
            for number, document in enumerate(split(html), start=1):
                path = folder / f"part-{number}.html"
                path.write_bytes(document)
                paths.append(path)
            idle: asyncio.Queue[Page] = asyncio.Queue()
            for page in pages[: len(paths)]:
                idle.put_nowait(page)

            async def one(path: Path) -> bytes:
                page = await idle.get()  # one part at a time per page
                try:
                    await page.goto(path.as_uri(), wait_until="load")
                    return await page.pdf(
                        prefer_css_page_size=True, print_background=True, tagged=False,
                        outline=False,
                    )  # fmt: skip
                finally:
                    idle.put_nowait(page)

            printed = list(await asyncio.gather(*(one(path) for path in paths)))
        except BaseException:
            await browser.close()
            raise
        closing = asyncio.ensure_future(browser.close())
        try:
            return await asyncio.to_thread(join, printed, moment=moment, footer=footer)
        finally:
            await closing


def _literal(text: str) -> bytes:
    """``text`` as a PDF string in Helvetica's WinAnsi encoding."""
    encoded = text.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _footer(width: float, left: str, right: str) -> bytes:
    right_x = width - _MARGIN_X - sum(_WIDTHS.get(c, 556) for c in right) * _SIZE / 1000
    draw = b"BT %s %d Tf 0.4 g %.2f %.2f Td %s Tj ET"
    return b"Q q " + b" ".join(
        draw % (_FONT.encode(), _SIZE, x, _BASELINE, _literal(text))
        for x, text in ((_MARGIN_X, left), (right_x, right))
    ) + b" Q"  # fmt: skip


def join(documents: list[bytes], *, moment: datetime, footer: str) -> bytes:
    """The parts as one PDF: ``footer`` and "Page N of M" at the foot of every page, the
    document information of the first part with its dates set to ``moment``."""
    import pikepdf
    from pikepdf import Dictionary, Name, Stream

    parts = [pikepdf.open(io.BytesIO(document)) for document in documents]
    joined = pikepdf.new()
    for part in parts:
        joined.pages.extend(part.pages)
    font = joined.make_indirect(
        Dictionary(
            Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )  # fmt: skip
    total = len(joined.pages)
    for number, page in enumerate(joined.pages, start=1):
        # The page's own drawing is wrapped in q ... Q, so the footer starts from the
        # default coordinates whatever transformation the page leaves in force.
        page.contents_add(Stream(joined, b"q"), prepend=True)
        if Name.Resources not in page.obj:
            page.obj[Name.Resources] = Dictionary()
        resources: Any = page.obj[Name.Resources]
        if Name.Font not in resources:
            resources[Name.Font] = Dictionary()
        resources[Name.Font][_FONT] = font
        width = float(page.mediabox[2]) - float(page.mediabox[0])
        page.contents_add(Stream(joined, _footer(width, footer, f"Page {number} of {total}")))
    info = parts[0].docinfo
    for key in (Name.Title, Name.Creator, Name.Producer):
        if key in info:
            joined.docinfo[key] = info[key]
    joined.docinfo[Name.CreationDate] = joined.docinfo[Name.ModDate] = pdf_date(moment)
    out = io.BytesIO()
    joined.save(out, deterministic_id=True, min_version=parts[0].pdf_version)
    return out.getvalue()
