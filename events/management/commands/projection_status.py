"""Show head, checkpoint and lag of every projection."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events import projections


class Command(BaseCommand):
    help = "Show the log head, each projection's checkpoint, its lag and any halting error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the status as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = projections.status()
        if options["json"]:
            self.stdout.write(json.dumps([asdict(row) for row in rows], indent=2))
            return
        if not rows:
            self.stdout.write("No projections are configured (EVENTS_PROJECTIONS).")
        for row in rows:
            line = f"{row.name:30} checkpoint {row.position:>9}  head {row.head:>9}  lag {row.lag}"
            if row.error:
                line += f"  HALTED at {row.failed_position}: {row.error}"
                self.stdout.write(self.style.ERROR(line))
            else:
                self.stdout.write(line)
