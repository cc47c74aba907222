"""The engine against the real-case suite: record a case's facts, evaluate, compare.

A case's streams are recorded under ids namespaced by the case (``party-microsoft`` of case
``microsoft-inflection-2024`` becomes ``party-case:microsoft-inflection-2024:microsoft``), through
:func:`compliance.services.event_record` like any other fact, each with the idempotency key
``case:<case id>:party:<party id>`` or ``case:<case id>:fact:<number>``: cases never collide
and recording again records nothing. A party is registered as of the case's earliest date (its
first fact or moment), so that it exists at every moment evaluated.

The engine answers a status and a procedure per regime; the suite states a jurisdiction and a
procedure. :func:`jurisdiction_of` is the one mapping between status and jurisdiction
(docs/rules.md, "Real-case validation suite"); procedures share one vocabulary
(rules/decisions.py), nothing on file reading as ``not_filed``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from compliance.domain.errors import DomainError
from compliance.evaluation import deal_facts
from compliance.rules import engine
from compliance.rules.base import Finding, Status
from compliance.rules.cases import Case
from compliance.services.recording import event_record  # a write: the recording service
from events.models import StoredEvent
from events.types import registry

ACTOR = "validate_rules"
# Every stream the suite records: <kind>-case:<case id>:<local id>.
SUITE_STREAM = r"^[a-z][a-z0-9_]*-case:"
REFERENCES = ("investor_id", "target_id", "group_parent_id")

DIRECT = {
    Status.NOTIFIABLE: "notifiable",
    Status.INFORMATION_DUTY: "information_duty",
    Status.REFERRAL_RISK: "eligible_for_referral",
    Status.CALL_IN_RISK: "reviewable",
    Status.NOT_NOTIFIABLE: "not_notifiable",
    Status.NOT_ELIGIBLE: "not_eligible",
    Status.NOT_REVIEWABLE: "not_reviewable",
    Status.NOT_APPLICABLE: "not_applicable",
    Status.OUTSIDE_COVERAGE: "outside_coverage",
}
UNMAPPED = {
    Status.INSUFFICIENT_DATA: "insufficient_data: the engine did not decide",
    Status.MONITOR: "monitor: ambiguous, neither reviewable nor not reviewable",
}
assert set(DIRECT) | set(UNMAPPED) == set(Status)

Verdict = Literal["agree", "disagree", "not_comparable"]


def jurisdiction_of(finding: Finding) -> tuple[str | None, str]:
    """The suite's jurisdiction for an engine finding, with how it was read; None when the
    engine's status has no single equivalent (counted as a disagreement, never agreement)."""
    status = finding.status
    if status in DIRECT:
        return DIRECT[status], f"{status} -> {DIRECT[status]}"
    return None, UNMAPPED[status]


def stream_id(case_id: str, local: str) -> str:
    """A case's stream id in the suite's namespace."""
    kind, _, rest = local.partition("-")
    return f"{kind}-case:{case_id}:{rest}"


def foreign_events() -> int:
    """How many events of the log are not on the suite's streams."""
    return StoredEvent.objects.exclude(stream_id__regex=SUITE_STREAM).count()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _localised(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for field in REFERENCES:
        if isinstance(data.get(field), str):
            data[field] = stream_id(case.id, data[field])
    if "investment_ids" in data:
        data["investment_ids"] = [stream_id(case.id, ref) for ref in data["investment_ids"]]
    return data


def case_record(*, case: Case) -> int:
    """Record a case's parties and facts not recorded yet; the number of new events."""
    first = min(
        [registry.build(f.type, f.data).occurred_at.date() for f in case.facts]
        + [m.on for m in case.moments]
    )
    steps = []
    # Parents first: a party's group parent must be recorded before it.
    parties = sorted(case.parties, key=lambda p: p.group_parent is not None)
    for party in parties:
        data = {
            "occurred_at": _midnight(first).isoformat(),
            "name": party.name,
            "kind": party.kind,
            "country": party.country,
            "group_parent_id": party.group_parent,
        }
        steps.append((f"party:{party.id}", party.id, "PartyRegistered", data, party.source))
    for number, fact in enumerate(case.facts, start=1):
        steps.append((f"fact:{number}", fact.stream, fact.type, fact.data, fact.source))
    new = 0
    for key, local, type_name, data, source in steps:
        result = event_record(
            stream_id=stream_id(case.id, local),
            event=registry.build(type_name, _localised(case, data)),
            actor=ACTOR,
            source=case.sources[source].metadata(),
            idempotency_key=f"case:{case.id}:{key}",
        )
        new += 0 if result.replayed else 1
    return new


@dataclass(frozen=True)
class Outcome:
    """One expected outcome of a case set against the engine's finding."""

    case_id: str
    regime: str
    at: date
    basis: str
    expected_jurisdiction: str | None
    expected_procedure: str | None
    verdict: Verdict
    engine_status: str | None = None
    engine_jurisdiction: str | None = None
    reading: str = ""  # how the engine's status was mapped, or why nothing was compared
    rationale: str = ""
    engine_procedure: str | None = None


def case_validate(*, case: Case, regimes: set[str] | None = None) -> list[Outcome]:
    """Every expected outcome of a recorded case (of ``regimes`` when given), compared with
    the engine's finding as of its date, as known now. Only a decidable, confirmed outcome is
    compared: its jurisdiction and, where it states one, its procedure (nothing on file is
    "not_filed"); both must agree."""
    investment = stream_id(
        case.id, next(f.stream for f in case.facts if f.type == "InvestmentAnnounced")
    )
    proceedings = sorted(
        {stream_id(case.id, f.stream) for f in case.facts if f.type == "ProceedingOpened"}
    )
    evaluated: dict[date, dict[str, Finding] | str] = {}
    outcomes = []
    for expected in sorted(case.expected, key=lambda e: (e.at, e.regime)):
        if regimes is not None and expected.regime not in regimes:
            continue
        base = Outcome(
            case_id=case.id,
            regime=expected.regime,
            at=expected.at,
            basis=expected.basis,
            expected_jurisdiction=expected.jurisdiction,
            expected_procedure=expected.procedure,
            verdict="not_comparable",
        )
        skip = (
            "UNCONFIRMED" if expected.basis == "UNCONFIRMED"
            else "not decidable from the recorded inputs" if not expected.decidable
            else "neither jurisdiction nor procedure stated"
            if expected.jurisdiction is None and expected.procedure is None
            else None
        )  # fmt: skip
        if skip is not None:
            outcomes.append(replace(base, reading=skip))
            continue
        if expected.at not in evaluated:
            try:
                facts = deal_facts(
                    investment_id=investment, as_of=expected.at, proceeding_ids=proceedings
                )
            except DomainError as exc:
                evaluated[expected.at] = exc.message
            else:
                evaluated[expected.at] = {f.regime: f for f in engine.evaluate(facts)}
        findings = evaluated[expected.at]
        if isinstance(findings, str):
            outcomes.append(replace(base, verdict="disagree", reading=findings))
            continue
        finding = findings[expected.regime]
        said, reading = jurisdiction_of(finding)
        procedure = finding.procedure or "not_filed"
        agree = (expected.jurisdiction is None or said == expected.jurisdiction) and (
            expected.procedure is None or procedure == expected.procedure
        )
        outcomes.append(
            replace(
                base,
                verdict="agree" if agree else "disagree",
                engine_status=str(finding.status),
                engine_jurisdiction=said,
                engine_procedure=procedure,
                reading=reading,
                rationale=finding.rationale,
            )
        )
    return outcomes
