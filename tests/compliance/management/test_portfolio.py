"""The portfolio command's symbols: one per status, and only "nothing to do" reads as "-"."""

from __future__ import annotations

from compliance.management.commands.portfolio import SHORT
from compliance.rules.base import NOTHING_TO_DO, Status


def test_every_status_has_its_own_symbol() -> None:
    assert set(SHORT) == set(Status)
    assert len(set(SHORT.values())) == len(Status)
    assert SHORT[Status.OUTSIDE_COVERAGE] not in {SHORT[s] for s in NOTHING_TO_DO}


def test_a_cell_shows_where_the_authoritys_case_stands() -> None:
    """A deal the CMA cleared is not shown as a bare CALL-IN (issue 16 point 2)."""
    from compliance.management.commands.portfolio import _cell
    from compliance.selectors.risk import Cell

    assert _cell(Cell("call_in_risk", 5, "cleared")) == "CALL-IN (cleared)"
    assert _cell(Cell("not_notifiable", 0, "")) == "-"
