"""Write a proof bundle for a stream or a report, to check offline with events.verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import checkpoints, proofs


class Command(BaseCommand):
    help = (
        "Write a self-contained proof bundle (events, hashes, chain links, Merkle inclusion "
        "proofs, the signed checkpoint, a signed manifest) for one stream or one report; "
        "check it anywhere with: python -m events.verify BUNDLE --public-key KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--stream", help="A stream id, e.g. investment-<uuid>.")
        what.add_argument("--report", help="A report id (its pinned position and files).")
        parser.add_argument("--out", help="The file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, identifier = (
            ("stream", options["stream"]) if options["stream"] else ("report", options["report"])
        )
        try:
            bundle = proofs.bundle_build(proofs.subject_for(kind, identifier))
        except (proofs.ProofError, checkpoints.CheckpointError) as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(bundle, indent=1, sort_keys=True) + "\n"
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="ascii")
            self.stderr.write(
                f"Wrote {options['out']}: {len(bundle['events'])} event(s), "
                f"{len(bundle['anchors'])} anchor(s), checkpoint at position "
                f"{bundle['checkpoint']['statement']['position']} "
                f"(key {bundle['checkpoint']['statement']['key_id']})."
            )
        else:
            self.stdout.write(text, ending="")
