"""Give a user a role and staff them on a matter, from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.access import GROUPS, access_grant


class Command(BaseCommand):
    help = (
        "Give USERNAME a role (viewer, analyst or admin) and optionally staff them on a "
        "matter, opened if it does not exist. Then issue an API token with "
        "`manage.py drf_create_token USERNAME`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(GROUPS))
        parser.add_argument("--matter", help="The matter's code, e.g. M-2024-017.")
        parser.add_argument("--matter-name", help="The matter's name, if it is new.")
        parser.add_argument("--create", action="store_true", help="Create the user if missing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = access_grant(
                username=options["username"],
                role=options["role"],
                matter_code=options["matter"],
                matter_name=options["matter_name"],
                create=options["create"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        where = f", staffed on matter {options['matter']}" if options["matter"] else ""
        self.stdout.write(f"{user.get_username()} is now {options['role']}{where}.")
