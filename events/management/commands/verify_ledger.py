"""Recompute the hash chain of the log and compare it with every signed checkpoint: from
the newest stored checkpoint a trusted key signed (``--full``: from genesis).

Exit status: 0 intact; 1 a position does not verify; 2 fork (the log no longer holds the
history a checkpoint signed, or lost events it signed); 3 a checkpoint is forged, damaged or
signed by a key that is not trusted; 4 the log's tables, trigger functions or triggers are not
as the migrations installed them (rows could have been changed without a trigger firing).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import checkpoints, ledger, signatures

EXIT = {"intact": 0, "bad_position": 1, "fork": 2, "bad_checkpoint": 3, "schema_changed": 4}


class Command(BaseCommand):
    help = (
        "Verify the event log: every event's hash, the chain over the ledger, dense positions "
        "and contiguous stream versions, then the log against every stored checkpoint and the "
        "checkpoint files or folders given, and its tables and triggers against what the "
        "migrations installed. Exit 1: a position does not verify; 2: fork; 3: a bad or "
        "untrusted checkpoint; 4: a changed table, trigger function or trigger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="*",
            metavar="CHECKPOINT",
            help="Checkpoint files, or folders of them (e.g. a copy of EVENTS_CHECKPOINT_DIR).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal committed events before verifying (read-only run).",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="KEY",
            help="Also trust checkpoints signed by this Ed25519 public key (base64, hex, PEM "
            "or a file holding one); repeatable.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Recompute the whole log from genesis (by default the walk resumes after the "
            "newest stored checkpoint a trusted key signed and the log still links to).",
        )
        parser.add_argument(
            "--no-stored",
            action="store_true",
            help="Ignore the checkpoints stored in the database (check the files only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            extra = [
                signatures.public_text(signatures.public_key_argument(k))
                for k in options["public_key"]
            ]
            trusted = checkpoints.trusted_keys(extra)
        except (signatures.BadKeyError, checkpoints.CheckpointError) as exc:
            raise CommandError(str(exc)) from None
        if not options["no_seal"]:
            ledger.seal()
        given = [] if options["no_stored"] else checkpoints.stored()
        given += checkpoints.read_files(options["files"])
        result = ledger.verify(given, trusted_keys=trusted, resume=not options["full"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(
                f"Resumed after {result.resumed_from} at position {result.started_after} "
                "(the log below it was not recomputed: --full does)"
                if result.resumed_from
                else "Full pass from genesis"
            )
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
            for change in result.schema_changes:
                self.stdout.write(self.style.ERROR(f"changed: {change}"))
            for check in result.checkpoints:
                line = (
                    f"checkpoint {check.source} at position {check.position} "
                    f"(key {check.key_id}): {check.status}"
                    + (f": {check.detail}" if check.detail else "")
                )
                style = self.style.SUCCESS if check.status == "matches" else self.style.ERROR
                self.stdout.write(style(line))
            if result.ok:
                matched = sum(c.status == "matches" for c in result.checkpoints)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Ledger intact: {result.checked} events verified after position "
                        f"{result.started_after}, head position "
                        f"{result.head_position}, head hash {result.head_hash}"
                        + (f", {result.unsealed} not yet sealed" if result.unsealed else "")
                        + f", {matched} checkpoint(s) match"
                    )
                )
        if result.ok:
            return
        if result.outcome == "fork":
            fork = result.fork
            assert fork is not None
            where = (
                f"the first position that differs is {fork.first_difference} (its chain link "
                f"is not the one {fork.located_by} signed)"
                if fork.first_difference is not None
                else f"the rewrite began after position {fork.after}"
            )
            raise CommandError(
                f"Ledger FORK: the log no longer holds the history checkpoint {fork.source} "
                f"signed at position {fork.position} ({fork.reason}); {where}",
                returncode=EXIT["fork"],
            )
        if result.outcome == "bad_position":
            failure = result.failure
            assert failure is not None
            where = f"position {failure.position}" if failure.position else "an unsealed event"
            detail = f" (event {failure.event_id})" if failure.event_id else ""
            raise CommandError(
                f"Ledger does NOT verify at {where}{detail}: {failure.reason} (the log as it "
                f"stood at head position {result.head_position}, head hash {result.head_hash})",
                returncode=EXIT["bad_position"],
            )
        if result.outcome == "schema_changed":
            raise CommandError(
                "Ledger tables CHANGED since the migrations installed them (rows could have been "
                "changed without a trigger firing): " + "; ".join(result.schema_changes),
                returncode=EXIT["schema_changed"],
            )
        bad = [c for c in result.checkpoints if c.status in {"invalid", "untrusted"}]
        raise CommandError(
            "Bad checkpoint(s): " + "; ".join(f"{c.source}: {c.status}: {c.detail}" for c in bad),
            returncode=EXIT["bad_checkpoint"],
        )
