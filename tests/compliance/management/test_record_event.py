"""manage.py record_event: one event from JSON, through the services."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import store

pytestmark = pytest.mark.django_db(transaction=True)


def record(request: Any, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    monkeypatch.setattr("sys.stdin", StringIO(json.dumps(request)))
    out = StringIO()
    call_command("record_event", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_registers_a_party_and_records_a_fact_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    created = record(
        {
            "type": "PartyRegistered",
            "data": {"occurred_at": "2024-02-26T00:00:00Z", "name": "Acme AI", "kind": "company",
                     "country": "FR"},
            "source": {"url": "https://example.org/a", "publisher": "Example",
                       "reliability": "official"},
        },
        monkeypatch,
        "--actor", "paralegal-1",
    )  # fmt: skip
    assert created["stream_id"].startswith("party-")
    assert created["version"] == 1
    renamed = record(
        {"stream_id": created["stream_id"], "type": "PartyRenamed", "expected_version": 1,
         "data": {"occurred_at": "2024-03-01T00:00:00Z", "name": "Acme"}},
        monkeypatch,
    )  # fmt: skip
    assert renamed["version"] == 2
    (first, _second) = store.read_stream(created["stream_id"])
    assert first.metadata["actor"] == "paralegal-1"
    assert first.metadata["source"]["publisher"] == "Example"


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(
        json.dumps(
            {"type": "PartyRegistered",
             "data": {"occurred_at": "2024-02-26T00:00:00Z", "name": "B", "kind": "fund",
                      "country": "DE"}}
        )
    )  # fmt: skip
    out = StringIO()
    call_command("record_event", "--file", str(path), stdout=out)
    assert json.loads(out.getvalue())["version"] == 1


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        ({"type": "NoSuchType", "data": {}, "stream_id": "party-x"}, "unknown_event_type"),
        ({"type": "PartyRegistered", "data": {"name": "x"}}, "invalid_payload"),
        ({"type": "PartyRenamed", "stream_id": "party-none",
          "data": {"occurred_at": "2024-01-01T00:00:00Z", "name": "x"}}, "not_found"),
        ({"type": "InvestmentAnnounced",
          "data": {"occurred_at": "2024-01-01T00:00:00Z", "investor_id": "party-a",
                   "target_id": "party-b", "title": "x"}}, "unknown_reference"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error(
    request_: dict[str, Any], code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError) as caught:
        record(request_, monkeypatch)
    assert json.loads(str(caught.value))["code"] == code


def test_not_json_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", StringIO("{not json"))
    with pytest.raises(CommandError, match="Could not read the JSON"):
        call_command("record_event")
