"""Sign a checkpoint of the ledger's head, store it and write it out of the database."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import checkpoints, signatures


class Command(BaseCommand):
    help = (
        "Seal what has committed, then sign a checkpoint of the ledger's head (position, chain "
        "hash, Merkle root, time) with the key of EVENTS_CHECKPOINT_KEY(_FILE); store it and "
        "write it to EVENTS_CHECKPOINT_DIR. --new-key FILE writes a new signing key instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the checkpoint as JSON.")
        parser.add_argument(
            "--new-key",
            metavar="FILE",
            help="Write a new Ed25519 signing key (PEM, mode 0600) to FILE, print its public "
            "key, and make no checkpoint.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self._new_key(Path(options["new_key"]))
            return
        try:
            checkpoint = checkpoints.checkpoint_create()
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(checkpoints.signed_of(checkpoint), indent=2))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint at position {checkpoint.position}: chain hash "
                f"{checkpoint.chain_hash}, Merkle root {checkpoint.merkle_root}, key "
                f"{checkpoint.key_id}, file {checkpoint.file_name}"
            )
        )

    def _new_key(self, path: Path) -> None:
        if path.exists():
            raise CommandError(f"{path} exists: not overwriting a key.")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        public = signatures.public_text(key.public_key())
        self.stdout.write(
            f"Signing key written to {path} (keep it out of the database's reach).\n"
            f"Public key: {public}\nKey id: {signatures.key_id(public)}"
        )
