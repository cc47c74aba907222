"""Recompute the hash chain of the whole log; exit 1 and name the first bad position."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import ledger


class Command(BaseCommand):
    help = (
        "Verify the event log: every event's hash, the chain over the ledger, dense positions "
        "and contiguous stream versions. Exits 1 at the first position that does not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal committed events before verifying (read-only run).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            ledger.seal()
        result = ledger.verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
            if result.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Ledger intact: {result.checked} events verified, head position "
                        f"{result.head_position}, head hash {result.head_hash}"
                        + (f", {result.unsealed} not yet sealed" if result.unsealed else "")
                    )
                )
        if not result.ok:
            failure = result.failure
            assert failure is not None
            where = f"position {failure.position}" if failure.position else "an unsealed event"
            detail = f" (event {failure.event_id})" if failure.event_id else ""
            raise CommandError(
                f"Ledger does NOT verify at {where}{detail}: {failure.reason}", returncode=1
            )
