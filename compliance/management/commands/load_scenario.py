"""Record a built-in scenario through the services; loading it again records nothing."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.domain.errors import DomainError
from compliance.scenarios import (
    StreamLoaded,
    UnknownScenarioError,
    scenario_get,
    scenario_load,
    scenario_names,
)
from events.errors import EventStoreError


class Command(BaseCommand):
    help = (
        "Record a built-in scenario (sourced public facts) through the same services as every "
        "interface. Idempotent: facts already recorded are skipped. Known scenarios: "
        + ", ".join(scenario_names())
        + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=f"The scenario: {', '.join(scenario_names())}.")
        parser.add_argument(
            "--actor", default=f"cli:{getpass.getuser()}", help="Who records it (metadata)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            scenario = scenario_get(name)
        except UnknownScenarioError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Loading {scenario.name}: {len(scenario.streams)} streams, {scenario.size} events"
        )

        def progress(stream: StreamLoaded) -> None:
            events = f"{stream.events} event{'' if stream.events == 1 else 's'}"
            self.stdout.write(f"  {stream.stream_id}: {events}, {stream.new} new")

        try:
            result = scenario_load(name=name, actor=options["actor"], progress=progress)
        except DomainError as exc:
            raise CommandError(f"Refused ({exc.code}): {exc.message}") from None
        except EventStoreError as exc:
            raise CommandError(f"Could not record: {exc}") from None
        self.stdout.write(f"{result.new_events} new events recorded ({result.events} in scenario)")
