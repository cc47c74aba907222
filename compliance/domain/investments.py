"""An investment: one investor's holdings in one target, its rights and its deals.

Percentages are percentage points of the target: a stake acquired adds them to the holding
in that instrument, a disposal takes them away, a conversion moves a holding from one
instrument to another with the percentages it then carries.

``check`` refuses a new fact that contradicts the history. ``evolve`` never refuses: a later
retraction or correction can leave a history that no longer adds up (a disposal of a stake
whose acquisition was retracted), and the fold then records an *anomaly* and carries on, so
the views stay available and show what needs a lawyer's attention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.domain.copying import replace
from compliance.domain.errors import ErrorCode, refuse
from compliance.domain.events import (
    CommercialAgreementAmended,
    CommercialAgreementEnded,
    CommercialAgreementSigned,
    ConversionHappened,
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    InvestmentAbandoned,
    InvestmentAnnounced,
    InvestmentCompleted,
    JurisdictionAssessed,
    KeyPersonnelHired,
    LicenceFeePaid,
    StakeAcquired,
    StakeDisposed,
)
from compliance.domain.regimes import ELEMENTS, HOME
from compliance.domain.values import (
    BOUND_ELEMENTS,
    CURRENCIES,
    EU_MEMBER_STATES,
    MEMBER_STATE_ELEMENTS,
    Element,
    Money,
    Regime,
    ValueBound,
)
from events.types import Event, RecordedEvent

INVESTMENT_EVENTS = (
    InvestmentAnnounced,
    StakeAcquired,
    StakeDisposed,
    ConversionHappened,
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    CommercialAgreementSigned,
    CommercialAgreementAmended,
    CommercialAgreementEnded,
    KeyPersonnelHired,
    LicenceFeePaid,
    InvestmentCompleted,
    InvestmentAbandoned,
    JurisdictionAssessed,
)
ZERO = Decimal(0)
PERCENT_FIELDS = ("equity_pct", "voting_pct", "fully_diluted_pct")


@dataclass(frozen=True)
class Holding:
    """What the investor holds in one instrument. ``None``: not known."""

    instrument: str
    equity_pct: Decimal | None = None
    voting_pct: Decimal | None = None
    fully_diluted_pct: Decimal | None = None
    conversion_terms: str | None = None
    conversion_trigger: str | None = None
    cap_pct: Decimal | None = None


@dataclass(frozen=True)
class Acquisition:
    """One transaction by which the investor acquired a stake (for EUMR Art 5(2))."""

    on: date
    instrument: str
    event_id: str


@dataclass(frozen=True)
class Assessment:
    """A lawyer's or an authority's sourced statement of one jurisdictional element."""

    regime: str
    element: str
    basis: str
    author: str
    source: str
    on: date
    event_id: str
    met: bool | None = None
    control: str | None = None
    bound: ValueBound | None = None
    member_state: str | None = None
    summary: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.regime, self.element, self.member_state)


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    kind: str
    exclusive: bool
    value: Money | None
    term_months: int | None
    description: str | None
    in_force: bool = True


@dataclass(frozen=True)
class Investment:
    stream_id: str
    version: int = 0
    investor_id: str = ""
    target_id: str = ""
    title: str = ""
    status: str = ""  # announced, completed, abandoned
    holdings: dict[str, Holding] = field(default_factory=dict)  # by instrument
    rights: dict[str, int] = field(default_factory=dict)  # right -> count held
    agreements: dict[str, Agreement] = field(default_factory=dict)
    invested_eur: Decimal = ZERO  # amounts with a EUR value (EUR, or a stated rate)
    unconverted: tuple[Money, ...] = ()  # amounts in other currencies with no stated rate
    licence_fees_eur: Decimal = ZERO
    personnel_hired: int = 0
    roles_hired: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    anomalies: tuple[str, ...] = ()  # where the corrected history no longer adds up
    acquisitions: tuple[Acquisition, ...] = ()  # every stake acquired, in the order recorded
    announced_on: date | None = None
    signed_on: date | None = None  # when recorded apart from the announcement
    completed_on: date | None = None  # the closing
    abandoned_on: date | None = None
    # The latest assessment of each (regime, element, member state).
    assessments: dict[tuple[str, str, str | None], Assessment] = field(default_factory=dict)

    def assessed(
        self, regime: str, element: str, member_state: str | None = None
    ) -> Assessment | None:
        return self.assessments.get((regime, element, member_state))

    @property
    def announced(self) -> bool:
        return self.version > 0

    def total(self, name: str) -> Decimal | None:
        """The sum of a percentage over holdings; None when no holding states it."""
        values = [getattr(h, name) for h in self.holdings.values()]
        known = [v for v in values if v is not None]
        return sum(known, ZERO) if known else None

    @property
    def agreements_in_force(self) -> list[Agreement]:
        return [a for a in self.agreements.values() if a.in_force]


def _add(a: Decimal | None, b: Decimal | None, sign: int = 1) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or ZERO) + sign * (b or ZERO)


def _shifted(held: Holding, change: Any, sign: int = 1) -> dict[str, Decimal | None]:
    """The percentages of the holding after adding (or taking away) those of ``change``."""
    return {
        "equity_pct": _add(held.equity_pct, change.equity_pct, sign),
        "voting_pct": _add(held.voting_pct, change.voting_pct, sign),
        "fully_diluted_pct": _add(held.fully_diluted_pct, change.fully_diluted_pct, sign),
    }


def _shift(held: Holding, change: Any, sign: int = 1) -> Holding:
    return replace(held, **_shifted(held, change, sign))


def _clamped(held: Holding) -> Holding:
    def floor(value: Decimal | None) -> Decimal | None:
        return None if value is None else max(value, ZERO)

    return replace(
        held,
        equity_pct=floor(held.equity_pct),
        voting_pct=floor(held.voting_pct),
        fully_diluted_pct=floor(held.fully_diluted_pct),
    )


def _percentages(held: Holding) -> list[Decimal | None]:
    return [held.equity_pct, held.voting_pct, held.fully_diluted_pct]


def _money(investment: Investment, money: Money | None) -> dict[str, Any]:
    if money is None:
        return {}
    eur = money.in_eur()
    if eur is None:
        return {"unconverted": (*investment.unconverted, money)}
    return {"invested_eur": investment.invested_eur + eur}


def evolve(investment: Investment, recorded: RecordedEvent) -> Investment:
    """The investment after one more event: one copy of the state per event (folding is most
    of what a rebuild of the risk views does)."""
    return replace(
        investment,
        version=recorded.version,
        event_ids=(*investment.event_ids, str(recorded.event_id)),
        **_changes(investment, recorded),
    )


def _changes(inv: Investment, recorded: RecordedEvent) -> dict[str, Any]:
    """What one event changes in the investment, field by field."""
    event = recorded.event
    match event:
        case InvestmentAnnounced():
            return {
                "investor_id": event.investor_id,
                "target_id": event.target_id,
                "title": event.title,
                "status": "announced",
                "announced_on": event.occurred_at.date(),
                "signed_on": event.signed_on,
            }
        case StakeAcquired():
            held = inv.holdings.get(event.instrument, Holding(str(event.instrument)))
            held = replace(
                held,
                **_shifted(held, event),
                conversion_terms=event.conversion_terms or held.conversion_terms,
                conversion_trigger=event.conversion_trigger or held.conversion_trigger,
                cap_pct=event.cap_pct if event.cap_pct is not None else held.cap_pct,
            )
            acquired = Acquisition(
                event.occurred_at.date(), str(event.instrument), str(recorded.event_id)
            )
            return {
                "holdings": {**inv.holdings, event.instrument: held},
                "acquisitions": (*inv.acquisitions, acquired),
                **_money(inv, event.amount),
            }
        case StakeDisposed():
            changes: dict[str, Any] = {}
            held = inv.holdings.get(event.instrument, Holding(str(event.instrument)))
            left = _shift(held, event, -1)
            if any(v is not None and v < 0 for v in _percentages(left)):
                what = f"disposal of more {event.instrument} than held"
                changes["anomalies"] = _noted(inv, recorded, what)
                left = _clamped(left)
            holdings = {**inv.holdings, event.instrument: left}
            if not any(_percentages(left)):
                del holdings[event.instrument]
            changes["holdings"] = holdings
            return changes
        case ConversionHappened():
            changes = {}
            if event.from_instrument not in inv.holdings:
                what = f"conversion of {event.from_instrument} not held"
                changes["anomalies"] = _noted(inv, recorded, what)
            holdings = {k: v for k, v in inv.holdings.items() if k != event.from_instrument}
            target = holdings.get(event.to_instrument, Holding(str(event.to_instrument)))
            holdings[event.to_instrument] = _shift(target, event)
            changes["holdings"] = holdings
            return changes
        case GovernanceRightGranted():
            return {
                "rights": {**inv.rights, event.right: inv.rights.get(event.right, 0) + event.count}
            }
        case GovernanceRightRelinquished():
            changes = {}
            count = inv.rights.get(event.right, 0)
            if count < event.count:
                what = f"{event.right} relinquished but not held"
                changes["anomalies"] = _noted(inv, recorded, what)
            rights = {**inv.rights, event.right: count - event.count}
            changes["rights"] = {k: v for k, v in rights.items() if v > 0}
            return changes
        case CommercialAgreementSigned():
            agreement = Agreement(
                agreement_id=event.agreement_id,
                kind=str(event.kind),
                exclusive=event.exclusive,
                value=event.value,
                term_months=event.term_months,
                description=event.description,
            )
            return {"agreements": {**inv.agreements, event.agreement_id: agreement}}
        case CommercialAgreementAmended() | CommercialAgreementEnded() if (
            event.agreement_id not in inv.agreements
        ):
            what = f"agreement {event.agreement_id!r} was never signed"
            return {"anomalies": _noted(inv, recorded, what)}
        case CommercialAgreementAmended():
            current = inv.agreements[event.agreement_id]
            amended = replace(
                current,
                exclusive=current.exclusive if event.exclusive is None else event.exclusive,
                value=event.value or current.value,
                term_months=event.term_months or current.term_months,
                description=event.description or current.description,
            )
            return {"agreements": {**inv.agreements, event.agreement_id: amended}}
        case CommercialAgreementEnded():
            ended = replace(inv.agreements[event.agreement_id], in_force=False)
            return {"agreements": {**inv.agreements, event.agreement_id: ended}}
        case KeyPersonnelHired():
            return {
                "personnel_hired": inv.personnel_hired + event.count,
                "roles_hired": (*inv.roles_hired, *event.roles),
            }
        case LicenceFeePaid():
            eur = event.amount.in_eur()
            if eur is None:
                return {"unconverted": (*inv.unconverted, event.amount)}
            return {"licence_fees_eur": inv.licence_fees_eur + eur}
        case InvestmentCompleted():
            return {"status": "completed", "completed_on": event.occurred_at.date()}
        case InvestmentAbandoned():
            return {"status": "abandoned", "abandoned_on": event.occurred_at.date()}
        case JurisdictionAssessed():
            assessment = Assessment(
                regime=str(event.regime), element=str(event.element), basis=str(event.basis),
                author=event.author, source=event.source, on=event.occurred_at.date(),
                event_id=str(recorded.event_id), met=event.met,
                control=str(event.control) if event.control else None, bound=event.bound,
                member_state=event.member_state, summary=event.summary,
            )  # fmt: skip
            return {"assessments": {**inv.assessments, assessment.key: assessment}}
    return {}


def _noted(investment: Investment, recorded: RecordedEvent, what: str) -> tuple[str, ...]:
    """The investment's anomalies with one more: where the history no longer adds up."""
    return (*investment.anomalies, f"version {recorded.version} ({recorded.type}): {what}")


def fold(stream_id: str, history: Iterable[RecordedEvent]) -> Investment:
    investment = Investment(stream_id=stream_id)
    for recorded in history:
        investment = evolve(investment, recorded)
    return investment


def check(investment: Investment, event: Event) -> None:
    """Refuse an event the investment's history does not allow. References to parties are
    checked by the service, which can see other streams."""
    name = type(event).__name__
    if not isinstance(event, INVESTMENT_EVENTS):
        raise refuse(ErrorCode.WRONG_STREAM, f"{name} is not an investment event.", field="type")
    if isinstance(event, InvestmentAnnounced):
        if investment.announced:
            raise refuse(ErrorCode.ALREADY_EXISTS, f"{investment.stream_id} was announced.")
        if event.investor_id == event.target_id:
            raise refuse(
                ErrorCode.SELF_INVESTMENT,
                "The investor and the target must be different parties.",
                field="target_id",
            )
        return
    if not investment.announced:
        raise refuse(ErrorCode.NOT_FOUND, f"Investment {investment.stream_id} does not exist.")
    if isinstance(event, JurisdictionAssessed):
        check_assessment(event)  # of any deal, ended or not: an assessment is about its past
        return
    if investment.status == "abandoned" or (
        investment.status == "completed" and isinstance(event, InvestmentCompleted)
    ):
        raise refuse(
            ErrorCode.INVESTMENT_ENDED, f"The investment was {investment.status}.", field="type"
        )
    match event:
        case StakeAcquired():
            for pct in PERCENT_FIELDS:
                total = _add(investment.total(pct), getattr(event, pct))
                if total is not None and total > 100:
                    raise refuse(
                        ErrorCode.PERCENTAGE_OUT_OF_RANGE,
                        f"The investor would hold {total} % ({pct}); at most 100.",
                        field=pct,
                    )
        case StakeDisposed():
            held = investment.holdings.get(event.instrument)
            if held is None:
                raise refuse(
                    ErrorCode.INSTRUMENT_NOT_HELD,
                    f"No {event.instrument} is held.",
                    field="instrument",
                )
            for pct in PERCENT_FIELDS:
                have, give = getattr(held, pct), getattr(event, pct)
                if give is not None and give > (have or ZERO):
                    raise refuse(
                        ErrorCode.DISPOSAL_EXCEEDS_HOLDING,
                        f"Disposing of {give} % ({pct}) but only {have or 0} % is held.",
                        field=pct,
                    )
        case ConversionHappened():
            if event.from_instrument not in investment.holdings:
                raise refuse(
                    ErrorCode.INSTRUMENT_NOT_HELD,
                    f"No {event.from_instrument} is held to convert.",
                    field="from_instrument",
                )
        case GovernanceRightRelinquished():
            count = investment.rights.get(event.right, 0)
            if count < event.count:
                raise refuse(
                    ErrorCode.RIGHT_NOT_HELD,
                    f"Relinquishing {event.count} {event.right} but {count} held.",
                    field="right",
                )
        case CommercialAgreementSigned():
            if event.agreement_id in investment.agreements:
                raise refuse(
                    ErrorCode.AGREEMENT_EXISTS,
                    f"Agreement {event.agreement_id!r} was signed before; amend it instead.",
                    field="agreement_id",
                )
        case CommercialAgreementAmended() | CommercialAgreementEnded():
            agreement = investment.agreements.get(event.agreement_id)
            if agreement is None:
                raise refuse(
                    ErrorCode.AGREEMENT_UNKNOWN,
                    f"No agreement {event.agreement_id!r}.",
                    field="agreement_id",
                )
            if not agreement.in_force:
                raise refuse(
                    ErrorCode.AGREEMENT_ENDED,
                    f"Agreement {event.agreement_id!r} has ended.",
                    field="agreement_id",
                )


def check_assessment(event: JurisdictionAssessed) -> None:
    """The element is one the regime reads, with the value it needs, in the right place."""
    regime, element = Regime(event.regime), Element(event.element)
    if element not in ELEMENTS[regime]:
        allowed = ", ".join(sorted(ELEMENTS[regime]))
        raise refuse(
            ErrorCode.ELEMENT_NOT_IN_REGIME,
            f"{regime} reads no assessment of {element}; it reads: {allowed}.",
            field="element",
        )
    needs = (
        "bound" if element in BOUND_ELEMENTS
        else "control" if element == Element.CONTROL
        else "met"
    )  # fmt: skip
    if getattr(event, needs) is None:
        raise refuse(
            ErrorCode.MISSING_VALUE, f"An assessment of {element} states {needs}.", field=needs
        )
    for extra in ("met", "control", "bound"):
        if extra != needs and getattr(event, extra) is not None:
            raise refuse(
                ErrorCode.MISSING_VALUE,
                f"An assessment of {element} states {needs}, not {extra}.",
                field=extra,
            )
    if event.bound is not None and event.bound.currency not in CURRENCIES:
        raise refuse(
            ErrorCode.NOT_A_CURRENCY,
            f"{event.bound.currency!r} is not a currency this tool knows (ISO 4217).",
            field="bound.currency",
        )
    state = event.member_state
    if element in MEMBER_STATE_ELEMENTS:
        if state is None or state not in EU_MEMBER_STATES:
            raise refuse(
                ErrorCode.UNKNOWN_MEMBER_STATE,
                f"{element} is assessed for one of the 27 member states; got {state!r}.",
                field="member_state",
            )
        home = HOME.get(regime)
        if home is not None and state != home:
            raise refuse(
                ErrorCode.UNKNOWN_MEMBER_STATE,
                f"{regime} is {home}'s regime; an assessment for {state} belongs elsewhere.",
                field="member_state",
            )
    elif state is not None:
        raise refuse(
            ErrorCode.UNKNOWN_MEMBER_STATE,
            f"{element} is not assessed per member state; leave member_state out.",
            field="member_state",
        )
