"""The main job on a fresh checkout: migrate, load the scenario, verify the ledger, print
the portfolio risk view, and write the scenario's risk report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from compliance.scenarios import DEFAULT_SCENARIO, scenario_load
from events import projections


class Command(BaseCommand):
    help = (
        "Migrate the database, record the built-in scenario, catch views up, verify the "
        "ledger, print the portfolio risk view and write the scenario's risk report (HTML)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("1/6 Migrating the database ...")
        call_command("migrate", verbosity=0)
        self.stdout.write("2/6 Recording the scenario ...")
        loaded = scenario_load(name=DEFAULT_SCENARIO, actor="quickstart")
        self.stdout.write(f"    {loaded.new_events} new events recorded")
        self.stdout.write("3/6 Catching projections up ...")
        projections.catch_up()
        self.stdout.write("4/6 Verifying the ledger ...")
        call_command("verify_ledger", stdout=self.stdout)
        self.stdout.write("5/6 The portfolio risk view:")
        call_command("portfolio", stdout=self.stdout)
        out = Path(settings.REPORTS_DIR) / "scenario-report.html"
        self.stdout.write("6/6 Writing the scenario's risk report ...")
        call_command(
            "risk_report", "--format", "html", "--out", str(out), "--no-progress",
            stdout=self.stdout,
        )  # fmt: skip
        self.stdout.write(
            f"The risk report is in {out} (open it in a browser; `manage.py risk_report "
            "--format pdf --out report.pdf` writes the PDF)."
        )
