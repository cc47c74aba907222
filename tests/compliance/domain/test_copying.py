"""copying.replace: what dataclasses.replace gives, for the domain's frozen states."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from compliance.domain.copying import replace
from compliance.domain.investments import Holding, Investment


def test_it_gives_what_dataclasses_replace_gives() -> None:
    before = Investment(stream_id="investment-1", holdings={"safe": Holding("safe")})
    changes: dict[str, Any] = {"version": 3, "event_ids": ("e1",), "invested_eur": Decimal(5)}
    after = replace(before, **changes)
    assert after == dataclasses.replace(before, **changes)
    assert type(after) is Investment
    assert before.version == 0  # the original is untouched
    assert after.holdings is before.holdings  # fields are shared, as with dataclasses.replace
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.version = 4  # type: ignore[misc]


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="no field"):
        replace(Holding("safe"), equity=Decimal(1))
