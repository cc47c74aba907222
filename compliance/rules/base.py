"""What a rule returns, and what it reads.

A :class:`Finding` says, for one investment and one regime, whether there is a filing duty,
an information duty, a referral or call-in risk, or nothing; why, in plain words; under which
provision; with every number compared with its threshold; from which events; under which rule
pack; and what data is still missing to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

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
    MONITOR = "monitor"
    NOT_TRIGGERED = "not_triggered"


SEVERITY = {status: rank for rank, status in enumerate(reversed(list(Status)))}


@dataclass(frozen=True)
class Comparison:
    """One number set against its threshold. ``met`` is None when the number is unknown."""

    what: str
    value: Decimal | None
    operator: str  # ">", ">=", "<", "<="
    threshold: Decimal
    unit: str
    citation: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return {
            ">": self.value > self.threshold,
            ">=": self.value >= self.threshold,
            "<": self.value < self.threshold,
            "<=": self.value <= self.threshold,
        }[self.operator]


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class DealFacts:
    """Everything rules may read about one investment, as of a date, as known at a time."""

    as_of: date
    investment: Investment
    investor: Party
    target: Party
    proceedings: tuple[Proceeding, ...] = ()
    event_ids: tuple[str, ...] = field(default=())  # every event the facts were folded from
