"""Schema evolution: old payloads are upcast on read; stored rows are never rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from events import store
from events.types import Event, EventRegistry
from tests.events.helpers import T0

# Rolled back, not committed: the widgets' types live in private registries only, and the
# log is shared with processes other tests start (workers, servers), which could not read them.
pytestmark = pytest.mark.django_db


def registry_v1() -> tuple[EventRegistry, Any]:
    types = EventRegistry()

    @types.register
    @dataclass(frozen=True, kw_only=True)
    class WidgetMade(Event):
        title: str

    return types, WidgetMade


def registry_v3() -> EventRegistry:
    types = EventRegistry()

    @types.register(name="WidgetMade", schema_version=3)
    @dataclass(frozen=True, kw_only=True)
    class WidgetMadeV3(Event):
        name: str
        colour: str

    @types.upcaster("WidgetMade", from_version=1)
    def rename_title(data: dict[str, Any]) -> dict[str, Any]:
        return {"name": data.pop("title"), **data}

    @types.upcaster("WidgetMade", from_version=2)
    def add_colour(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "colour": "unknown"}

    return types


def test_the_oldest_payload_is_upcast_to_the_current_schema(stream: str) -> None:
    v1, widget_made = registry_v1()
    store.append(stream, [widget_made(occurred_at=T0, title="gear")], expected_version=0, types=v1)

    (recorded,) = store.read_stream(stream, types=registry_v3())

    assert recorded.schema_version == 1  # the row is as it was stored
    assert recorded.event.name == "gear"
    assert recorded.event.colour == "unknown"
    assert store.read_stream(stream, types=v1)[0].event.title == "gear"


def test_new_appends_use_the_current_schema_version(stream: str) -> None:
    v3 = registry_v3()
    event = v3.build("WidgetMade", {"occurred_at": T0, "name": "cog", "colour": "red"})
    store.append(stream, [event], expected_version=0, types=v3)

    assert store.read_stream(stream, types=v3)[0].schema_version == 3


def test_a_type_name_cannot_be_registered_twice() -> None:
    types, widget_made = registry_v1()
    with pytest.raises(ValueError, match="already registered"):
        types.register(widget_made)
