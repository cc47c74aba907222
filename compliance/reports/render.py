"""A report's content as HTML (email-friendly), PDF (WeasyPrint, from the same HTML) and
CSV (the findings). Each is a function of the content alone: no clock, fixed metadata."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from compliance.exporting import FORMULA_START
from compliance.reports.content import DUE_WITHIN_DAYS, Content
from compliance.reports.heatmap import heatmap_svg

FORMATS = ("html", "pdf", "csv")
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "csv": "text/csv"}


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def scope_label(matter_code: str | None) -> str:
    return "all matters" if matter_code is None else f"matter {matter_code}"


def html(content: Content) -> bytes:
    pins = content.pins
    context = {
        "content": content,
        "pins": pins,
        "scope_label": scope_label(pins.matter_code),
        "known_at": _instant(pins.known_at),
        "previous_known_at": _instant(content.previous.known_at) if content.previous else "",
        "created": pins.known_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "heatmap": mark_safe(heatmap_svg(content.regimes, content.investments)),
        "packs": sorted(pins.pack_versions.items()),
        "due_within": DUE_WITHIN_DAYS,
    }
    return render_to_string("reports/report.html", context).encode("utf-8")


def pdf(content: Content, html_bytes: bytes | None = None) -> bytes:
    """The HTML laid out by WeasyPrint. Its creation date is the report's ``known_at`` (from
    the HTML's ``dcterms.created``), so the same content gives the same bytes with the same
    WeasyPrint version and fonts."""
    from weasyprint import HTML

    source = (html_bytes or html(content)).decode("utf-8")
    document: bytes = HTML(string=source, base_url=None).write_pdf()
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
