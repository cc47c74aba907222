"""The main job on a fresh checkout: migrate, load the scenario, verify the ledger, and print
the portfolio risk view."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from compliance.scenarios import DEFAULT_SCENARIO, scenario_load
from events import projections


class Command(BaseCommand):
    help = (
        "Migrate the database, record the built-in scenario, catch views up, verify the "
        "ledger and print the portfolio risk view."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("1/5 Migrating the database ...")
        call_command("migrate", verbosity=0)
        self.stdout.write("2/5 Recording the scenario ...")
        loaded = scenario_load(name=DEFAULT_SCENARIO, actor="quickstart")
        self.stdout.write(f"    {loaded.new_events} new events recorded")
        self.stdout.write("3/5 Catching projections up ...")
        projections.catch_up()
        self.stdout.write("4/5 Verifying the ledger ...")
        call_command("verify_ledger", stdout=self.stdout)
        self.stdout.write("5/5 The portfolio risk view:")
        call_command("portfolio", stdout=self.stdout)
