"""A report's content as HTML (email-friendly), PDF (printed from the same HTML by WeasyPrint
or headless Chromium) and CSV (the findings). Each is a function of the content alone: no
clock, fixed metadata."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from compliance.exporting import FORMULA_START
from compliance.reports.content import DUE_WITHIN_DAYS, Content, Pins
from compliance.reports.heatmap import heatmap_svg

FORMATS = ("html", "pdf", "csv")
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "csv": "text/csv"}


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def scope_label(matter_code: str | None) -> str:
    return "all matters" if matter_code is None else f"matter {matter_code}"


def footer(pins: Pins) -> str:
    """The running footer beside the page number: where in the ledger the report stands."""
    return f"Ledger position {pins.position} \u2014 {pins.chain_hash[:16]}\u2026"


def html(content: Content) -> bytes:
    pins = content.pins
    context = {
        "content": content,
        "pins": pins,
        "scope_label": scope_label(pins.matter_code),
        "known_at": _instant(pins.known_at),
        "previous_known_at": _instant(content.previous.known_at) if content.previous else "",
        "footer": footer(pins),
        "created": pins.known_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "heatmap": mark_safe(heatmap_svg(content.regimes, content.investments)),
        "packs": sorted(pins.pack_versions.items()),
        "due_within": DUE_WITHIN_DAYS,
    }
    return render_to_string("reports/report.html", context).encode("utf-8")


PDF_ENGINES = ("weasyprint", "chromium")


def pdf_engine() -> str:
    """The configured engine (``REPORTS_PDF_ENGINE``)."""
    return str(getattr(settings, "REPORTS_PDF_ENGINE", "weasyprint"))


def engine_of(document: bytes) -> str:
    """Which engine wrote a stored PDF, so that a report is regenerated with the engine that
    built it whatever is configured now: Chromium's writer (Skia) names itself in the
    document information, written first; anything else was written by WeasyPrint."""
    return "chromium" if b"/Producer (Skia/PDF" in document[:4096] else "weasyprint"


def pdf(
    content: Content, html_bytes: bytes | Future[bytes] | None = None, engine: str | None = None
) -> bytes:
    """The HTML printed to PDF by ``engine`` (default: ``REPORTS_PDF_ENGINE``). The document's
    creation and modification dates are the report's ``known_at``, so the same content gives
    the same bytes with the same engine version and fonts. ``html_bytes`` may be a future
    (the HTML being rendered on another thread): Chromium starts while it is awaited.

    WeasyPrint reads the dates from the HTML's ``dcterms.created``; the Chromium engine sets
    them when it joins the parts it printed (:mod:`compliance.reports.chromium`)."""
    engine = engine or pdf_engine()
    source = html(content) if html_bytes is None else html_bytes
    if engine == "chromium":
        from compliance.reports.chromium import print_pdf

        return print_pdf(source, content.pins.known_at, footer(content.pins))
    if engine != "weasyprint":
        raise ValueError(f"Unknown PDF engine {engine!r}: one of {', '.join(PDF_ENGINES)}.")
    from weasyprint import HTML

    text = (source.result() if isinstance(source, Future) else source).decode("utf-8")
    document: bytes = HTML(string=text, base_url=None).write_pdf()
    return document


CSV_COLUMNS = [
    "investment_id", "investment_title", "regime", "status", "score", "context_only",
    "rationale", "citation", "comparisons", "missing", "pack_id", "pack_version", "as_of",
    "event_ids",
]  # fmt: skip


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (as the API's CSV exports do)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(content: Content) -> bytes:
    titles = {row["id"]: _cell(row["title"]) for row in content.investments}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    # Every regime of a deal cites the same events: their sorted JSON is encoded once.
    cited: dict[tuple[str, ...], str] = {}
    rows = []
    for f in content.findings:
        key = tuple(f.event_ids)
        event_ids = cited.get(key)
        if event_ids is None:
            event_ids = cited[key] = _cell(sorted(f.event_ids))
        rows.append(
            (
                _cell(f.investment_id), titles.get(f.investment_id, ""), _cell(f.regime),
                _cell(f.status), _cell(f.score), _cell(f.context_only), _cell(f.rationale),
                _cell(f.citation), _cell(f.comparisons), _cell(f.missing), _cell(f.pack_id),
                _cell(f.pack_version), _cell(f.as_of.isoformat()), event_ids,
            )
        )  # fmt: skip
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render(content: Content, fmt: str) -> bytes:
    if fmt == "html":
        return html(content)
    if fmt == "pdf":
        return pdf(content)
    if fmt == "csv":
        return csv_bytes(content)
    raise ValueError(f"Unknown report format {fmt!r}: one of {', '.join(FORMATS)}.")
