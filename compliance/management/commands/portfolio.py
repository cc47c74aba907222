"""Print the portfolio risk view: investments by regimes, each cell a finding's status."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from compliance.selectors import portfolio_matrix
from compliance.selectors.risk import Cell

SHORT = {
    "notifiable": "NOTIFY",
    "information_duty": "INFORM",
    "referral_risk": "REFERRAL",
    "call_in_risk": "CALL-IN",
    "monitor": "monitor",
    "insufficient_data": "no data",
    "outside_coverage": "no pack",
    "not_notifiable": "-",
    "not_eligible": "- ref",
    "not_reviewable": "- rev",
    "not_applicable": "n/a",
}


class Command(BaseCommand):
    help = "Print the portfolio risk view (the risk projection's findings), or --json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        matrix = portfolio_matrix()
        if options["json"]:
            self.stdout.write(json.dumps(asdict(matrix), indent=2))
            return
        if not matrix.rows:
            self.stdout.write("No findings yet: record an investment and catch projections up.")
            return
        width = max(len(row.title) for row in matrix.rows)
        texts = [
            [_cell(row.cells[r]) if r in row.cells else "" for r in matrix.regimes]
            for row in matrix.rows
        ]
        columns = [
            max(len(regime), 8, *(len(cells[i]) for cells in texts))
            for i, regime in enumerate(matrix.regimes)
        ]
        header = (
            " " * width
            + "  "
            + "  ".join(r.ljust(w) for r, w in zip(matrix.regimes, columns, strict=True))
        )
        self.stdout.write(header)
        for row, cells in zip(matrix.rows, texts, strict=True):
            self.stdout.write(
                row.title.ljust(width) + "  "
                + "  ".join(c.ljust(w) for c, w in zip(cells, columns, strict=True))
            )  # fmt: skip
        self.stdout.write(
            "NOTIFY: filing duty; INFORM: information duty; REFERRAL/CALL-IN: scrutiny risk; "
            "no data: a fact needed to decide is missing; -: the regime's 'no'; in brackets, "
            "where the authority's case stands, e.g. (cleared) (see docs/rules.md)"
        )


def _cell(cell: Cell) -> str:
    """``CALL-IN (cleared)``: the status, and the procedure once a case is on file."""
    status = SHORT.get(cell.status, cell.status)
    return f"{status} ({cell.procedure.replace('_', ' ')})" if cell.procedure else status
