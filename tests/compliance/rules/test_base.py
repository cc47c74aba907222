"""Findings and comparisons: their hand-written ``__init__`` (one update of the instance dict,
for speed) takes exactly the dataclass's fields, in order, with the same defaults, and the
instances stay frozen, comparable and hashable."""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal

import pytest

from compliance.rules.base import Comparison, Finding, Status


@pytest.mark.parametrize("cls", [Comparison, Finding])
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        expected = (
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        )
        assert parameter.default == expected


def test_instances_are_frozen_comparable_and_hashable() -> None:
    c = Comparison("x", Decimal(3), ">", Decimal(2), "EUR", "Art 1")
    f = Finding("i", "r", Status.MONITOR, 30, "why", "Art 1", "r@1", "1", comparisons=(c,))
    assert (c.met, f.missing, f.context_only) == (True, (), False)
    assert c == Comparison("x", Decimal(3), ">", Decimal(2), "EUR", "Art 1")
    assert dataclasses.replace(f, score=31) != f
    assert dataclasses.replace(f, score=31).score == 31
    assert hash(f) == hash(dataclasses.replace(f))
    assert repr(c).startswith("Comparison(what='x', value=Decimal('3')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.score = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.value = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        Finding("i", "r", Status.MONITOR, 30, "why", "Art 1", "r@1")  # type: ignore[call-arg]
