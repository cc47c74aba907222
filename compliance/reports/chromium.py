"""The PDF printed by headless Chromium (``REPORTS_PDF_ENGINE=chromium``), from the same HTML
as the WeasyPrint engine, with fixed metadata so that the same HTML gives the same bytes.

Chromium lays out and draws a long report about seven (100 investments) to eleven (1,000)
times faster than WeasyPrint in CPU time (figures in docs/BENCHMARKS.md), but it is a
browser: the worker needs one (Debian's ``chromium``, ``REPORTS_CHROMIUM``) and Playwright
to drive it (the ``chromium`` extra of the package).

Skia, Chromium's PDF writer, stamps the print time into the document information
(``/CreationDate`` and ``/ModDate``) and writes nothing else that varies between runs (no
``/ID``). Both dates are replaced by the report's own moment, of the same length, so the
cross-reference offsets stay valid. The ``/Creator`` names the browser's version, as
WeasyPrint's ``/Producer`` names its own: another version may give other bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

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
_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]{0,8}\)")


class ChromiumError(RuntimeError):
    """The browser is missing or did not print the report."""


def pdf_date(moment: datetime) -> bytes:
    """A PDF date in UTC, as Skia writes it when the browser runs with ``TZ=UTC``."""
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'").encode("ascii")


def fix_dates(document: bytes, moment: datetime) -> bytes:
    """``/CreationDate`` and ``/ModDate`` of the document information set to ``moment``, each
    of the length it had. Skia writes that dictionary first (object 1, before any page), so
    only the file's first object is searched."""
    head_end = document.find(b"endobj", 0, 64 * 1024)
    found = list(_DATES.finditer(document, 0, head_end)) if head_end > 0 else []
    if sorted(m.group(1) for m in found) != [b"CreationDate", b"ModDate"]:
        raise ChromiumError("Chromium's PDF has no creation and modification dates where expected.")
    stamp = pdf_date(moment)
    out = bytearray(document)
    for match in found:
        new = b"/" + match.group(1) + b" (" + stamp + b")"
        if len(new) != match.end() - match.start():
            raise ChromiumError(f"Chromium wrote a date of another length: {match.group(0)!r}.")
        out[match.start() : match.end()] = new
    return bytes(out)


def executable() -> str:
    path = str(getattr(settings, "REPORTS_CHROMIUM", "") or "/usr/bin/chromium")
    if not Path(path).exists():
        raise ChromiumError(
            f"REPORTS_PDF_ENGINE=chromium needs a Chromium at {path} (REPORTS_CHROMIUM); on "
            "Debian: apt-get install chromium. Or set REPORTS_PDF_ENGINE=weasyprint."
        )
    return path


def print_pdf(html: bytes, moment: datetime) -> bytes:
    """``html`` printed by headless Chromium (A4 landscape and margins from its ``@page``
    rules, backgrounds on), its dates set to ``moment``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ChromiumError(
            "REPORTS_PDF_ENGINE=chromium needs Playwright: "
            "pip install 'ai-investment-tracker[chromium]'."
        ) from exc
    browser_path = executable()
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        source = Path(folder) / "report.html"
        source.write_bytes(html)
        env: dict[str, str | float | bool] = {**os.environ, "TZ": "UTC"}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, headless=True, args=ARGS, env=env
            )
            try:
                page = browser.new_page(java_script_enabled=False, offline=True)
                page.emulate_media(media="print")
                page.goto(source.as_uri(), wait_until="load")
                document = page.pdf(
                    prefer_css_page_size=True, print_background=True, tagged=False, outline=False
                )
            finally:
                browser.close()
    return fix_dates(document, moment)
