"""Record the real-case suite into a scratch database and compare the engine with it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.domain.errors import DomainError
from compliance.rules import cases, engine
from compliance.services import cases as validation
from compliance.services.cases import Outcome
from events.errors import EventStoreError

DISAGREE, UNLOADABLE, REFUSED = 1, 2, 3


def _percent(agree: int, disagree: int) -> str:
    compared = agree + disagree
    return f"{100 * agree / compared:.1f} %" if compared else "-"


def _first_words(text: str, count: int = 12) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")


class Command(BaseCommand):
    help = (
        "Record the real-case suite (compliance/rules/cases/) and compare the engine's "
        "jurisdiction with every decidable, confirmed expected outcome. Run it on a scratch "
        "database: DATABASE_URL=sqlite:////tmp/validate.sqlite3 manage.py migrate, then the "
        "same with validate_rules. Exit 1 on any disagreement, 2 on a case file that does not "
        "load, 3 on a database holding events not from the suite (unless --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", nargs="*", help="Case ids (all by default).")
        parser.add_argument("--regime", action="append", choices=sorted(engine.REGIMES))
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--directory", type=Path, default=cases.CASES, help="Where the case files are."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run on a database holding other events."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        suite = self._load(options["directory"], options["case"])
        foreign = validation.foreign_events()
        if foreign and not options["force"]:
            raise CommandError(
                f"The database holds {foreign} events not from the suite: run on a scratch "
                "database (see --help), or give --force.",
                returncode=REFUSED,
            )
        regimes = set(options["regime"]) if options["regime"] else None
        outcomes: list[Outcome] = []
        refused: dict[str, str] = {}  # case id -> why the domain refused one of its facts
        new = 0
        for case in suite:
            try:
                new += validation.case_record(case=case)
            except (DomainError, EventStoreError) as exc:
                refused[case.id] = getattr(exc, "message", str(exc))
                continue
            outcomes += validation.case_validate(case=case, regimes=regimes)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "new_events": new,
                        "outcomes": [asdict(o) for o in outcomes],
                        "not_recorded": refused,
                    },
                    default=str,
                    indent=2,
                )
            )
        else:
            self._print(outcomes, new, refused)
        if refused:
            raise CommandError(
                f"{len(refused)} cases could not be recorded: {', '.join(refused)}.",
                returncode=UNLOADABLE,
            )
        if any(o.verdict == "disagree" for o in outcomes):
            raise CommandError(
                f"{sum(o.verdict == 'disagree' for o in outcomes)} disagreements.",
                returncode=DISAGREE,
            )

    def _load(self, directory: Path, wanted: list[str]) -> list[cases.Case]:
        paths = sorted(directory.glob("*.json"))
        known = {path.stem for path in paths}
        missing = [name for name in wanted if name not in known]
        if missing:
            raise CommandError(f"No case file for {', '.join(missing)}.", returncode=UNLOADABLE)
        suite, errors = [], []
        for path in paths:
            if wanted and path.stem not in wanted:
                continue
            try:
                suite.append(cases.read(path))
            except cases.CaseFileError as exc:
                errors += exc.errors
        if errors:
            raise CommandError(
                "; ".join(f"{e.path}: {e.message}" for e in errors), returncode=UNLOADABLE
            )
        return suite

    def _print(self, outcomes: list[Outcome], new: int, refused: dict[str, str]) -> None:
        write = self.stdout.write
        write(f"Recorded {new} new events.")
        for case_id, why in refused.items():
            write(f"\n{case_id}\n  not recorded (its outcomes are not counted): {why}")
        for case_id in dict.fromkeys(o.case_id for o in outcomes):
            write(f"\n{case_id}")
            for o in (o for o in outcomes if o.case_id == case_id):
                expected = f"{o.expected_jurisdiction or '-'} / {o.expected_procedure or '-'}"
                line = f"  {o.verdict:<14} {o.regime:<13} {o.at}  {expected} ({o.basis})"
                if o.verdict == "disagree":
                    line += (
                        f"\n      engine: {o.engine_status or '-'} / {o.engine_procedure or '-'}"
                        f" ({o.reading})"
                    )
                    if o.rationale:
                        line += f": {_first_words(o.rationale)}"
                elif o.verdict == "not_comparable":
                    line += f": {o.reading}"
                write(line)
        write("\nregime          agree  disagree  not comparable  agreement")
        counts = {r: Counter(o.verdict for o in outcomes if o.regime == r) for r in engine.REGIMES}
        for regime, c in counts.items():
            if c:
                write(
                    f"{regime:<15} {c['agree']:>5}  {c['disagree']:>8}  "
                    f"{c['not_comparable']:>14}  {_percent(c['agree'], c['disagree'])}"
                )
        total = Counter(o.verdict for o in outcomes)
        write(
            f"{'total':<15} {total['agree']:>5}  {total['disagree']:>8}  "
            f"{total['not_comparable']:>14}  {_percent(total['agree'], total['disagree'])}"
        )
        write("An outcome agrees when its jurisdiction and its procedure (where stated) agree.")
