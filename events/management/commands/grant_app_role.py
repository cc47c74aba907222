"""Give the application's database role its privileges: the log append-only (events/roles.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from events.roles import APPEND_ONLY, grant_app_role


class Command(BaseCommand):
    help = (
        "Run as the role that owns the tables (the one that runs migrations), after migrate: "
        "grant ROLE read and write on every table except the log and the ledger, which it may "
        "only read and append to (no UPDATE, DELETE or TRUNCATE). PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The database role the application connects as.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL feature; nothing to do here.")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                grant_app_role(cursor.cursor, options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{options['role']}: read and write on every table; "
            f"{', '.join(APPEND_ONLY)} read and append only."
        )
