"""Append one event from JSON, through the same services and validation as every interface."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.domain.errors import DomainError
from compliance.services import event_record, stream_new_id
from events.errors import EventStoreError
from events.types import registry

OPENING = {"PartyRegistered": "party", "InvestmentAnnounced": "investment",
           "ProceedingOpened": "proceeding"}  # fmt: skip


class Command(BaseCommand):
    help = (
        "Record one event given as JSON on stdin or in --file: "
        '{"stream_id": "investment-...", "type": "StakeAcquired", "data": {...}, '
        '"expected_version": 3, "source": {...}, "idempotency_key": "..."}. '
        "stream_id may be left out for PartyRegistered, InvestmentAnnounced and "
        "ProceedingOpened, which open a new stream. Prints the result as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="Read the JSON from this file instead of stdin.")
        parser.add_argument(
            "--actor", default=f"cli:{getpass.getuser()}", help="Who records it (metadata)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                with open(options["file"], encoding="utf-8") as handle:
                    request = json.load(handle)
            else:
                request = json.load(sys.stdin)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not read the JSON: {exc}") from None
        if not isinstance(request, dict) or not isinstance(request.get("type"), str):
            raise CommandError('Give a JSON object with at least "type" and "data".')
        type_name = request["type"]
        stream_id = request.get("stream_id")
        try:
            if stream_id is None:
                if type_name not in OPENING:
                    raise CommandError(f'"stream_id" is required for {type_name}.')
                stream_id = stream_new_id(OPENING[type_name])
            event = registry.build(type_name, request.get("data") or {})
            result = event_record(
                stream_id=stream_id,
                event=event,
                actor=options["actor"],
                source=request.get("source"),
                expected_version=request.get("expected_version"),
                idempotency_key=request.get("idempotency_key"),
            )
        except (DomainError, EventStoreError) as exc:
            raise CommandError(json.dumps(exc.as_dict())) from None
        self.stdout.write(
            json.dumps(
                {
                    "stream_id": result.stream_id,
                    "version": result.version,
                    "event_id": str(result.event_ids[0]),
                    "replayed": result.replayed,
                }
            )
        )
