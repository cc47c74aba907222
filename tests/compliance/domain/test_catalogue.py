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
