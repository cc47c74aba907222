"""manage.py validate_rules: the real-case suite recorded and compared with the engine."""

from __future__ import annotations

import json
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance.rules import cases
from compliance.rules.base import Finding, Status
from compliance.services.cases import jurisdiction_of
from events.models import StoredEvent
from tests.compliance.scenario import record_deal

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = "microsoft-inflection-2024"  # the CMA cleared it on 2024-09-04: reviewable


def copy_case(folder: Path, jurisdiction: str | None = None) -> str:
    """A copy of the real case in ``folder``, under a fresh id (the test database's log is
    never flushed), its UK outcome's jurisdiction changed if given; the copy's id."""
    data = json.loads((cases.CASES / f"{SAMPLE}.json").read_text(encoding="utf-8"))
    data["id"] = f"{SAMPLE}-{uuid.uuid4().hex[:12]}"
    if jurisdiction is not None:
        (uk,) = [e for e in data["expected"] if e["regime"] == "uk_cma"]
        uk["jurisdiction"] = jurisdiction
    (folder / f"{data['id']}.json").write_text(json.dumps(data), encoding="utf-8")
    return str(data["id"])


def validate(folder: Path, *args: str, force: bool = True) -> tuple[int, str]:
    """The command's exit code and output. Forced by default: other tests' events stay in
    the test database."""
    out = StringIO()
    options = ["--force"] if force else []
    try:
        call_command("validate_rules", "--directory", str(folder), *options, *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_exit_0_when_the_engine_agrees(tmp_path: Path) -> None:
    copy_case(tmp_path)
    code, out = validate(tmp_path, "--regime", "uk_cma")
    assert code == 0, out
    assert "agree          uk_cma        2024-09-04  reviewable / cleared (OBS)" in out
    assert "uk_cma              1         0               0  100.0 %" in out


def test_exit_1_naming_the_disagreement_when_an_expectation_is_changed(tmp_path: Path) -> None:
    copy_case(tmp_path, "not_reviewable")
    code, out = validate(tmp_path, "--regime", "uk_cma")
    assert code == 1
    assert "disagree       uk_cma        2024-09-04  not_reviewable / cleared (OBS)" in out
    assert "engine: call_in_risk / cleared (call_in_risk -> reviewable)" in out
    assert "1 disagreements." in out


def test_outcomes_that_are_not_decidable_or_unconfirmed_are_not_compared(
    tmp_path: Path,
) -> None:
    copy_case(tmp_path)
    code, out = validate(tmp_path, "--regime", "eumr_art22", "--json")
    assert code == 0
    (outcome,) = json.loads(out)["outcomes"]
    assert outcome["verdict"] == "not_comparable" and outcome["reading"] == "UNCONFIRMED"


def test_running_again_records_nothing_new(tmp_path: Path) -> None:
    case_id = copy_case(tmp_path)
    before = StoredEvent.objects.count()
    _code, first = validate(tmp_path, "--regime", "uk_cma", "--json")
    recorded = StoredEvent.objects.count()
    _code, second = validate(tmp_path, "--regime", "uk_cma", "--json")
    assert json.loads(first)["new_events"] == recorded - before == 15  # 2 parties, 13 facts
    assert json.loads(second)["new_events"] == 0
    assert StoredEvent.objects.count() == recorded
    streams = set(StoredEvent.objects.values_list("stream_id", flat=True))
    assert f"investment-case:{case_id}:microsoft-inflection-ai" in streams


def test_refuses_a_database_holding_other_events_unless_forced(tmp_path: Path) -> None:
    record_deal()
    copy_case(tmp_path)
    before = StoredEvent.objects.count()
    code, out = validate(tmp_path, "--regime", "uk_cma", force=False)
    assert code == 3
    assert "events not from the suite: run on a scratch database" in out
    assert StoredEvent.objects.count() == before
    code, out = validate(tmp_path, "--regime", "uk_cma")
    assert code == 0, out


def test_exit_2_on_a_case_file_that_does_not_load(tmp_path: Path) -> None:
    copy_case(tmp_path)
    (tmp_path / "broken-case.json").write_text('{"id": "broken-case"}', encoding="utf-8")
    before = StoredEvent.objects.count()
    code, out = validate(tmp_path)
    assert code == 2
    assert "broken-case.json" in out
    assert StoredEvent.objects.count() == before  # nothing recorded
    code, out = validate(tmp_path, "no-such-case")
    assert code == 2 and "No case file for no-such-case" in out


def test_exit_2_naming_a_case_whose_facts_the_domain_refuses(tmp_path: Path) -> None:
    """A second decision in a decided proceeding is refused by the domain, as for any fact:
    the case is named, not counted, and the other cases are still compared."""
    copy_case(tmp_path)
    broken = copy_case(tmp_path)
    path = tmp_path / f"{broken}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    (decision,) = [
        f for f in data["facts"] if f["type"] == "DecisionIssued" and "cma" in f["stream"]
    ]
    data["facts"].append({**decision, "data": {**decision["data"], "outcome": "prohibited"}})
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out = validate(tmp_path, "--regime", "uk_cma")
    assert code == 2
    assert f"{broken}\n  not recorded (its outcomes are not counted): A decision (cleared)" in out
    assert "uk_cma              1         0               0  100.0 %" in out
    assert f"1 cases could not be recorded: {broken}." in out


def finding(status: Status, regime: str = "uk_cma", pack_id: str = "uk-1", **kw: Any) -> Finding:
    return Finding(
        investment_id="investment-x", regime=regime, status=status, score=0,
        rationale="", citation="", pack_id=pack_id, pack_version="1", **kw,
    )  # fmt: skip


@pytest.mark.django_db(transaction=False)
def test_the_mapping_never_reads_an_undecided_status_as_an_answer() -> None:
    assert jurisdiction_of(finding(Status.CALL_IN_RISK))[0] == "reviewable"
    assert jurisdiction_of(finding(Status.REFERRAL_RISK))[0] == "eligible_for_referral"
    assert jurisdiction_of(finding(Status.NOT_REVIEWABLE))[0] == "not_reviewable"
    assert jurisdiction_of(finding(Status.NOT_NOTIFIABLE, "eumr"))[0] == "not_notifiable"
    assert jurisdiction_of(finding(Status.NOT_ELIGIBLE, "eumr_art22"))[0] == "not_eligible"
    assert jurisdiction_of(finding(Status.OUTSIDE_COVERAGE, pack_id=""))[0] == "outside_coverage"
    assert jurisdiction_of(finding(Status.NOT_APPLICABLE, pack_id=""))[0] == "not_applicable"
    assert jurisdiction_of(finding(Status.MONITOR))[0] is None
    assert jurisdiction_of(finding(Status.INSUFFICIENT_DATA))[0] is None
