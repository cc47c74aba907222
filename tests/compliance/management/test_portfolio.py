"""The portfolio command's symbols: one per status, and only "nothing to do" reads as "-"."""

from __future__ import annotations

from compliance.management.commands.portfolio import SHORT
from compliance.rules.base import NOTHING_TO_DO, Status


def test_every_status_has_its_own_symbol() -> None:
    assert set(SHORT) == set(Status)
    assert len(set(SHORT.values())) == len(Status)
    assert SHORT[Status.OUTSIDE_COVERAGE] not in {SHORT[s] for s in NOTHING_TO_DO}
