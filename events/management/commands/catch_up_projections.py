"""Seal the ledger and catch every projection up, here and now (no worker needed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from events import projections


class Command(BaseCommand):
    help = "Seal committed events and catch every projection up with the log, in this process."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(result: projections.RunResult) -> None:
            self.stdout.write(
                f"{result.name}: {result.status}, {result.applied} applied, at {result.position}"
                + (f" ({result.error})" if result.error else "")
            )

        results = projections.catch_up(progress=progress)
        if any(result.status == "failed" for result in results):
            raise CommandError("A projection is halted; see projection_status.")
