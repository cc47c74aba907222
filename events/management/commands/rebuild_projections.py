"""Rebuild projections from position 0."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import projections


class Command(BaseCommand):
    help = (
        "Delete the rows of the named projections (all when none is named) and replay the "
        "whole log into them, each in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="Projection names (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            selected = (
                [projections.get_projection(name) for name in options["names"]]
                if options["names"]
                else projections.get_projections()
            )
        except KeyError as exc:
            known = ", ".join(p.name for p in projections.get_projections()) or "none"
            raise CommandError(f"Unknown projection {exc}; known: {known}.") from None
        failed = False
        for projection in selected:
            self.stdout.write(f"Rebuilding {projection.name} ...")

            def progress(position: int, head: int) -> None:
                self.stdout.write(f"  {position}/{head}")

            result = projections.rebuild(projection, progress=progress)
            if result.status == "ok":
                self.stdout.write(
                    self.style.SUCCESS(
                        f"  {projection.name}: {result.applied} events, at {result.position}"
                    )
                )
            else:
                failed = True
                self.stdout.write(self.style.ERROR(f"  {projection.name}: {result.error}"))
        if failed:
            raise CommandError(
                "Some projections could not be rebuilt; they were left as they were."
            )
