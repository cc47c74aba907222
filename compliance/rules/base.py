"""What a rule returns, and what it reads.

A :class:`Finding` says, for one investment and one regime, whether there is a filing duty,
an information duty, a referral or call-in risk, or nothing; why, in plain words; under which
provision; with every number compared with its threshold; from which events; under which rule
pack; and what data is still missing to decide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from operator import ge, gt, le, lt
from typing import Any

from compliance.domain.investments import Investment
from compliance.domain.parties import Party
from compliance.domain.proceedings import Proceeding


class Status(StrEnum):
    """From the most to the least pressing; the order ranks findings in a portfolio cell."""

    NOTIFIABLE = "notifiable"
    INFORMATION_DUTY = "information_duty"
    REFERRAL_RISK = "referral_risk"
    CALL_IN_RISK = "call_in_risk"
    INSUFFICIENT_DATA = "insufficient_data"
    OUTSIDE_COVERAGE = "outside_coverage"  # the law applied, but no rule pack covers the date
    MONITOR = "monitor"
    # The regime's "no" (the law applies and imposes nothing): one word per kind of question.
    NOT_NOTIFIABLE = "not_notifiable"
    NOT_ELIGIBLE = "not_eligible"  # for a referral (EUMR Art 22)
    NOT_REVIEWABLE = "not_reviewable"  # by a call-in or a voluntary regime (IT, UK, FDI)
    NOT_APPLICABLE = "not_applicable"  # the law did not apply on the date, or was displaced

    @classmethod
    def _missing_(cls, value: object) -> Status | None:
        """``not_triggered``, the single "no" of rows and reports stored before the three."""
        return cls.NOT_NOTIFIABLE if value == "not_triggered" else None


SEVERITY = {status: rank for rank, status in enumerate(reversed(list(Status)))}
SEVERITY[Status.NOT_ELIGIBLE] = SEVERITY[Status.NOT_REVIEWABLE] = SEVERITY[Status.NOT_NOTIFIABLE]
# A question the tool cannot answer, like missing data: never ranked as "no duty".
SEVERITY[Status.OUTSIDE_COVERAGE] = SEVERITY[Status.INSUFFICIENT_DATA]
# What the tool answers as nothing to do; every other status is a finding to read.
NOTHING_TO_DO = frozenset(
    {Status.NOT_NOTIFIABLE, Status.NOT_ELIGIBLE, Status.NOT_REVIEWABLE, Status.NOT_APPLICABLE}
)
# Each regime's "no".
NEGATIVE = {
    "eumr": Status.NOT_NOTIFIABLE,
    "eumr_art22": Status.NOT_ELIGIBLE,
    "dma_art14": Status.NOT_NOTIFIABLE,
    "fsr_art20": Status.NOT_NOTIFIABLE,
    "fdi_screening": Status.NOT_REVIEWABLE,
    "de_gwb_35_1a": Status.NOT_NOTIFIABLE,
    "at_kartg_9_4": Status.NOT_NOTIFIABLE,
    "it_call_in": Status.NOT_REVIEWABLE,
    "uk_cma": Status.NOT_REVIEWABLE,
    "us_hsr": Status.NOT_NOTIFIABLE,
}
# Procedures after which nothing is left to do in the regime (rules/decisions.py): a
# notifiable deal that was cleared is not a pressing one.
SETTLED = frozenset({"cleared", "closed", "abandoned", "withdrawn", "referral_rejected"})


def urgency(status: str, procedure: str = "") -> int:
    """How pressing a finding is, to rank a portfolio cell: its status's severity, and below
    every open question once its case is settled."""
    return -1 if procedure in SETTLED else SEVERITY[Status(status)]  # Status reads legacy too


_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">": gt,
    ">=": ge,
    "<": lt,
    "<=": le,
}


# Comparisons and findings are built by the thousand in a rebuild of the risk projection: their
# ``__init__`` fills the instance dict in one call, where a frozen dataclass's generated one
# calls ``object.__setattr__`` once per field (three times slower). The dataclass still
# provides equality, hashing, ``repr``, ``replace`` and refuses assignment;
# ``tests/compliance/rules/test_base.py`` checks that each ``__init__`` matches the fields.


@dataclass(frozen=True, init=False)
class Comparison:
    """One number set against its threshold. ``met`` is None when the number is unknown."""

    what: str
    value: Decimal | None
    operator: str  # ">", ">=", "<", "<="
    threshold: Decimal
    unit: str
    citation: str

    def __init__(
        self,
        what: str,
        value: Decimal | None,
        operator: str,
        threshold: Decimal,
        unit: str,
        citation: str,
    ) -> None:
        self.__dict__.update(
            what=what,
            value=value,
            operator=operator,
            threshold=threshold,
            unit=unit,
            citation=citation,
        )

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return _OPERATORS[self.operator](self.value, self.threshold)


@dataclass(frozen=True, init=False)
class Finding:
    investment_id: str
    regime: str
    status: Status
    score: int  # 0 to 100
    rationale: str
    citation: str
    pack_id: str
    pack_version: str
    comparisons: tuple[Comparison, ...] = ()
    event_ids: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    context_only: bool = False  # UK and US regimes: shown for context, not EU duties
    # Where the authority's case stands (rules/decisions.py: "" where none is on file), and
    # the event of the decision the finding follows, if any.
    procedure: str = ""
    decision_event_id: str = ""

    def __init__(
        self,
        investment_id: str,
        regime: str,
        status: Status,
        score: int,
        rationale: str,
        citation: str,
        pack_id: str,
        pack_version: str,
        comparisons: tuple[Comparison, ...] = (),
        event_ids: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
        context_only: bool = False,
        procedure: str = "",
        decision_event_id: str = "",
    ) -> None:
        self.__dict__.update(
            investment_id=investment_id,
            regime=regime,
            status=status,
            score=score,
            rationale=rationale,
            citation=citation,
            pack_id=pack_id,
            pack_version=pack_version,
            comparisons=comparisons,
            event_ids=event_ids,
            missing=missing,
            context_only=context_only,
            procedure=procedure,
            decision_event_id=decision_event_id,
        )


@dataclass(frozen=True)
class DealFacts:
    """Everything rules may read about one investment, as of a date, as known at a time."""

    as_of: date
    investment: Investment
    investor: Party
    target: Party
    proceedings: tuple[Proceeding, ...] = ()
    event_ids: tuple[str, ...] = field(default=())  # every event the facts were folded from
    # The group parents of the investor and the target (``Party.group_parent_id``, up the
    # chain), by stream id: whose turnover counts (EUMR Art 5(4)) and whose designation.
    groups: Mapping[str, Party] = field(default_factory=dict)

    @cached_property
    def shared(self) -> dict[Any, Any]:
        """What the rules derive from these facts, kept so that each regime reuses it (the
        control assessment, turnover in EUR, the consideration...): see ``facts.shared``.
        Not a field: equality, ``repr`` and ``dataclasses.replace`` ignore it."""
        return {}
