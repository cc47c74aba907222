"""Hypothesis strategies for the rules' property tests (``test_properties.py``): deals in
memory, described as the events of their streams (a :class:`Spec`) and folded into
``DealFacts`` by :func:`build`, so that a test can add one fact to a deal and fold it again.

The deals cover what the rules read: parties with or without turnover (some figures missing,
some in USD or GBP with or without a rate, member states listed or not), a group parent with or
without figures, names of designated gatekeepers and recorded designations, holdings with or
without stated votes in every instrument, governance rights, agreements, staff hired, licence
fees, signing, closing and abandonment, sourced assessments (``JurisdictionAssessed``) of every
element a regime reads, and dates across every rule pack's versions (and before the first).
Event ids are derived from the stream and the version, so that a deal folded twice, or with
one more event, keeps its ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from compliance.domain import events as e
from compliance.domain import investments, parties, proceedings
from compliance.domain.regimes import AUTHORITIES, ELEMENTS, HOME
from compliance.domain.values import (
    BOUND_ELEMENTS,
    EU_MEMBER_STATES,
    MEMBER_STATE_ELEMENTS,
    AgreementKind,
    AssessmentBasis,
    ControlLevel,
    Effect,
    Element,
    GovernanceRight,
    Instrument,
    Money,
    Outcome,
    PartyKind,
    ProceedingKind,
    Regime,
    ValueBound,
)
from compliance.rules.base import DealFacts
from compliance.rules.packs import law_start
from events.types import Event, RecordedEvent, registry

INVESTMENT_ID = "investment-prop"
INVESTOR_ID = "party-investor"
TARGET_ID = "party-target"
PARENT_ID = "party-parent"
_IDS = uuid.UUID("6f1c1b0e-3c1e-4c59-9a51-5d1f0f6f2a10")

M = Decimal(1_000_000)
# Amounts (EUR millions) on and around the thresholds the packs hold, and far from them.
LADDER = [0, 1, 5, 10, 15, 17.5, 25, 30, 50, 70, 100, 200, 250, 300, 400, 500, 2_500, 5_000]
COUNTRIES = ["US", "GB", "CN", "DE", "FR", "IT", "AT", "IE", "NL"]
STATES = ["DE", "FR", "IT", "AT", "NL", "ES"]
# Registered names: plain ones, and designated gatekeepers' (``packs/dma_art14``).
NAMES = ["Investor Co", "Target AI", "Microsoft Corporation", "Amazon.com, Inc.", "Booking"]

# Days a pack, a law or an era changes (and the days around them).
BOUNDARIES = [
    date(1990, 9, 21), date(2001, 2, 1), date(2003, 6, 20), date(2004, 5, 1), date(2005, 3, 2),
    date(2017, 6, 9), date(2017, 11, 1), date(2019, 1, 1), date(2019, 4, 3), date(2020, 10, 11),
    date(2021, 1, 1), date(2021, 1, 19), date(2021, 3, 26), date(2022, 1, 1), date(2022, 8, 27),
    date(2023, 5, 2), date(2023, 9, 6), date(2023, 10, 12), date(2024, 3, 6), date(2024, 9, 3),
    date(2025, 1, 1), date(2025, 2, 21), date(2026, 2, 17), date(2028, 1, 17),
]  # fmt: skip
FIRST_DAY, LAST_DAY = date(1999, 1, 1), date(2029, 12, 31)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    """A deal as the events of its streams (each stream's events in the order recorded)."""

    as_of: date
    investor: tuple[Event, ...]
    target: tuple[Event, ...]
    investment: tuple[Event, ...]  # the InvestmentAnnounced first
    parent: tuple[Event, ...] = ()  # the group parent of both parties, if registered
    proceedings: tuple[tuple[str, tuple[Event, ...]], ...] = field(default=())

    def with_events(self, stream: str, *added: Event) -> Spec:
        """The deal with ``added`` appended to one of its party or investment streams."""
        changed: dict[str, Any] = {stream: (*getattr(self, stream), *added)}
        return replace(self, **changed)


def history(stream_id: str, events: Iterable[Event]) -> list[RecordedEvent]:
    return [
        RecordedEvent(
            position=None,
            event_id=uuid.uuid5(_IDS, f"{stream_id}:{version}"),
            stream_id=stream_id,
            stream_type=stream_id.split("-", 1)[0],
            version=version,
            type=registry.type_of(event).name,
            schema_version=1,
            event=event,
            metadata={},
            occurred_at=event.occurred_at,
            recorded_at=event.occurred_at,
            hash="0" * 64,
        )
        for version, event in enumerate(events, start=1)
    ]


def fold_proceeding(
    stream_id: str, events: Iterable[Event], as_of: date | None
) -> proceedings.Proceeding:
    """The proceeding folded as the services fold it: from the events that occurred by the
    end of ``as_of`` (every event if None)."""
    recorded = history(stream_id, events)
    kept = [r for r in recorded if as_of is None or r.occurred_at.date() <= as_of]
    return proceedings.fold(stream_id, kept)


def build(
    spec: Spec,
    *,
    proceedings_order: Callable[[list[proceedings.Proceeding]], list[proceedings.Proceeding]]
    | None = None,
    full_folds: frozenset[str] = frozenset(),
) -> DealFacts:
    """The deal's facts as of ``spec.as_of``: every stream folded from the events that
    occurred by then (the proceedings named in ``full_folds`` from all their events)."""

    def kept(stream_id: str, events: Iterable[Event]) -> list[RecordedEvent]:
        return [r for r in history(stream_id, events) if r.occurred_at.date() <= spec.as_of]

    investment = investments.fold(INVESTMENT_ID, kept(INVESTMENT_ID, spec.investment))
    investor = parties.fold(INVESTOR_ID, kept(INVESTOR_ID, spec.investor))
    target = parties.fold(TARGET_ID, kept(TARGET_ID, spec.target))
    groups = {}
    if spec.parent:
        groups[PARENT_ID] = parties.fold(PARENT_ID, kept(PARENT_ID, spec.parent))
    folded = [
        fold_proceeding(s, events, None if s in full_folds else spec.as_of)
        for s, events in spec.proceedings
    ]
    concerned = [p for p in folded if INVESTMENT_ID in p.investment_ids]
    if proceedings_order is not None:
        concerned = proceedings_order(concerned)
    used = (*investment.event_ids, *investor.event_ids, *target.event_ids)
    return DealFacts(
        as_of=spec.as_of, investment=investment, investor=investor, target=target,
        proceedings=tuple(concerned), event_ids=used, groups=groups,
    )  # fmt: skip


# ---------------------------------------------------------------- values


@lru_cache(maxsize=4096)
def days_between(low: date, high: date) -> st.SearchStrategy[date]:
    """Any day from ``low`` to ``high`` (``low`` if ``high`` is earlier); kept per bounds:
    a strategy is validated on its first draw, which costs more than drawing."""
    return st.integers(0, max((high - low).days, 0)).map(lambda n: low + timedelta(days=n))


def _near(day: date, offset: int) -> date:
    return day + timedelta(days=offset)


# Built once: a strategy is validated on its first draw, which costs more than drawing.
AS_OF_DATES = st.one_of(
    st.builds(_near, st.sampled_from(BOUNDARIES), st.sampled_from((-1, 0, 1))),
    days_between(FIRST_DAY, LAST_DAY),
)
_LADDER = st.sampled_from(LADDER).map(lambda m: Decimal(str(m)) * M)
MILLIONS = st.one_of(
    _LADDER,
    st.builds(lambda v, d: max(v + d, Decimal(0)), _LADDER, st.sampled_from((-1, 1))),
    st.integers(0, 300_000).map(lambda m: Decimal(m) * M),
)
MONEY_EUR = MILLIONS.map(lambda v: Money(amount=v, currency="EUR"))
_MONEY_OTHER = st.builds(
    lambda v, c, r: Money(amount=v, currency=c, eur_rate=r),
    MILLIONS, st.sampled_from(("USD", "GBP")),
    st.one_of(st.none(), st.sampled_from((Decimal("0.9"), Decimal("1.15")))),
)  # fmt: skip
# Mostly EUR; else USD or GBP, with a stated rate or none (then converted, for a turnover, at
# the ECB's annual average where the table has it).
MONEY = st.one_of(MONEY_EUR, MONEY_EUR, MONEY_EUR, _MONEY_OTHER)
MAYBE_MONEY = st.one_of(st.none(), MONEY)
PERCENTS = st.one_of(
    st.none(), st.sampled_from((0, 5, 10, 15, 20, 25, 26, 30, 50, 51, 60, 100)).map(Decimal)
)
SMALL_PERCENTS = st.one_of(st.none(), st.sampled_from((0, 5, 10, 15, 20, 25, 26, 30)).map(Decimal))


def as_of_dates() -> st.SearchStrategy[date]:
    """Any day from 1999 to 2029, often one on which a pack changes, or next to it."""
    return AS_OF_DATES


def money(eur_only: bool = False) -> st.SearchStrategy[Money]:
    return MONEY_EUR if eur_only else MONEY


# ---------------------------------------------------------------- parties


_STATE_LISTS = st.lists(st.sampled_from(STATES), unique=True, max_size=4)
_MAYBE_EUR = st.one_of(st.none(), MONEY_EUR)


@st.composite
def turnover_report(draw: st.DrawFn, year: int, eur_only: bool = False) -> e.TurnoverReported:
    states = draw(_STATE_LISTS)
    figures = MONEY_EUR if eur_only else MONEY
    maybe = _MAYBE_EUR if eur_only else MAYBE_MONEY
    return e.TurnoverReported(
        occurred_at=at(date(min(year + 1, 2200), 3, 1)), fiscal_year=year,
        worldwide=draw(maybe), eu=draw(maybe),
        member_states={s: draw(figures) for s in states},
    )  # fmt: skip


@st.composite
def party_events(
    draw: st.DrawFn, as_of: date, *, parent: bool, name: str | None = None
) -> tuple[Event, ...]:
    registered = e.PartyRegistered(
        occurred_at=at(date(1990, 1, 1)),
        name=name or draw(st.sampled_from(tuple(NAMES))),
        kind=PartyKind.COMPANY,
        country=draw(st.sampled_from(tuple(COUNTRIES))),
        group_parent_id=PARENT_ID if parent else None,
    )
    events: list[Event] = [registered]
    years = draw(
        st.lists(st.integers(as_of.year - 4, as_of.year), unique=True, max_size=3)
    )  # the year before as_of's is the one read, where reported
    for year in years:
        events.append(draw(turnover_report(year)))
    if draw(st.integers(0, 4)) == 0:
        designated = draw(days_between(date(2023, 5, 2), date(2025, 6, 30)))
        events.append(
            e.GatekeeperDesignated(
                occurred_at=at(min(designated, as_of)), regime="DMA", designated_on=designated,
                core_platform_services=["a service"],
            )
        )  # fmt: skip
        if draw(st.booleans()):
            revoked = designated + timedelta(days=draw(st.integers(1, 900)))
            events.append(
                e.GatekeeperDesignationRevoked(
                    occurred_at=at(min(revoked, as_of)), regime="DMA", revoked_on=revoked
                )
            )
    return tuple(events)


# ---------------------------------------------------------------- the investment


def _event_at(draw: st.DrawFn, as_of: date) -> datetime:
    return at(draw(days_between(as_of - timedelta(days=5 * 365), as_of)))


@st.composite
def deal_event(draw: st.DrawFn, as_of: date) -> Event:
    """One event of the deal's life (not an assessment)."""
    when = _event_at(draw, as_of)
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        return e.StakeAcquired(
            occurred_at=when, instrument=draw(st.sampled_from(Instrument)),
            amount=draw(MAYBE_MONEY), equity_pct=draw(SMALL_PERCENTS),
            voting_pct=draw(PERCENTS), fully_diluted_pct=draw(SMALL_PERCENTS),
        )  # fmt: skip
    if kind <= 4:
        return e.GovernanceRightGranted(
            occurred_at=when, right=draw(st.sampled_from(GovernanceRight)),
            count=draw(st.integers(1, 2)),
        )  # fmt: skip
    if kind == 5:
        return e.CommercialAgreementSigned(
            occurred_at=when, agreement_id=f"a{draw(st.integers(0, 3))}",
            kind=draw(st.sampled_from(AgreementKind)), exclusive=draw(st.booleans()),
            value=draw(MAYBE_MONEY),
        )  # fmt: skip
    if kind == 6:
        return e.KeyPersonnelHired(occurred_at=when, count=draw(st.integers(1, 80)))
    if kind == 7:
        return e.LicenceFeePaid(occurred_at=when, amount=draw(MONEY))
    return e.InvestmentCompleted(occurred_at=when)


@st.composite
def investment_events(draw: st.DrawFn, as_of: date) -> tuple[Event, ...]:
    signed = draw(st.one_of(st.none(), days_between(as_of - timedelta(days=400), as_of)))
    announced = e.InvestmentAnnounced(
        occurred_at=at(as_of - timedelta(days=5 * 365 + 1)), investor_id=INVESTOR_ID,
        target_id=TARGET_ID, title="Deal", signed_on=signed,
    )  # fmt: skip
    life = draw(st.lists(deal_event(as_of), max_size=6))
    life.sort(key=lambda ev: ev.occurred_at)
    completed = [ev for ev in life if isinstance(ev, e.InvestmentCompleted)]
    life = [ev for ev in life if not isinstance(ev, e.InvestmentCompleted)] + completed[:1]
    life.sort(key=lambda ev: ev.occurred_at)
    if draw(st.integers(0, 9)) == 0:
        life.append(e.InvestmentAbandoned(occurred_at=_event_at(draw, as_of)))
        life.sort(key=lambda ev: ev.occurred_at)
        end = next(i for i, ev in enumerate(life) if isinstance(ev, e.InvestmentAbandoned))
        life = life[: end + 1]
    assessed = draw(st.lists(assessment(as_of), max_size=3))
    return (announced, *life, *assessed)


# ---------------------------------------------------------------- assessments


def _members(regime: Regime, element: Element) -> st.SearchStrategy[str | None]:
    if element not in MEMBER_STATE_ELEMENTS:
        return st.none()
    home = HOME.get(regime)
    return st.just(home) if home else st.sampled_from(sorted(EU_MEMBER_STATES))


@st.composite
def assessment(
    draw: st.DrawFn,
    as_of: date,
    keys: st.SearchStrategy[tuple[Regime, Element]] | None = None,
) -> e.JurisdictionAssessed:
    """A sourced assessment of one element a regime reads, valid as ``check_assessment``
    requires (the value its element needs, a member state where it needs one)."""
    every = [(r, el) for r in Regime for el in sorted(ELEMENTS[r])]
    regime, element = draw(keys if keys is not None else st.sampled_from(every))
    met = control = bound = None
    if element in BOUND_ELEMENTS:
        bound = ValueBound(
            operator=draw(st.sampled_from((">", ">=", "<", "<="))),
            amount=draw(MILLIONS),
            currency=draw(st.sampled_from(("EUR", "EUR", "USD", "GBP"))),
        )
    elif element == Element.CONTROL:
        control = draw(st.sampled_from(ControlLevel))
    else:
        met = draw(st.booleans())
    return e.JurisdictionAssessed(
        occurred_at=_event_at(draw, as_of), regime=regime, element=element,
        basis=draw(st.sampled_from(AssessmentBasis)), author="An authority",
        source="https://example.org/statement", met=met, control=control, bound=bound,
        member_state=draw(_members(regime, element)),
    )  # fmt: skip


# ---------------------------------------------------------------- proceedings

OUTCOMES = list(Outcome)
NEGATIVE_OUTCOMES = [Outcome.NOT_A_CONCENTRATION, Outcome.NO_JURISDICTION, Outcome.NOT_NOTIFIABLE]
POSITIVE_OUTCOMES = [Outcome.CLEARED, Outcome.CLEARED_WITH_CONDITIONS, Outcome.PROHIBITED]


def earliest(regime: Regime) -> date:
    """The first day an authority can act under ``regime`` in these tests: its law's start
    (``law.toml``), and never before 2001."""
    law = law_start(regime)
    return max(law.applies_from if law else date(2001, 1, 1), date(2001, 2, 1))


@dataclass(frozen=True)
class Case:
    """One proceeding's events, and the date of its decision (None: undecided)."""

    stream_id: str
    regime: Regime
    events: tuple[Event, ...]
    decided_on: date | None
    opened_on: date


@st.composite
def case(
    draw: st.DrawFn,
    stream_id: str,
    *,
    regimes: st.SearchStrategy[Regime] | None = None,
    outcomes: st.SearchStrategy[Outcome | None] | None = None,
    after: st.SearchStrategy[bool] | None = None,
    opened: st.SearchStrategy[date] | None = None,
    gaps: st.SearchStrategy[int] | None = None,
) -> Case:
    """A proceeding about the deal: opened, maybe moved to a second phase, maybe a referral
    request and its outcome, maybe decided (``outcomes``), and maybe, after the decision,
    events that come later (a closure, a court's judgment) when ``after`` draws True.
    ``opened`` and ``gaps`` (days between its steps) narrow its dates, so that two cases can
    fall on the same days."""
    regime = draw(regimes if regimes is not None else st.sampled_from(Regime))
    opened_on = draw(
        opened if opened is not None else days_between(earliest(regime), date(2028, 12, 31))
    )
    gap = gaps if gaps is not None else st.integers(0, 60)
    kinds = list(ProceedingKind)
    kind = draw(st.sampled_from(kinds))
    authorities = AUTHORITIES[regime] or ("A screening authority",)
    events: list[Event] = [
        e.ProceedingOpened(
            occurred_at=at(opened_on), authority=authorities[0], legal_basis="the law",
            kind=kind, investment_ids=[INVESTMENT_ID], regime=regime,
            reference=draw(st.sampled_from(("C-1", "C-2"))),
        )
    ]  # fmt: skip
    day = opened_on
    if kind == ProceedingKind.PHASE_1 and draw(st.booleans()):
        day += timedelta(days=draw(gap))
        events.append(e.PhaseChanged(occurred_at=at(day), phase=ProceedingKind.PHASE_2))
    if kind == ProceedingKind.REFERRAL_REQUEST:
        events.append(
            e.ReferralRequested(
                occurred_at=at(day), requesting_authority="AGCM",
                receiving_authority="European Commission", legal_basis="EUMR Art 22(1)",
            )
        )  # fmt: skip
        step = draw(st.sampled_from(("pending", "accepted", "rejected", "withdrawn")))
        if step != "pending":
            day += timedelta(days=draw(gap))
            events.append(
                e.ReferralAccepted(occurred_at=at(day), decided_on=day)
                if step == "accepted"
                else e.ReferralRejected(occurred_at=at(day), decided_on=day)
                if step == "rejected"
                else e.ReferralWithdrawn(occurred_at=at(day), withdrawn_on=day)
            )
    outcome = draw(
        outcomes if outcomes is not None else st.one_of(st.none(), st.sampled_from(OUTCOMES))
    )
    decided_on = None
    if outcome is not None:
        decided_on = day + timedelta(days=draw(gaps if gaps is not None else st.integers(0, 200)))
        events.append(
            e.DecisionIssued(occurred_at=at(decided_on), outcome=outcome, decided_on=decided_on)
        )
        if after is not None and draw(after):
            later = decided_on + timedelta(days=draw(st.integers(1, 400)))
            if draw(st.booleans()):
                events.append(
                    e.JudgmentDelivered(
                        occurred_at=at(later), court="General Court", delivered_on=later,
                        effect=draw(st.sampled_from(Effect)), reference="T-1/25",
                    )
                )  # fmt: skip
            else:
                events.append(e.ProceedingClosed(occurred_at=at(later), closed_on=later))
    return Case(stream_id, regime, tuple(events), decided_on, opened_on)


# ---------------------------------------------------------------- deals


CROWDED_REGIMES = st.sampled_from((Regime.EUMR, Regime.UK_CMA))
CROWDED_DAYS = st.sampled_from((date(2022, 3, 1), date(2022, 4, 1)))
CROWDED_GAPS = st.sampled_from((0, 31))


@st.composite
def specs(
    draw: st.DrawFn,
    as_of: st.SearchStrategy[date] | None = None,
    *,
    cases: int = 0,
    group: bool | None = None,
    crowded: bool = False,
) -> Spec:
    """A deal as of a date: its parties (sometimes with a shared group parent), its
    investment's life and assessments, and up to ``cases`` random proceedings (folded as of
    the date: those not opened by then are not among its facts). ``crowded`` cases are of two
    regimes only and fall on a few days: cases of one regime decided on the same day."""
    on = draw(as_of if as_of is not None else as_of_dates())
    grouped = draw(st.integers(0, 4)) == 0 if group is None else group
    parent_of_investor = grouped and draw(st.booleans())
    parent_of_target = grouped and not parent_of_investor
    parent = draw(party_events(on, parent=False, name="Parent Group")) if grouped else ()
    narrow: dict[str, Any] = (
        {"regimes": CROWDED_REGIMES, "opened": CROWDED_DAYS, "gaps": CROWDED_GAPS}
        if crowded
        else {}
    )
    found = [draw(case(f"proceeding-{n}", **narrow)) for n in range(draw(st.integers(0, cases)))]
    return Spec(
        as_of=on,
        investor=draw(party_events(on, parent=parent_of_investor)),
        target=draw(party_events(on, parent=parent_of_target)),
        investment=draw(investment_events(on)),
        parent=parent,
        proceedings=tuple((c.stream_id, c.events) for c in found),
    )
