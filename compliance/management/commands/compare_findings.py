"""Re-run one deal's risk evaluation two ways and list what appears, disappears or changes."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic_core import to_jsonable_python

from compliance.domain.errors import DomainError
from compliance.services import findings_compare, portfolio_compare


def _versions(pairs: list[str]) -> dict[str, str]:
    versions = {}
    for pair in pairs:
        regime, _, version = pair.partition("=")
        if not regime or not version:
            raise CommandError(f"--*-pack takes REGIME=VERSION, not {pair!r}.")
        versions[regime] = version
    return versions


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} must be an ISO 8601 timestamp, not {value!r}.") from None
    if parsed.tzinfo is None:
        raise CommandError(f"{name} needs a time zone (e.g. 2024-06-01T00:00:00Z).")
    return parsed


class Command(BaseCommand):
    help = (
        "Compare a deal's findings under two rule pack versions or two known-at times: "
        "e.g. compare_findings investment-x --as-of 2024-06-01 --before-known-at "
        "2024-02-26T12:00:00Z, or --before-pack eumr=1 --after-pack eumr=2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "investment_id", nargs="?", help="One investment; leave out with --all."
        )
        parser.add_argument("--all", action="store_true", help="Every investment.")
        parser.add_argument("--as-of", required=True, help="Valid date (YYYY-MM-DD).")
        parser.add_argument("--before-known-at", help="Transaction time of the first run.")
        parser.add_argument("--after-known-at", help="Transaction time of the second run.")
        parser.add_argument("--before-pack", action="append", default=[], metavar="REGIME=V")
        parser.add_argument("--after-pack", action="append", default=[], metavar="REGIME=V")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("--as-of must be a date (YYYY-MM-DD).") from None
        kwargs: dict[str, Any] = {
            "as_of": as_of,
            "before_known_at": _time(options["before_known_at"], "--before-known-at"),
            "after_known_at": _time(options["after_known_at"], "--after-known-at"),
            "before_versions": _versions(options["before_pack"]),
            "after_versions": _versions(options["after_pack"]),
        }
        if options["all"] == bool(options["investment_id"]):
            raise CommandError("Name one investment, or give --all.")
        try:
            if options["all"]:
                by_investment = portfolio_compare(**kwargs)
            else:
                by_investment = {
                    options["investment_id"]: findings_compare(
                        investment_id=options["investment_id"], **kwargs
                    )
                }
        except DomainError as exc:
            raise CommandError(json.dumps(exc.as_dict())) from None
        if options["json"]:
            if not options["all"]:
                (changes,) = by_investment.values()
                self.stdout.write(json.dumps(to_jsonable_python(changes), indent=2))
            else:
                self.stdout.write(json.dumps(to_jsonable_python(by_investment), indent=2))
            return
        if not any(by_investment.values()):
            self.stdout.write("No finding appears, disappears or changes status.")
        for investment_id, changes in by_investment.items():
            for change in changes:
                before = change.before.status if change.before else "-"
                after = change.after.status if change.after else "-"
                self.stdout.write(
                    f"{investment_id}  {change.regime:16} {change.change:12} {before} -> {after}"
                )
