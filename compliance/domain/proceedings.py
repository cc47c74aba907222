"""A proceeding: an authority's case about one or more investments, its phases, requests
for information, deadlines, referral and decision.

As for investments, ``check`` refuses facts that contradict the history and ``evolve`` never
refuses (a corrected history that no longer adds up is noted as an anomaly).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from compliance.domain.copying import replace
from compliance.domain.errors import ErrorCode, refuse
from compliance.domain.events import (
    DeadlineExtended,
    DeadlineSet,
    DecisionIssued,
    InformationRequestReceived,
    JudgmentDelivered,
    NotificationWithdrawn,
    PhaseChanged,
    ProceedingClosed,
    ProceedingOpened,
    ReferralAccepted,
    ReferralRejected,
    ReferralRequested,
    ReferralWithdrawn,
    SubmissionFiled,
)
from compliance.domain.regimes import applies, regime_of
from compliance.domain.values import Effect, Regime
from events.types import Event, RecordedEvent

PROCEEDING_EVENTS = (
    ProceedingOpened,
    InformationRequestReceived,
    SubmissionFiled,
    PhaseChanged,
    DeadlineSet,
    DeadlineExtended,
    ReferralRequested,
    ReferralAccepted,
    ReferralWithdrawn,
    ReferralRejected,
    NotificationWithdrawn,
    DecisionIssued,
    JudgmentDelivered,
    ProceedingClosed,
)


@dataclass(frozen=True)
class Due:
    """Something the legal team must do by a date: answer a request, or meet a deadline."""

    key: str  # "request:<id>" or "deadline:<id>"
    kind: str  # information_request or deadline
    due_on: date
    description: str
    done_on: date | None = None


@dataclass(frozen=True)
class Proceeding:
    stream_id: str
    version: int = 0
    authority: str = ""
    legal_basis: str = ""
    kind: str = ""
    reference: str | None = None
    investment_ids: tuple[str, ...] = ()
    phase: str = ""
    status: str = ""  # open, closed
    outcome: str | None = None
    decided_on: date | None = None
    closed_on: date | None = None
    referral: str | None = None  # requested, accepted, rejected, withdrawn
    referral_decided_on: date | None = None  # accepted, rejected or withdrawn on
    regime: str | None = None  # named, or read from the legal basis (domain/regimes.py)
    opened_on: date | None = None
    phase_since: date | None = None  # when the current phase began (its PhaseChanged)
    decision_event_id: str | None = None  # the decision in force
    referral_event_id: str | None = None  # the referral's acceptance or rejection
    withdrawn_on: date | None = None  # the notification was withdrawn
    # Decisions (or referral acceptances) a court annulled: (outcome, decided on, annulled on,
    # court, reference), oldest first. An annulled one is void from the judgment.
    annulled: tuple[tuple[str, date, date, str, str | None], ...] = ()
    dues: dict[str, Due] = field(default_factory=dict)
    event_ids: tuple[str, ...] = ()
    anomalies: tuple[str, ...] = ()

    @property
    def opened(self) -> bool:
        return self.version > 0

    def open_dues(self) -> list[Due]:
        """What is still to be done, soonest first; nothing once decided or closed."""
        if self.status == "closed" or self.outcome is not None:
            return []
        pending = [d for d in self.dues.values() if d.done_on is None]
        return sorted(pending, key=lambda d: (d.due_on, d.key))


def _anomaly(proceeding: Proceeding, recorded: RecordedEvent, what: str) -> Proceeding:
    note = f"version {recorded.version} ({recorded.type}): {what}"
    return replace(proceeding, anomalies=(*proceeding.anomalies, note))


def evolve(proceeding: Proceeding, recorded: RecordedEvent) -> Proceeding:
    event = recorded.event
    p = replace(
        proceeding,
        version=recorded.version,
        event_ids=(*proceeding.event_ids, str(recorded.event_id)),
    )
    match event:
        case ProceedingOpened():
            regime = event.regime or regime_of(event.legal_basis)
            return replace(
                p,
                authority=event.authority,
                legal_basis=event.legal_basis,
                kind=str(event.kind),
                phase=str(event.kind),
                reference=event.reference,
                investment_ids=tuple(event.investment_ids),
                status="open",
                regime=str(regime) if regime else None,
                opened_on=event.occurred_at.date(),
            )
        case InformationRequestReceived():
            due = Due(
                key=f"request:{event.request_id}",
                kind="information_request",
                due_on=event.due_on,
                description=event.description or f"Answer request {event.request_id}",
            )
            return replace(p, dues={**p.dues, due.key: due})
        case SubmissionFiled() if event.request_id is not None:
            key = f"request:{event.request_id}"
            if key not in p.dues:
                return _anomaly(p, recorded, f"answers unknown request {event.request_id!r}")
            return replace(p, dues={**p.dues, key: replace(p.dues[key], done_on=event.filed_on)})
        case PhaseChanged():
            return replace(p, phase=str(event.phase), phase_since=event.occurred_at.date())
        case DeadlineSet():
            due = Due(
                key=f"deadline:{event.deadline_id}",
                kind="deadline",
                due_on=event.due_on,
                description=event.description,
            )
            return replace(p, dues={**p.dues, due.key: due})
        case DeadlineExtended():
            key = f"deadline:{event.deadline_id}"
            if key not in p.dues:
                return _anomaly(p, recorded, f"extends unknown deadline {event.deadline_id!r}")
            return replace(p, dues={**p.dues, key: replace(p.dues[key], due_on=event.due_on)})
        case ReferralRequested():
            return replace(p, referral="requested")
        case ReferralAccepted():
            return replace(
                p, referral="accepted", referral_decided_on=event.decided_on,
                referral_event_id=p.event_ids[-1],
            )  # fmt: skip
        case ReferralRejected():
            return replace(
                p, referral="rejected", referral_decided_on=event.decided_on,
                referral_event_id=p.event_ids[-1],
            )  # fmt: skip
        case ReferralWithdrawn():
            return replace(p, referral="withdrawn", referral_decided_on=event.withdrawn_on)
        case NotificationWithdrawn():
            return replace(p, withdrawn_on=event.withdrawn_on)
        case DecisionIssued():
            return replace(
                p, outcome=str(event.outcome), decided_on=event.decided_on,
                decision_event_id=p.event_ids[-1],
            )  # fmt: skip
        case JudgmentDelivered() if event.effect == Effect.ANNULLED:
            if p.outcome is not None and p.decided_on is not None:
                voided = (p.outcome, p.decided_on, event.delivered_on, event.court, event.reference)
                return replace(
                    p, outcome=None, decided_on=None, decision_event_id=None,
                    annulled=(*p.annulled, voided), status="open", closed_on=None,
                )  # fmt: skip
            if p.referral == "accepted" and p.referral_decided_on is not None:
                voided = ("referral_accepted", p.referral_decided_on, event.delivered_on,
                          event.court, event.reference)  # fmt: skip
                return replace(
                    p, referral="annulled", referral_event_id=None,
                    annulled=(*p.annulled, voided), status="open", closed_on=None,
                )  # fmt: skip
            return _anomaly(p, recorded, "annuls a decision the proceeding does not hold")
        case ProceedingClosed():
            return replace(p, status="closed", closed_on=event.closed_on)
    return p


def fold(stream_id: str, history: Iterable[RecordedEvent]) -> Proceeding:
    proceeding = Proceeding(stream_id=stream_id)
    for recorded in history:
        proceeding = evolve(proceeding, recorded)
    return proceeding


def check(proceeding: Proceeding, event: Event) -> None:
    """Refuse an event the proceeding's history does not allow. References to investments
    are checked by the service."""
    name = type(event).__name__
    if not isinstance(event, PROCEEDING_EVENTS):
        raise refuse(ErrorCode.WRONG_STREAM, f"{name} is not a proceeding event.", field="type")
    if isinstance(event, ProceedingOpened):
        if proceeding.opened:
            raise refuse(ErrorCode.ALREADY_EXISTS, f"{proceeding.stream_id} was opened before.")
        _check_regime(event)
        return
    if not proceeding.opened:
        raise refuse(ErrorCode.NOT_FOUND, f"Proceeding {proceeding.stream_id} does not exist.")
    if proceeding.status == "closed" and not isinstance(event, JudgmentDelivered):
        raise refuse(
            ErrorCode.PROCEEDING_CLOSED,
            f"The proceeding was closed on {proceeding.closed_on}; nothing more can happen in it.",
            field="type",
        )
    _check_dates(proceeding, event)
    match event:
        case DecisionIssued() if proceeding.outcome is not None:
            raise refuse(
                ErrorCode.ALREADY_DECIDED,
                f"A decision ({proceeding.outcome}) was issued on {proceeding.decided_on}.",
                field="type",
            )
        case InformationRequestReceived():
            if event.due_on < event.received_on:
                raise refuse(
                    ErrorCode.DUE_BEFORE_RECEIVED,
                    f"Due on {event.due_on}, before it was received on {event.received_on}.",
                    field="due_on",
                )
            if f"request:{event.request_id}" in proceeding.dues:
                raise refuse(
                    ErrorCode.REQUEST_EXISTS,
                    f"Request {event.request_id!r} was recorded before.",
                    field="request_id",
                )
        case SubmissionFiled() if event.request_id is not None:
            if f"request:{event.request_id}" not in proceeding.dues:
                raise refuse(
                    ErrorCode.REQUEST_UNKNOWN,
                    f"No request {event.request_id!r} in this proceeding.",
                    field="request_id",
                )
        case DeadlineSet() if f"deadline:{event.deadline_id}" in proceeding.dues:
            raise refuse(
                ErrorCode.DEADLINE_EXISTS,
                f"Deadline {event.deadline_id!r} was set before; extend it instead.",
                field="deadline_id",
            )
        case DeadlineExtended():
            due = proceeding.dues.get(f"deadline:{event.deadline_id}")
            if due is None:
                raise refuse(
                    ErrorCode.DEADLINE_UNKNOWN,
                    f"No deadline {event.deadline_id!r} in this proceeding.",
                    field="deadline_id",
                )
            if event.due_on <= due.due_on:
                raise refuse(
                    ErrorCode.DEADLINE_NOT_LATER,
                    f"An extension must be later than {due.due_on}.",
                    field="due_on",
                )
        case JudgmentDelivered() if not (proceeding.outcome or proceeding.referral == "accepted"):
            raise refuse(
                ErrorCode.NOTHING_TO_REVIEW,
                "No decision or accepted referral in force in this proceeding for a court to "
                "rule on.",
                field="type",
            )
        case ReferralAccepted() | ReferralRejected() | ReferralWithdrawn() if (
            proceeding.referral != "requested"
        ):
            raise refuse(
                ErrorCode.REFERRAL_NOT_REQUESTED,
                "No referral request is pending in this proceeding.",
                field="type",
            )


def _check_regime(event: ProceedingOpened) -> None:
    """The named regime agrees with the legal basis, and the authority applies it."""
    read = regime_of(event.legal_basis)
    if event.regime is not None and read is not None and read != event.regime:
        raise refuse(
            ErrorCode.UNKNOWN_LEGAL_BASIS,
            f"The legal basis {event.legal_basis!r} is one of {read}, not of {event.regime}.",
            field="legal_basis",
        )
    regime = event.regime or read
    if regime is not None and not applies(event.authority, Regime(regime)):
        raise refuse(
            ErrorCode.UNKNOWN_AUTHORITY,
            f"{event.authority!r} is not an authority known to apply {regime} "
            "(compliance/domain/regimes.py lists them).",
            field="authority",
        )


# The date each dated outcome carries, by event type.
_DATED = {
    DecisionIssued: "decided_on",
    ReferralAccepted: "decided_on",
    ReferralRejected: "decided_on",
    ReferralWithdrawn: "withdrawn_on",
    NotificationWithdrawn: "withdrawn_on",
    JudgmentDelivered: "delivered_on",
}


def _check_dates(proceeding: Proceeding, event: Event) -> None:
    """A decision, referral outcome, withdrawal or judgment is not dated before the
    proceeding opened, nor a judgment before the decision it rules on."""
    name = _DATED.get(type(event))
    if name is None or proceeding.opened_on is None:
        return
    on = getattr(event, name)
    if on < proceeding.opened_on:
        raise refuse(
            ErrorCode.BEFORE_OPENED,
            f"{name} {on} is before the proceeding opened on {proceeding.opened_on}.",
            field=name,
        )
    decided = proceeding.decided_on or proceeding.referral_decided_on
    if isinstance(event, JudgmentDelivered) and decided is not None and on < decided:
        raise refuse(
            ErrorCode.BEFORE_OPENED,
            f"The judgment of {on} is before the decision it rules on ({decided}).",
            field=name,
        )
