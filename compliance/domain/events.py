"""The compliance event catalogue (documented in docs/events.md).

Events are past-tense facts: frozen dataclasses registered with the store's registry. A type is
never renamed; a payload change adds a field with a default, or bumps ``schema_version`` with an
upcaster. Three kinds of stream:

- ``party-<id>``: a company, fund or state body;
- ``investment-<id>``: one investor party's stake in, and dealings with, one target party;
- ``proceeding-<id>``: an authority's case about one or more investments.

Every event has ``occurred_at`` (when it happened in the world); where it comes from a
document, the append's metadata carries its ``source``. Names of people are personal data:
keep them out of these structured fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from compliance.domain.values import (
    AgreementKind,
    AssessmentBasis,
    ControlLevel,
    CountryCode,
    Effect,
    Element,
    GovernanceRight,
    Instrument,
    Money,
    Name,
    Outcome,
    PartyKind,
    Percent,
    ProceedingKind,
    Reference,
    Regime,
    StreamRef,
    Text,
    ValueBound,
)
from events.types import Event, PersonalData, registry

Role = Annotated[str, Field(min_length=1, max_length=200)]
Service = Annotated[str, Field(min_length=1, max_length=200)]
DesignationRegime = Literal["DMA", "GWB_19A", "OTHER"]  # DMA Art 3; German GWB section 19a

# ---------------------------------------------------------------- party streams


@registry.register
@dataclass(frozen=True, kw_only=True)
class PartyRegistered(Event):
    """A party the tracker follows: a company, a fund or a state body."""

    name: Name
    kind: PartyKind
    country: CountryCode  # of incorporation or seat
    group_parent_id: StreamRef | None = None  # stream id of the ultimate parent, if tracked


@registry.register
@dataclass(frozen=True, kw_only=True)
class PartyRenamed(Event):
    name: Name


@registry.register
@dataclass(frozen=True, kw_only=True)
class TurnoverReported(Event):
    """Turnover for one fiscal year: worldwide, in the EU, and per member state."""

    fiscal_year: Annotated[int, Field(ge=1900, le=2200)]
    worldwide: Money | None = None
    eu: Money | None = None
    member_states: dict[CountryCode, Money] = field(default_factory=dict)


@registry.register
@dataclass(frozen=True, kw_only=True)
class GatekeeperDesignated(Event):
    """A designation such as DMA Art 3 (gatekeeper) or GWB section 19a."""

    regime: DesignationRegime
    designated_on: date
    core_platform_services: list[Service] = field(default_factory=list)
    decision_reference: Reference | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class GatekeeperDesignationRevoked(Event):
    regime: DesignationRegime
    revoked_on: date
    core_platform_services: list[Service] = field(default_factory=list)  # empty: all of them


# ---------------------------------------------------------------- investment streams


@registry.register
@dataclass(frozen=True, kw_only=True)
class InvestmentAnnounced(Event):
    """Opens an investment stream: one investor party and one target party."""

    investor_id: StreamRef
    target_id: StreamRef
    title: Name
    description: Text | None = None
    # The day the binding agreement was signed, when not the announcement's (``occurred_at``);
    # the closing is InvestmentCompleted's ``occurred_at``.
    signed_on: date | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class StakeAcquired(Event):
    """Money in: an instrument, its amount, and the resulting percentages, where known."""

    instrument: Instrument
    amount: Money | None = None
    equity_pct: Percent | None = None
    voting_pct: Percent | None = None
    fully_diluted_pct: Percent | None = None
    conversion_terms: Text | None = None
    conversion_trigger: Text | None = None
    cap_pct: Percent | None = None  # an agreed ceiling on the stake (e.g. "capped at 15 %")


@registry.register
@dataclass(frozen=True, kw_only=True)
class StakeDisposed(Event):
    """Part or all of a holding in one instrument sold or cancelled (percentage points)."""

    instrument: Instrument
    equity_pct: Percent | None = None
    voting_pct: Percent | None = None
    fully_diluted_pct: Percent | None = None
    amount: Money | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ConversionHappened(Event):
    """A convertible instrument turned into another (e.g. a note into shares)."""

    from_instrument: Instrument
    to_instrument: Instrument
    equity_pct: Percent | None = None
    voting_pct: Percent | None = None
    fully_diluted_pct: Percent | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class GovernanceRightGranted(Event):
    right: GovernanceRight
    scope: Text | None = None  # e.g. which decisions a veto covers
    count: Annotated[int, Field(ge=1, le=100)] = 1  # seats


@registry.register
@dataclass(frozen=True, kw_only=True)
class GovernanceRightRelinquished(Event):
    right: GovernanceRight
    count: Annotated[int, Field(ge=1, le=100)] = 1


@registry.register
@dataclass(frozen=True, kw_only=True)
class CommercialAgreementSigned(Event):
    agreement_id: Reference  # the tracker's handle for the agreement, unique per investment
    kind: AgreementKind
    exclusive: bool
    value: Money | None = None
    term_months: Annotated[int, Field(ge=1, le=1200)] | None = None
    description: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class CommercialAgreementAmended(Event):
    agreement_id: Reference
    exclusive: bool | None = None  # None: unchanged
    value: Money | None = None
    term_months: Annotated[int, Field(ge=1, le=1200)] | None = None
    description: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class CommercialAgreementEnded(Event):
    agreement_id: Reference
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class KeyPersonnelHired(Event):
    """Staff of the target hired by the investor (licence-and-hire): counts and roles, and
    optionally the names of key hires, which are personal data (each encrypted for its own
    data subject before it is stored, erasable with ``erase_subject``)."""

    count: Annotated[int, Field(ge=1, le=1_000_000)]
    roles: list[Role] = field(default_factory=list)
    share_of_target_staff_pct: Percent | None = None
    named_hires: Annotated[list[PersonalData], Field(max_length=100)] = field(default_factory=list)


@registry.register
@dataclass(frozen=True, kw_only=True)
class LicenceFeePaid(Event):
    amount: Money
    description: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class InvestmentCompleted(Event):
    pass


@registry.register
@dataclass(frozen=True, kw_only=True)
class InvestmentAbandoned(Event):
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class JurisdictionAssessed(Event):
    """A sourced statement of one jurisdictional element the figures cannot give: who said it
    (``author``: an authority, a firm, a publication; never a person's name), on what
    ``basis``, where to read it (``source``). The latest assessment of an element wins."""

    regime: Regime
    element: Element
    basis: AssessmentBasis
    author: Name
    source: Text
    met: bool | None = None  # for a yes/no element
    control: ControlLevel | None = None  # for element "control"
    bound: ValueBound | None = None  # for "consideration" and "uk_turnover"
    member_state: CountryCode | None = None  # for the national elements
    summary: Text | None = None


# ---------------------------------------------------------------- proceeding streams


@registry.register
@dataclass(frozen=True, kw_only=True)
class ProceedingOpened(Event):
    """Opens a proceeding stream: an authority's case about one or more investments."""

    authority: Name  # e.g. "European Commission", "UK CMA", "Bundeskartellamt"
    legal_basis: Text  # e.g. "EUMR Art 22(1)", "Enterprise Act 2002"
    kind: ProceedingKind
    investment_ids: Annotated[list[StreamRef], Field(min_length=1, max_length=50)]
    reference: Reference | None = None  # the authority's case number
    # The regime whose authority and legal basis this is; when absent it is read from the
    # legal basis where that is unambiguous (compliance/domain/regimes.py).
    regime: Regime | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class InformationRequestReceived(Event):
    request_id: Reference
    received_on: date
    due_on: date
    description: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class SubmissionFiled(Event):
    filed_on: date
    request_id: Reference | None = None  # the information request it answers, if any
    description: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class PhaseChanged(Event):
    phase: ProceedingKind


@registry.register
@dataclass(frozen=True, kw_only=True)
class DeadlineSet(Event):
    deadline_id: Reference
    due_on: date
    description: Text


@registry.register
@dataclass(frozen=True, kw_only=True)
class DeadlineExtended(Event):
    deadline_id: Reference
    due_on: date
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ReferralRequested(Event):
    requesting_authority: Name
    receiving_authority: Name
    legal_basis: Text


@registry.register
@dataclass(frozen=True, kw_only=True)
class ReferralAccepted(Event):
    decided_on: date
    reference: Reference | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ReferralWithdrawn(Event):
    withdrawn_on: date
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ReferralRejected(Event):
    decided_on: date
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class NotificationWithdrawn(Event):
    """The parties withdrew their notification (often as they abandon the deal)."""

    withdrawn_on: date
    reason: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class JudgmentDelivered(Event):
    """A court's judgment on the proceeding's decision (or referral acceptance). An annulled
    decision is void from the judgment: the proceeding may decide again."""

    court: Name  # e.g. "Court of Justice of the European Union"
    delivered_on: date
    effect: Effect
    reference: Reference | None = None  # the case number, e.g. "C-611/22 P"
    summary: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class DecisionIssued(Event):
    outcome: Outcome
    decided_on: date
    summary: Text | None = None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ProceedingClosed(Event):
    closed_on: date
