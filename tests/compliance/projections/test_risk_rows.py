"""The risk projection writes a finding's JSON columns directly (no dicts, no encoder per
row): the text is the one the JSON encoder writes, byte for byte, for every finding of 700
generated deals, including unusual strings and Decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from compliance.projections.risk import (
    _comparison,
    _comparison_json,
    _deal,
    _dumps,
    _rows,
    _strings,
)
from compliance.rules import engine
from compliance.rules.base import Comparison, DealFacts
from tests.compliance.rules.synthetic import portfolio_deals, synthetic_deals


def _reference_rows(facts: DealFacts) -> list[tuple[Any, ...]]:
    """The rows as the projection built them before (a dict per comparison, ``_dumps``)."""
    return [
        (
            f.investment_id,
            f.regime,
            str(f.status),
            f.score,
            f.rationale,
            f.citation,
            _dumps([_comparison(c) for c in f.comparisons]),
            _dumps(list(f.missing)),
            f.pack_id,
            f.pack_version,
            f.context_only,
            facts.as_of,
            f.event_ids == facts.event_ids,
            f.procedure,
            f.decision_event_id,
        )
        for f in engine.evaluate(facts)
    ]


def test_rows_are_those_the_json_encoder_writes() -> None:
    for facts in [*synthetic_deals(500), *portfolio_deals(200)]:
        assert _rows(facts) == _reference_rows(facts)
        assert _deal(facts) == (facts.investment.stream_id, _dumps(list(facts.event_ids)))
        assert all(f.event_ids in {(), facts.event_ids} for f in engine.evaluate(facts))


@pytest.mark.parametrize(
    "value", [None, Decimal(0), Decimal("-0"), Decimal("1E+6"), Decimal("12.50"), Decimal("NaN")]
)
def test_a_comparison_with_unusual_text_and_numbers(value: Decimal | None) -> None:
    c = Comparison('quote " back\\slash \n é ✓ \u2028', value, ">=", Decimal("1E-3"), "€", "")
    compared = Comparison("x", None if value is None else Decimal(1), ">", Decimal(0), "u", "c")
    assert _comparison_json(compared) == _dumps(_comparison(compared))
    if value is None or not value.is_nan():  # NaN cannot be compared (met raises)
        assert _comparison_json(c) == _dumps(_comparison(c))


def test_strings() -> None:
    items = ("", 'a "b"', "ü\t", "\x00")
    assert _strings(items) == _dumps(list(items))
    assert _strings(()) == "[]" == _dumps([])
