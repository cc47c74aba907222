"""What the authorities did: each regime's own proceedings, read as of the finding's date.

A rule predicts from the facts whether a deal is notifiable, eligible or reviewable. The
authority's own proceeding answers two questions the prediction cannot:

- procedure: where the case stands (filed, under review, referral accepted, cleared, cleared
  with remedies, prohibited, withdrawn, abandoned, annulled by a court, closed);
- jurisdiction, where the authority decided it: a decision that the deal is not a
  concentration, not notifiable or outside its jurisdiction, or a court's annulment of a
  referral, replaces the prediction; a review, a call-in or an accepted referral shows the deal
  was reviewable whatever the figures on file say.

From the decision's date on, the finding states the authority's conclusion and cites the
decision's event first; as of an earlier date nothing changes (bitemporal: proceedings are
folded as of the finding's date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from compliance.domain.investments import Investment
from compliance.domain.proceedings import Proceeding
from compliance.rules.base import NEGATIVE, SETTLED, DealFacts, Finding, Status


class Procedure(StrEnum):
    NOT_FILED = "not_filed"
    FILED = "filed"  # notified (a first phase runs), called in, or a referral requested
    UNDER_REVIEW = "under_review"  # an in-depth (second phase) review or a merger inquiry
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_REJECTED = "referral_rejected"
    CLEARED = "cleared"
    CLEARED_WITH_REMEDIES = "cleared_with_remedies"
    PROHIBITED = "prohibited"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"
    ANNULLED = "annulled"  # a court annulled the decision or the referral
    CLOSED = "closed"  # decided without a review: no jurisdiction, not notifiable


assert {str(p) for p in Procedure} >= SETTLED  # base.SETTLED names procedures of this list

# The regime's "yes": what a review by its authority shows the deal was.
REVIEWED_AS = {
    "eumr": Status.NOTIFIABLE,
    "eumr_art22": Status.REFERRAL_RISK,
    "dma_art14": Status.INFORMATION_DUTY,
    "fsr_art20": Status.NOTIFIABLE,
    "fdi_screening": Status.CALL_IN_RISK,
    "de_gwb_35_1a": Status.NOTIFIABLE,
    "at_kartg_9_4": Status.NOTIFIABLE,
    "it_call_in": Status.CALL_IN_RISK,
    "uk_cma": Status.CALL_IN_RISK,
    "us_hsr": Status.NOTIFIABLE,
}
POSITIVE = frozenset(REVIEWED_AS.values())

_OUTCOMES = {
    "cleared": (Procedure.CLEARED, "cleared the deal"),
    "cleared_with_conditions": (Procedure.CLEARED_WITH_REMEDIES, "cleared the deal with remedies"),
    "prohibited": (Procedure.PROHIBITED, "prohibited the deal"),
    "not_a_concentration": (Procedure.CLOSED, "found that the deal is not a concentration "
                            "(no relevant merger situation)"),
    "no_jurisdiction": (Procedure.CLOSED, "found that it has no jurisdiction over the deal"),
    "not_notifiable": (Procedure.CLOSED, "found that the deal is not notifiable"),
    "closed_without_decision": (Procedure.CLOSED, "closed the case without a decision"),
}  # fmt: skip
NEGATIVE_OUTCOMES = frozenset({"not_a_concentration", "no_jurisdiction", "not_notifiable"})
# Proceedings that are not a review of this deal under the regime (a study, a statement):
# their decisions count, their being open does not.
_NOT_A_REVIEW = frozenset({"statement", "call_for_contributions", "market_study"})
# Opening these shows the authority took the case; an invitation to comment or a merger
# inquiry asks, among other things, whether it has jurisdiction at all.
_TAKEN = frozenset({"phase_1", "phase_2", "call_in"})
_FILED = frozenset({"phase_1", "call_in"})  # a first phase runs from the notification
_OPENED = {
    "phase_1": "was notified of the deal (first phase)",
    "phase_2": "opened an in-depth review",
    "call_in": "called the deal in",
}

SCORES = {
    Procedure.FILED: 80,
    Procedure.UNDER_REVIEW: 85,
    Procedure.REFERRAL_ACCEPTED: 85,
    Procedure.PROHIBITED: 90,
    Procedure.ANNULLED: 50,
    Procedure.CLEARED_WITH_REMEDIES: 25,  # the remedies are obligations to keep
    Procedure.CLEARED: 5,
    Procedure.WITHDRAWN: 10,
    Procedure.REFERRAL_REJECTED: 5,
    Procedure.ABANDONED: 0,
    Procedure.CLOSED: 0,
}


@dataclass(frozen=True, slots=True)
class Stage:
    """Where one regime's case stands on a date, by which event, and what it means."""

    procedure: Procedure
    on: date
    said: str  # what the authority did, in words
    event_id: str | None  # the event that says so
    negative: bool = False  # the authority decided there is no duty (or no referral)
    reviewed: bool = False  # the authority took the case: the deal was within the regime
    decided: bool = False  # a decision (or a referral decision), cited by the finding
    voids: bool = False  # ends what came before (a referral request withdrawn)


def stage(facts: DealFacts, regime: str) -> Stage | None:
    """The latest stage of ``regime``'s proceedings about the deal as of ``facts.as_of``, and
    the deal's abandonment, or None where nothing of the kind is on file. The stage is marked
    ``reviewed`` if the authority took the case at any point since the last negative answer
    (a deal reviewed, then abandoned, was within the regime)."""
    if not facts.proceedings and facts.investment.abandoned_on is None:
        return None  # most deals: nothing on file (a rebuild evaluates every regime of each)
    stages = [s for p in facts.proceedings if p.regime == regime for s in _stages(p, facts.as_of)]
    abandoned = _abandoned(facts.investment, facts.as_of)
    if abandoned is not None:
        stages.append(abandoned)
    if not stages:
        return None
    latest = max(stages, key=_order)
    if latest.negative or latest.reviewed:
        return latest
    last_no = max((s.on for s in stages if s.negative or s.voids), default=None)
    taken = any(s.reviewed and (last_no is None or s.on > last_no) for s in stages)
    if taken:
        return replace(latest, reviewed=True)
    said_no = max((s for s in stages if s.negative), key=_order, default=None)
    if said_no is not None and not any(s.voids and s.on >= said_no.on for s in stages):
        # A later step (an abandonment, a withdrawal) does not undo the authority's "no".
        return replace(
            latest, negative=True, event_id=said_no.event_id, decided=said_no.decided,
            said=f"{latest.said}, after {said_no.said}",
        )  # fmt: skip
    return latest


def _order(s: Stage) -> tuple[date, int, bool, bool, str, str]:
    """Later first by date, then the later step of a case's life; on a tie, a decided "no"
    before anything else, then the event id and the words: never the order on file."""
    return (s.on, _WEIGHT[s.procedure], s.negative, s.decided, s.event_id or "", s.said)


# Of two stages on the same day, the later in a case's life wins.
_WEIGHT = {procedure: rank for rank, procedure in enumerate(Procedure)}


def _abandoned(investment: Investment, as_of: date) -> Stage | None:
    on = investment.abandoned_on
    if on is None or on > as_of:
        return None
    return Stage(Procedure.ABANDONED, on, f"the deal was abandoned on {on}", None)


def _stages(p: Proceeding, as_of: date) -> list[Stage]:
    if p.opened_on is not None and p.opened_on > as_of:
        return []
    who = p.authority + (f" ({p.reference})" if p.reference else "")
    found = []
    if p.opened_on is not None and p.kind not in _NOT_A_REVIEW:
        if p.kind == "referral_request":
            # A Member State's request: the deal was at least put forward as eligible.
            found.append(Stage(Procedure.FILED, p.opened_on,
                               f"a referral to {who} was requested on {p.opened_on}",
                               p.event_ids[0], reviewed=True))  # fmt: skip
        else:
            verb = _OPENED.get(p.kind, "opened an inquiry")
            found.append(Stage(
                Procedure.FILED if p.kind in _FILED else Procedure.UNDER_REVIEW, p.opened_on,
                f"{who} {verb} on {p.opened_on}", p.event_ids[0], reviewed=p.kind in _TAKEN,
            ))  # fmt: skip
        if p.phase == "phase_2" and p.kind != "phase_2" and p.phase_since is not None:
            found.append(Stage(Procedure.UNDER_REVIEW, p.phase_since,
                               f"{who} opened an in-depth review on {p.phase_since}",
                               None, reviewed=True))  # fmt: skip
    for outcome, decided, annulled_on, court, ref in p.annulled:
        if annulled_on <= as_of:
            case = f" ({ref})" if ref else ""
            found.append(Stage(
                Procedure.ANNULLED, annulled_on,
                f"the {court}{case} annulled, on {annulled_on}, the {outcome.replace('_', ' ')} "
                f"of {decided}, which is void from then",
                None, negative=outcome == "referral_accepted",
            ))  # fmt: skip
    if p.referral in {"accepted", "rejected"} and p.referral_decided_on is not None:
        accepted = p.referral == "accepted"
        found.append(Stage(
            Procedure.REFERRAL_ACCEPTED if accepted else Procedure.REFERRAL_REJECTED,
            p.referral_decided_on,
            f"{who} {'accepted' if accepted else 'rejected'} the referral on "
            f"{p.referral_decided_on}",
            p.referral_event_id, negative=not accepted, reviewed=accepted, decided=True,
        ))  # fmt: skip
    if p.referral == "withdrawn" and p.referral_decided_on is not None:
        found.append(Stage(Procedure.WITHDRAWN, p.referral_decided_on,
                           f"the referral request to {who} was withdrawn on "
                           f"{p.referral_decided_on}", None, voids=True))  # fmt: skip
    if p.withdrawn_on is not None:
        found.append(Stage(Procedure.WITHDRAWN, p.withdrawn_on,
                           f"the notification to {who} was withdrawn on {p.withdrawn_on}",
                           None, reviewed=True))  # fmt: skip
    if p.outcome is not None and p.decided_on is not None and p.decided_on <= as_of:
        procedure, words = _OUTCOMES[p.outcome]
        found.append(Stage(
            procedure, p.decided_on, f"{who} {words} on {p.decided_on}", p.decision_event_id,
            negative=p.outcome in NEGATIVE_OUTCOMES,
            reviewed=p.outcome not in NEGATIVE_OUTCOMES | {"closed_without_decision"},
            decided=True,
        ))  # fmt: skip
    return [s for s in found if s.on <= as_of]


def apply(facts: DealFacts, finding: Finding) -> Finding:
    """The rule's ``finding`` with what the regime's authority did as of ``facts.as_of``."""
    at = stage(facts, finding.regime)
    if at is None:
        return finding
    status, rationale = finding.status, finding.rationale
    if at.negative:
        status = NEGATIVE[finding.regime]
        rationale = f"Decided: {at.said}. (Before it, the rules read: {finding.rationale})"
    elif at.reviewed and status not in POSITIVE:
        status = REVIEWED_AS[finding.regime]
        rationale = (
            f"{_capital(at.said)}: the deal was within the regime whatever the figures on "
            f"file say. (The rules alone read: {finding.rationale})"
        )
    else:
        rationale = f"{_capital(at.said)}. {finding.rationale}"
    missing = () if at.negative or at.reviewed else finding.missing
    return Finding(
        investment_id=finding.investment_id, regime=finding.regime, status=status,
        score=0 if at.negative else SCORES[at.procedure], rationale=rationale,
        citation=finding.citation, pack_id=finding.pack_id, pack_version=finding.pack_version,
        comparisons=finding.comparisons, event_ids=finding.event_ids, missing=missing,
        context_only=finding.context_only, procedure=str(at.procedure),
        decision_event_id=at.event_id if at.decided and at.event_id else "",
    )  # fmt: skip


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
