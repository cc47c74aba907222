"""The built-in scenario loaded, and one regime's finding of one of its deals."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.rules.base import Finding
from compliance.scenarios import scenario_load
from compliance.services import findings_evaluate
from events import projections


@pytest.fixture
def scenario() -> None:
    scenario_load(name="public-ai-investments", actor="test")
    projections.catch_up()


def finding(investment_id: str, regime: str, on: date) -> Finding:
    """The finding of ``regime`` for the deal as of ``on``, evaluated from the log."""
    found = findings_evaluate(investment_id=investment_id, as_of=on)
    return next(f for f in found if f.regime == regime)
