"""Every registered event type can still load the oldest payload it ever stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from events.types import registry

OLDEST = json.loads((Path(__file__).parents[1] / "fixtures/oldest_payloads.json").read_text())
OLDEST.pop("_comment")


def test_every_registered_type_has_its_oldest_payload_on_file() -> None:
    assert sorted(OLDEST) == registry.names()


@pytest.mark.parametrize("type_name", sorted(OLDEST))
def test_the_oldest_payload_still_loads(type_name: str) -> None:
    oldest = OLDEST[type_name]
    when = datetime(2024, 2, 26, tzinfo=UTC)

    payload = {**oldest["data"], "occurred_at": "2024-02-26T00:00:00.000000Z"}

    event = registry.decode(type_name, oldest["schema_version"], payload)

    assert event.occurred_at == when
    assert registry.type_of(event).name == type_name
