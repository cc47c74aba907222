"""The portfolio heat map as inline SVG: investments by regimes, each cell coloured by the
finding's status, with its score. Drawn on the server, with no script and no external
resource, so the same markup works in a browser, in WeasyPrint's PDF and in mail clients
that render SVG (those that strip it still have the PDF attached)."""

from __future__ import annotations

from html import escape
from typing import Any

from compliance.rules.base import SETTLED, Status

COLOURS = {
    Status.NOTIFIABLE: ("#b2182b", "#ffffff"),
    Status.INFORMATION_DUTY: ("#d6604d", "#ffffff"),
    Status.REFERRAL_RISK: ("#f4a582", "#1a1a1a"),
    Status.CALL_IN_RISK: ("#fddbc7", "#1a1a1a"),
    Status.INSUFFICIENT_DATA: ("#bababa", "#1a1a1a"),
    Status.OUTSIDE_COVERAGE: ("#8073ac", "#ffffff"),  # never the pale "no duty" colours
    Status.MONITOR: ("#d1e5f0", "#1a1a1a"),
    Status.NOT_NOTIFIABLE: ("#f0f0f0", "#6b6b6b"),
    Status.NOT_ELIGIBLE: ("#ececec", "#6b6b6b"),
    Status.NOT_REVIEWABLE: ("#e8e8e8", "#6b6b6b"),
    Status.NOT_APPLICABLE: ("#fafafa", "#9a9a9a"),
    "settled": ("#a6dba0", "#1a1a1a"),  # cleared, closed, withdrawn or abandoned: nothing to do
}
NONE_COLOUR = ("#ffffff", "#9a9a9a")

CELL_W, CELL_H, LABEL_W, HEADER_H, LEGEND_H, FONT = 46, 20, 250, 110, 44, "DejaVu Sans, sans-serif"
# Rows per drawing: an SVG is an image, which a PDF page cannot split, so a long portfolio
# is drawn as several maps (each with the regimes' header) that fit an A4 landscape page;
# the first is shorter, to fit under the report's title on the first page.
ROWS_PER_MAP = 25
FIRST_MAP_ROWS = 18


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _colour(finding: Any) -> str:
    """A settled case's colour, whatever its jurisdiction; else the status's."""
    if getattr(finding, "procedure", "") in SETTLED:
        return "settled"
    try:
        return str(Status(finding.status))  # a report stored before reads "not_triggered"
    except ValueError:
        return str(finding.status)


def _said(finding: Any) -> str:
    procedure = getattr(finding, "procedure", "")
    return f"{finding.status}, {procedure.replace('_', ' ')}" if procedure else finding.status


def heatmap_svg(regimes: list[str], rows: list[dict[str, Any]]) -> str:
    """``rows``: dicts with ``title`` and ``cells`` (regime -> finding with status, score).
    One map up to ``FIRST_MAP_ROWS`` rows; beyond, the first ``FIRST_MAP_ROWS`` and then one
    map per ``ROWS_PER_MAP`` rows, the legend under the last."""
    rest = rows[FIRST_MAP_ROWS:]
    chunks = [rows[:FIRST_MAP_ROWS]] + [
        rest[i : i + ROWS_PER_MAP] for i in range(0, len(rest), ROWS_PER_MAP)
    ]
    return "\n".join(
        _map(regimes, chunk, legend=n == len(chunks) - 1) for n, chunk in enumerate(chunks)
    )


def _map(regimes: list[str], rows: list[dict[str, Any]], *, legend: bool) -> str:
    width = LABEL_W + CELL_W * max(len(regimes), 1) + 10
    height = HEADER_H + CELL_H * max(len(rows), 1) + (LEGEND_H if legend else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Portfolio heat map" '
        f'font-family="{FONT}" font-size="10">'
    ]
    for col, regime in enumerate(regimes):
        x = LABEL_W + col * CELL_W + CELL_W // 2
        out.append(
            f'<text x="{x}" y="{HEADER_H - 6}" transform="rotate(-45 {x} {HEADER_H - 6})">'
            f"{escape(regime)}</text>"
        )
    for line, row in enumerate(rows):
        y = HEADER_H + line * CELL_H
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(_clip(row['title'], 42))}</text>"
        )
        scores = []  # the row's scores: one text of centred runs, far cheaper to print
        for col, regime in enumerate(regimes):
            x = LABEL_W + col * CELL_W
            finding = row["cells"].get(regime)
            fill, ink = COLOURS.get(_colour(finding), NONE_COLOUR) if finding else NONE_COLOUR
            label = f"{regime}: {_said(finding)} ({finding.score})" if finding else regime
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{fill}" stroke="#ffffff"><title>{escape(label)}</title></rect>'
            )
            if finding is not None:
                scores.append(
                    f'<tspan x="{x + (CELL_W - 2) // 2}" fill="{ink}">{finding.score}</tspan>'
                )
        if scores:
            out.append(f'<text y="{y + 13}" text-anchor="middle">{"".join(scores)}</text>')
    y = HEADER_H + CELL_H * max(len(rows), 1) + 12
    x = 0
    for status, (fill, _) in COLOURS.items() if legend else ():
        out.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}" stroke="#999999"/>'
            f'<text x="{x + 16}" y="{y + 10}">{escape(str(status))}</text>'
        )
        x += 16 + 7 * len(str(status)) + 14
        if x > width - 120:
            x, y = 0, y + 16
    out.append("</svg>")
    return "".join(out)
