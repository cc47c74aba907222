"""Erase a data subject's personal data: record why and by whom, then delete their key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import personal
from events.errors import EventStoreError


class Command(BaseCommand):
    help = (
        "Erase SUBJECT's personal data (GDPR art. 17): append PersonalDataErased (reason, "
        "actor) and delete the subject's key in one transaction. Their personal fields read "
        "as erased from then on; every other fact and the hash chain stay as they were."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", help="The data subject's pseudonymous id.")
        parser.add_argument("--reason", required=True, help="Why (e.g. the request's reference).")
        parser.add_argument("--actor", required=True, help="The user who decided the erasure.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = personal.subject_erase(
                subject=options["subject"], reason=options["reason"], actor=options["actor"]
            )
        except EventStoreError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {options['subject']}: key deleted, PersonalDataErased recorded as "
                f"event {result.event_ids[0]} in {result.stream_id}."
            )
        )
