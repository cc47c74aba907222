"""Decisions are inputs (issue 16 points 1 and 2): each regime reads its own authority's
proceedings as of the finding's date, separates jurisdiction from procedure, and states the
authority's conclusion from the decision's date on, citing it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from compliance.domain import proceedings
from compliance.domain.events import (
    DecisionIssued,
    InvestmentAbandoned,
    JudgmentDelivered,
    PhaseChanged,
    ProceedingOpened,
    ReferralAccepted,
    ReferralRequested,
    StakeAcquired,
)
from compliance.domain.values import Effect, Instrument, Outcome, ProceedingKind
from compliance.rules import engine
from compliance.rules.base import SETTLED, Finding, Status, urgency
from events.types import Event
from tests.compliance.domain.helpers import history
from tests.compliance.rules.helpers import deal, turnover


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def opened(day: str, authority: str, basis: str, kind: ProceedingKind) -> ProceedingOpened:
    return ProceedingOpened(
        occurred_at=at(day), authority=authority, legal_basis=basis, kind=kind,
        investment_ids=["investment-deal"], reference="CASE-1",
    )  # fmt: skip


def decided(day: str, outcome: Outcome) -> DecisionIssued:
    return DecisionIssued(occurred_at=at(day), outcome=outcome, decided_on=date.fromisoformat(day))


def case(stream: str, *events: Event, as_of: date) -> proceedings.Proceeding:
    """The proceeding folded as of the end of ``as_of``, as the services do."""
    kept = [e for e in history(stream, *events) if e.occurred_at.date() <= as_of]
    return proceedings.fold(stream, kept)


SMALL = (turnover("100", "20", {"DE": "10"}),)
STAKE = StakeAcquired(
    occurred_at=at("2024-01-10"), instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal(30)
)


def findings(
    *streams: tuple[Event, ...], as_of: date, deal_events: tuple[Event, ...] = ()
) -> dict[str, Finding]:
    folded = tuple(case(f"proceeding-{n}", *s, as_of=as_of) for n, s in enumerate(streams))
    facts = deal(STAKE, *deal_events, investor=SMALL, target=SMALL, as_of=as_of, proceedings=folded)
    return {f.regime: f for f in engine.evaluate(facts)}


BKARTA = (
    opened("2024-02-01", "Bundeskartellamt", "GWB section 37, section 35(1a)",
           ProceedingKind.MERGER_INQUIRY),
    decided("2024-03-15", Outcome.NOT_NOTIFIABLE),
)  # fmt: skip


def test_a_not_notifiable_decision_decides_from_its_date_and_is_cited() -> None:
    alone = findings(as_of=date(2024, 3, 14))["de_gwb_35_1a"]
    before = findings(BKARTA, as_of=date(2024, 3, 14))["de_gwb_35_1a"]
    after = findings(BKARTA, as_of=date(2024, 3, 15))["de_gwb_35_1a"]
    # The day before, the rules' answer stands; the open inquiry is the procedure.
    assert (before.status, before.decision_event_id) == (alone.status, "")
    assert before.rationale.endswith(alone.rationale) and "found that" not in before.rationale
    assert before.procedure == "under_review"
    assert (after.status, after.procedure, after.score) == (Status.NOT_NOTIFIABLE, "closed", 0)
    assert "Bundeskartellamt (CASE-1) found that the deal is not notifiable on 2024-03-15" in (
        after.rationale
    )
    folded = case("proceeding-0", *BKARTA, as_of=date(2024, 3, 15))
    facts = deal(
        STAKE, investor=SMALL, target=SMALL, as_of=date(2024, 3, 15), proceedings=(folded,)
    )
    cited = {f.regime: f for f in engine.evaluate(facts)}["de_gwb_35_1a"].decision_event_id
    assert cited == folded.event_ids[1]  # the DecisionIssued event
    assert after.missing == ()


def test_a_decision_of_another_regime_is_not_read() -> None:
    found = findings(BKARTA, as_of=date(2024, 6, 1))
    assert found["eumr"].procedure == found["uk_cma"].procedure == ""


def test_a_cma_finding_of_no_relevant_merger_situation_ends_the_uk_monitor() -> None:
    cma = (
        opened("2024-04-24", "UK CMA", "Enterprise Act 2002", ProceedingKind.INVITATION_TO_COMMENT),
        decided("2024-05-17", Outcome.NOT_A_CONCENTRATION),
    )
    uk = findings(cma, as_of=date(2024, 6, 1))["uk_cma"]
    assert (uk.status, uk.procedure) == (Status.NOT_REVIEWABLE, "closed")
    assert "no relevant merger situation" in uk.rationale


def test_a_cleared_deal_is_notifiable_and_cleared_and_not_pressing() -> None:
    ec = (
        opened("2024-02-01", "European Commission", "EUMR Art 6(1)(b)", ProceedingKind.PHASE_1),
        decided("2024-03-01", Outcome.CLEARED),
    )
    under_review = findings(ec, as_of=date(2024, 2, 15))["eumr"]
    cleared = findings(ec, as_of=date(2024, 3, 1))["eumr"]
    # The Commission took the case: within the EUMR whatever the figures on file say.
    # Notified: the first phase runs ("filed").
    assert (under_review.status, under_review.procedure) == (Status.NOTIFIABLE, "filed")
    assert (cleared.status, cleared.procedure, cleared.score) == (Status.NOTIFIABLE, "cleared", 5)
    assert "cleared the deal on 2024-03-01" in cleared.rationale
    assert "cleared" in SETTLED
    assert urgency(cleared.status, cleared.procedure) < urgency(Status.MONITOR)


def referral_case() -> tuple[Event, ...]:
    return (
        opened("2024-03-01", "European Commission", "EUMR Art 22(1)",
               ProceedingKind.REFERRAL_REQUEST),
        ReferralRequested(
            occurred_at=at("2024-03-01"), requesting_authority="AGCM (IT)",
            receiving_authority="European Commission", legal_basis="EUMR Art 22(1)",
        ),
        ReferralAccepted(occurred_at=at("2024-04-01"), decided_on=date(2024, 4, 1)),
        JudgmentDelivered(
            occurred_at=at("2025-09-03"), court="Court of Justice", delivered_on=date(2025, 9, 3),
            effect=Effect.ANNULLED, reference="C-1/25 P",
        ),
    )  # fmt: skip


def test_an_accepted_referral_then_its_annulment_void_from_the_judgment() -> None:
    accepted = findings(referral_case(), as_of=date(2024, 6, 1))["eumr_art22"]
    annulled = findings(referral_case(), as_of=date(2025, 9, 3))["eumr_art22"]
    assert (accepted.status, accepted.procedure) == (Status.REFERRAL_RISK, "referral_accepted")
    assert (annulled.status, annulled.procedure) == (Status.NOT_ELIGIBLE, "annulled")
    assert "C-1/25 P" in annulled.rationale and "void" in annulled.rationale


def test_an_art_4_5_referral_is_not_an_art_22_referral() -> None:
    four_five = (
        opened("2024-02-01", "European Commission", "EUMR Art 4, following a referral under "
               "Art 4(5)", ProceedingKind.PHASE_1),
    )  # fmt: skip
    found = findings(four_five, as_of=date(2024, 6, 1))
    assert found["eumr"].procedure == "filed"
    assert found["eumr_art22"].procedure == ""


def test_a_second_phase_is_an_in_depth_review_from_the_day_it_opens() -> None:
    ec = (
        opened("2024-02-01", "European Commission", "EUMR Art 6(1)(b)", ProceedingKind.PHASE_1),
        PhaseChanged(occurred_at=at("2024-03-10"), phase=ProceedingKind.PHASE_2),
    )
    assert findings(ec, as_of=date(2024, 3, 9))["eumr"].procedure == "filed"
    assert findings(ec, as_of=date(2024, 3, 10))["eumr"].procedure == "under_review"


def test_an_abandoned_deal_shows_its_procedure_abandoned_from_that_day() -> None:
    ec = (opened("2024-02-01", "European Commission", "EUMR", ProceedingKind.PHASE_2),)
    gone = InvestmentAbandoned(occurred_at=at("2024-05-01"))
    before = findings(ec, as_of=date(2024, 4, 30), deal_events=(gone,))["eumr"]
    after = findings(ec, as_of=date(2024, 5, 1), deal_events=(gone,))["eumr"]
    assert before.procedure == "under_review" and after.procedure == "abandoned"
    assert after.score == 0 and urgency(after.status, after.procedure) == -1


def test_an_invitation_to_comment_does_not_make_the_deal_reviewable() -> None:
    cma = (
        opened("2024-04-24", "UK CMA", "Enterprise Act 2002", ProceedingKind.INVITATION_TO_COMMENT),
    )
    alone = findings(as_of=date(2024, 6, 1))["uk_cma"]
    asked = findings(cma, as_of=date(2024, 6, 1))["uk_cma"]
    assert asked.procedure == "under_review" and asked.status == alone.status
