"""Write a proof bundle for a stream or a report, to check offline with events.verify; or
check a bundle against this log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import checkpoints, proofs, verify


class Command(BaseCommand):
    help = (
        "Write a self-contained proof bundle (events, hashes, chain links, Merkle inclusion "
        "proofs, the signed checkpoint and stream index, a signed manifest) for one stream or "
        "one report; check it anywhere with: python -m events.verify BUNDLE --public-key KEY. "
        "--check BUNDLE recomputes, from this log, what the bundle's signatures vouch for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--stream", help="A stream id, e.g. investment-<uuid>.")
        what.add_argument("--report", help="A report id (its pinned position and files).")
        what.add_argument(
            "--check",
            metavar="BUNDLE",
            help="A bundle to check against this log: its checkpoint's Merkle root and its "
            "stream index, recomputed (a false index signed by our key shows here).",
        )
        parser.add_argument("--out", help="The file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check(Path(options["check"]))
            return
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

    def _check(self, path: Path) -> None:
        try:
            bundle = json.loads(path.read_text(encoding="utf-8"))
            verify.check_bundle(bundle, None)  # consistent and signed; trust is the caller's
        except (OSError, UnicodeDecodeError, ValueError, verify.Invalid) as exc:
            raise CommandError(f"{path}: {exc}") from None
        problem = proofs.bundle_refuted(bundle)
        if problem:
            raise CommandError(f"{path}: {problem}")
        self.stdout.write(
            f"{path}: this log agrees with its checkpoint and stream index at position "
            f"{bundle['checkpoint']['statement']['position']}."
        )
