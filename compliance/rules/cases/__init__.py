"""The real-case validation suite: one JSON file per real deal, read and checked strictly.

A case holds what public sources say of one deal: its parties, its facts as the event types
of ``compliance.domain.events`` record them, the moments at which the law asks a question,
each authority's outcome per regime, and the assessments (an authority's or counsel's
statement of a jurisdictional element) that the catalogue cannot hold yet. Every fact,
moment, outcome and assessment names a source (an http(s) URL, a publisher, a date) from the
case's own table of sources. The file shape is described in docs/rules.md, "Real-case
validation suite".

This module only reads and validates; it never evaluates the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import compliance.domain.events  # noqa: F401  (registers the catalogue's event types)
from events.errors import EventStoreError
from events.types import registry

CASES = Path(__file__).parent

# The engine's regimes (compliance.rules.engine.REGIMES; a test keeps the two equal).
Regime = Literal[
    "eumr",
    "eumr_art22",
    "dma_art14",
    "fsr_art20",
    "fdi_screening",
    "de_gwb_35_1a",
    "at_kartg_9_4",
    "it_call_in",
    "uk_cma",
    "us_hsr",
]
Jurisdiction = Literal[
    "notifiable",
    "not_notifiable",
    "eligible_for_referral",
    "not_eligible",
    "reviewable",
    "not_reviewable",
    "information_duty",
    "not_applicable",
    "outside_coverage",
]
Procedure = Literal[
    "not_filed",
    "filed",
    "under_review",
    "cleared",
    "cleared_with_remedies",
    "prohibited",
    "withdrawn",
    "abandoned",
    "annulled",
    # An Art 22 referral request decided by the Commission (the deal's review then follows
    # under "eumr"): the "referral accepted or rejected".
    "referral_accepted",
    "referral_rejected",
]
Basis = Literal["OBS", "DER", "UNCONFIRMED"]
# Which date a moment is: the one the law makes relevant for a test, or an authority's act.
MomentKind = Literal[
    "signing",
    "announcement",
    "filing",
    "closing",
    "referral_request",
    "referral_decision",
    "decision",
    "judgment",
    "abandonment",
]
# The jurisdictional elements an assessment can state (issue 16, point 4).
Element = Literal[
    "control",  # value: sole | joint | none | material_influence | material_competitive_influence
    "concentration",  # value: true / false
    "thresholds_met",  # the regime's own notification thresholds (e.g. FSR Art 20(3))
    "eu_dimension",
    "national_threshold_met",
    "significant_domestic_activity",
    "uk_share_of_supply_25",
    "established_in_eu",
    "national_competence",
    "bound",  # value: {"what", "operator", "amount", "currency"}
    # Not a jurisdictional element but a fact the catalogue cannot hold yet: a court annulled the
    # authority's decision for this regime (value: true), e.g. Illumina/Grail on 2024-09-03.
    "decision_annulled",
]
ControlLevel = Literal[
    "sole", "joint", "none", "material_influence", "material_competitive_influence"
]
AssessmentBasis = Literal["authority_statement", "counsel_opinion", "public_report"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
Words = Annotated[str, Field(min_length=1, max_length=2000)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
CURRENCY = re.compile(r"[A-Z]{3}")  # ISO 4217
STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class Source(BaseModel):
    """A document actually read: where, by whom, titled what, dated when."""

    model_config = STRICT

    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)]
    publisher: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    published_on: date
    # A page that gives only the month (or year): published_on is its first day.
    precision: Literal["day", "month", "year"] = "day"
    reliability: Literal["official", "reliable_press", "unverified"]

    def metadata(self) -> dict[str, str]:
        """As an event's ``source`` metadata (``events.types.Source``)."""
        return {
            "url": self.url,
            "publisher": self.publisher,
            "title": self.title,
            "published_on": self.published_on.isoformat(),
            "reliability": self.reliability,
        }


class Party(BaseModel):
    model_config = STRICT

    id: Annotated[str, Field(pattern=r"^party-[a-z0-9][a-z0-9-]*$", max_length=200)]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Literal["company", "fund", "state_body"]
    country: CountryCode
    group_parent: str | None = None  # the id of another party of the case
    source: Slug
    note: Words | None = None


class Fact(BaseModel):
    """One event on one stream, as ``registry.build(type, data)`` accepts it."""

    model_config = STRICT

    stream: Annotated[str, Field(min_length=1, max_length=200)]
    type: Annotated[str, Field(min_length=1, max_length=100)]
    data: dict[str, Any]
    source: Slug
    note: Words | None = None


class Moment(BaseModel):
    model_config = STRICT

    on: date
    kind: MomentKind
    source: Slug
    note: Words | None = None  # e.g. "month only in the source" (dated to the first of the month)


class Expected(BaseModel):
    """An authority's outcome (OBS), a derivation from sourced facts and the law (DER), or
    nothing known (UNCONFIRMED: no expected output), for one regime at one moment."""

    model_config = STRICT

    regime: Regime
    at: date  # one of the case's moments: from then on this is the expected answer
    jurisdiction: Jurisdiction | None = None
    procedure: Procedure | None = None
    basis: Basis
    source: Slug | None = None
    law: Words | None = None  # DER: the provisions applied
    decidable: bool  # whether the case's recorded inputs (facts, assessments) suffice
    why: Words  # why it is decidable or not, and what decides it

    @model_validator(mode="after")
    def _basis_rules(self) -> Expected:
        if self.basis == "UNCONFIRMED":
            if self.jurisdiction is not None or self.procedure is not None:
                raise ValueError("an UNCONFIRMED outcome leaves jurisdiction and procedure empty")
            if self.decidable:
                raise ValueError("an UNCONFIRMED outcome is not decidable")
            return self
        if self.jurisdiction is None and self.procedure is None:
            raise ValueError(f"a {self.basis} outcome states a jurisdiction or a procedure")
        if self.source is None:
            raise ValueError(f"a {self.basis} outcome needs a source")
        if self.basis == "DER" and self.law is None:
            raise ValueError("a DER outcome cites the law it applies (law)")
        return self


class Assessment(BaseModel):
    """A sourced statement of a jurisdictional element the event catalogue cannot hold yet."""

    model_config = STRICT

    investment: str  # the investment stream it is about
    regime: Regime
    element: Element
    value: bool | ControlLevel | dict[str, str]
    member_state: CountryCode | None = None
    author: Annotated[str, Field(min_length=1, max_length=300)]
    basis: AssessmentBasis
    occurred_at: date
    statement: Words
    source: Slug

    @model_validator(mode="after")
    def _value_fits_element(self) -> Assessment:
        value = self.value
        if self.element == "control":
            if not isinstance(value, str):
                raise ValueError("a control assessment's value is a control level")
        elif self.element == "bound":
            if not isinstance(value, dict) or set(value) != {
                "what",
                "operator",
                "amount",
                "currency",
            }:
                raise ValueError("a bound is {what, operator, amount, currency}")
            if value["operator"] not in {">", ">=", "<", "<="}:
                raise ValueError("a bound's operator is one of >, >=, <, <=")
            if not value["amount"].isdigit() or not CURRENCY.fullmatch(value["currency"]):
                raise ValueError("a bound's amount is whole units of an ISO 4217 currency")
        elif not isinstance(value, bool):
            raise ValueError(f"a {self.element} assessment's value is true or false")
        needs_state = {"national_threshold_met", "significant_domestic_activity"}
        if self.element in needs_state and self.member_state is None:
            raise ValueError(f"a {self.element} assessment names its member_state")
        return self


class Case(BaseModel):
    model_config = STRICT

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Words
    sources: Annotated[dict[Slug, Source], Field(min_length=1)]
    parties: Annotated[list[Party], Field(min_length=1)]
    facts: Annotated[list[Fact], Field(min_length=1)]
    moments: Annotated[list[Moment], Field(min_length=1)]
    expected: Annotated[list[Expected], Field(min_length=1)]
    assessments: list[Assessment] = []

    @model_validator(mode="after")
    def _references(self) -> Case:
        problems = _cross_check(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def regimes(self) -> list[str]:
        return sorted({e.regime for e in self.expected})


def _cross_check(case: Case) -> list[str]:
    """Every reference resolves; every fact is a valid event of the catalogue."""
    problems = []
    cited = (
        [("party", p.id, p.source) for p in case.parties]
        + [("fact", f"{i} ({f.type})", f.source) for i, f in enumerate(case.facts)]
        + [("moment", m.on.isoformat(), m.source) for m in case.moments]
        + [("expected", f"{e.regime}@{e.at}", e.source) for e in case.expected]
        + [("assessment", f"{a.regime}/{a.element}", a.source) for a in case.assessments]
    )
    for what, name, key in cited:
        if key is not None and key not in case.sources:
            problems.append(f"{what} {name}: unknown source {key!r}")
    unused = set(case.sources) - {key for _what, _name, key in cited}
    if unused:
        problems.append(f"sources never cited: {', '.join(sorted(unused))}")
    parties = {p.id for p in case.parties}
    for party in case.parties:
        if party.group_parent is not None and party.group_parent not in parties:
            problems.append(f"party {party.id}: unknown group_parent {party.group_parent!r}")
    opened: set[str] = set()
    investments: set[str] = set()
    for number, fact in enumerate(case.facts):
        where = f"fact {number} ({fact.type} on {fact.stream})"
        try:
            event = registry.build(fact.type, fact.data)
        except EventStoreError as exc:
            problems.append(f"{where}: {exc}")
            continue
        kind = fact.stream.split("-", 1)[0]
        if kind == "party":
            if fact.stream not in parties:
                problems.append(f"{where}: the stream is not one of the case's parties")
        elif kind in {"investment", "proceeding"}:
            opening = "InvestmentAnnounced" if kind == "investment" else "ProceedingOpened"
            if fact.stream not in opened and fact.type != opening:
                problems.append(f"{where}: the stream's first fact must be {opening}")
            opened.add(fact.stream)
            if kind == "investment":
                investments.add(fact.stream)
        else:
            problems.append(f"{where}: a stream is party-*, investment-* or proceeding-*")
        for field in ("investor_id", "target_id"):
            ref = getattr(event, field, None)
            if ref is not None and ref not in parties:
                problems.append(f"{where}: {field} {ref!r} is not one of the case's parties")
        for ref in getattr(event, "investment_ids", ()):
            if ref not in investments:
                problems.append(f"{where}: investment {ref!r} is not opened before")
    moments = {m.on for m in case.moments}
    for expected in case.expected:
        if expected.at not in moments:
            problems.append(f"expected {expected.regime}@{expected.at}: not one of the moments")
    for assessment in case.assessments:
        if assessment.investment not in investments:
            problems.append(
                f"assessment {assessment.regime}/{assessment.element}: "
                f"unknown investment {assessment.investment!r}"
            )
    return problems


@dataclass(frozen=True)
class CaseError:
    path: str
    message: str


class CaseFileError(Exception):
    def __init__(self, errors: list[CaseError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or 'case'}: {err['msg']}"
        for err in exc.errors(include_url=False, include_input=False)
    )


def read(path: Path) -> Case:
    """One case file, validated; raises :class:`CaseFileError` naming the file and field."""
    try:
        case = Case.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise CaseFileError([CaseError(str(path), _describe(exc))]) from exc
    if case.id != path.stem:
        raise CaseFileError([CaseError(str(path), f"id {case.id!r} is not the file's name")])
    return case


def check(directory: Path | None = None) -> list[CaseError]:
    """The problems with the case files in ``directory`` (default: the shipped cases)."""
    errors: list[CaseError] = []
    for path in sorted((directory or CASES).glob("*.json")):
        try:
            read(path)
        except CaseFileError as exc:
            errors.extend(exc.errors)
    return errors


@cache
def load(directory: Path = CASES) -> tuple[Case, ...]:
    """Every case, by id. Raises :class:`CaseFileError` if any file is invalid."""
    cases, errors = [], []
    for path in sorted(directory.glob("*.json")):
        try:
            cases.append(read(path))
        except CaseFileError as exc:
            errors.extend(exc.errors)
    if errors:
        raise CaseFileError(errors)
    return tuple(cases)
