"""The built-in scenario: public facts about big-tech stakes in AI companies, each with its
source from shared/domain/regulatory-facts.md. For now, the parties of Microsoft/Mistral AI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from compliance.domain.events import PartyRegistered
from compliance.domain.values import PartyKind
from events import store
from events.errors import WrongExpectedVersionError

DAILY_MAVERICK = {
    "url": "https://www.dailymaverick.co.za/article/2024-02-26-microsoft-strikes-deal-with-frances-mistral-openai-rival/",
    "publisher": "Daily Maverick (Reuters copy)",
    "title": "Microsoft strikes deal with France's Mistral, OpenAI rival",
    "published_on": "2024-02-26",
    "reliability": "reliable_press",
}

PARTIES: list[tuple[str, PartyRegistered, dict[str, Any]]] = [
    (
        "party-microsoft",
        PartyRegistered(
            occurred_at=datetime(2024, 2, 26, tzinfo=UTC),
            name="Microsoft Corporation",
            kind=PartyKind.COMPANY,
            country="US",
        ),
        DAILY_MAVERICK,
    ),
    (
        "party-mistral-ai",
        PartyRegistered(
            occurred_at=datetime(2024, 2, 26, tzinfo=UTC),
            name="Mistral AI",
            kind=PartyKind.COMPANY,
            country="FR",
        ),
        DAILY_MAVERICK,
    ),
]


def scenario_load(*, actor: str) -> int:
    """Record the scenario's events that are not in the log yet; return how many were new."""
    recorded = 0
    for stream_id, event, source in PARTIES:
        try:
            store.append(
                stream_id,
                [event],
                expected_version=store.NO_STREAM,
                metadata={"actor": actor, "source": source},
            )
            recorded += 1
        except WrongExpectedVersionError:
            continue  # loaded before: the log already has it
    return recorded
