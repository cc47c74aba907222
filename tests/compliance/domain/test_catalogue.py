"""docs/events.md is generated from the event types and must match them."""

from __future__ import annotations

from pathlib import Path

from compliance.domain.catalogue import SECTIONS, render
from events.types import registry

DOC = Path(__file__).resolve().parents[3] / "docs" / "events.md"


def test_the_catalogue_page_matches_the_code() -> None:
    assert DOC.read_text() == render(), "run: python manage.py describe_events --write"


def test_every_registered_type_is_in_the_catalogue() -> None:
    documented = {cls.__name__ for _title, types in SECTIONS for cls in types}
    compliance_types = {
        name
        for name in registry.names()
        if not registry.get(name).cls.__module__.startswith("tests.")  # the store's test types
    }
    assert compliance_types == documented


def test_a_number_is_not_a_date_even_deep_in_a_payload() -> None:
    """A rate's date inside an amount, and a due date, given as numbers (read as 1970)."""
    import pytest

    from events.errors import InvalidPayloadError
    from events.types import registry

    stake = {"occurred_at": "2024-03-01T00:00:00Z", "instrument": "ordinary_shares",
             "amount": {"amount": "1", "currency": "USD", "eur_rate": "0.9",
                        "eur_rate_date": 0}}  # fmt: skip
    with pytest.raises(InvalidPayloadError) as caught:
        registry.build("StakeAcquired", stake)
    assert caught.value.field == "amount.eur_rate_date"
    stake["amount"]["eur_rate_date"] = "2024-03-01"  # type: ignore[index]
    assert registry.build("StakeAcquired", stake).amount.eur_rate_date.year == 2024
    deadline = {"occurred_at": "2024-03-01T00:00:00Z", "deadline_id": "d", "due_on": 20240301}
    with pytest.raises(InvalidPayloadError) as caught:
        registry.build("DeadlineSet", deadline)
    assert caught.value.field == "due_on"
