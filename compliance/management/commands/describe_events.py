"""Write the event catalogue (docs/events.md) from the event types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from compliance.domain.catalogue import render


class Command(BaseCommand):
    help = "Print the event catalogue as Markdown, or write it with --write (docs/events.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Write docs/events.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render()
        if options["write"]:
            path = Path(settings.BASE_DIR) / "docs" / "events.md"
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {path}")
        else:
            self.stdout.write(text, ending="")
