"""Which regime a proceeding belongs to, which authorities apply it, and the checks on
decisions, referrals, withdrawals and judgments that the rules read (issue 16 point 1)."""

from __future__ import annotations

import pytest

from compliance.domain import proceedings
from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    DecisionIssued,
    JudgmentDelivered,
    NotificationWithdrawn,
    ProceedingClosed,
    ProceedingOpened,
    ReferralAccepted,
    ReferralRejected,
    ReferralRequested,
)
from compliance.domain.regimes import applies, regime_of
from compliance.domain.values import Effect, Outcome, ProceedingKind, Regime
from events.types import Event
from tests.compliance.domain.helpers import T0, day, history

STREAM = "proceeding-x"


def opened(authority: str, legal_basis: str, regime: Regime | None = None) -> ProceedingOpened:
    return ProceedingOpened(
        occurred_at=T0, authority=authority, legal_basis=legal_basis,
        kind=ProceedingKind.PHASE_1, investment_ids=["investment-x"], regime=regime,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("legal_basis", "regime"),
    [
        ("EUMR Art 22(1)", Regime.EUMR_ART22),
        ("EUMR Art 4, after a referral under Art 22(3)", Regime.EUMR_ART22),
        ("Art 22 of the Merger Regulation", Regime.EUMR_ART22),
        # An Art 4(5) referral gives the Commission jurisdiction under the EUMR itself.
        ("EUMR Art 4, following a referral under Art 4(5)", Regime.EUMR),
        ("EUMR Art 6(1)(b)", Regime.EUMR),
        ("GWB section 37, section 35(1a)", Regime.DE_GWB_35_1A),
        ("KartG §9(4)", Regime.AT_KARTG_9_4),
        ("Law 287/1990 Art 16(1-bis)", Regime.IT_CALL_IN),
        ("Enterprise Act 2002, merger provisions", Regime.UK_CMA),
        ("Clayton Act section 7A (HSR Act)", Regime.US_HSR),
        ("FSR (Regulation (EU) 2022/2560) Art 20-21", Regime.FSR_ART20),
        ("DMA Art 14", Regime.DMA_ART14),
        ("Dutch Competition Act, merger notification", None),
        ("Market study", None),
    ],
)
def test_the_regime_is_read_from_the_legal_basis_only_where_it_leaves_no_doubt(
    legal_basis: str, regime: Regime | None
) -> None:
    assert regime_of(legal_basis) == regime


def test_authorities_match_whatever_the_case_accents_or_a_country_suffix() -> None:
    assert applies("Bundeskartellamt (DE)", Regime.DE_GWB_35_1A)
    assert applies("autorita garante della concorrenza e del mercato", Regime.IT_CALL_IN)
    assert applies("AGCM (IT)", Regime.EUMR_ART22)  # a member state requests the referral
    assert not applies("UK CMA", Regime.EUMR)
    assert not applies("Bundeskartelamt", Regime.DE_GWB_35_1A)  # a typo is not an authority
    assert applies("any ministry", Regime.FDI_SCREENING)


def test_the_fold_knows_the_regime_named_or_read_and_the_opening_date() -> None:
    named = proceedings.fold(STREAM, history(STREAM, opened("CNMC", "LDC", Regime.EUMR_ART22)))
    read = proceedings.fold(STREAM, history(STREAM, opened("UK CMA", "Enterprise Act 2002")))
    assert (named.regime, read.regime) == ("eumr_art22", "uk_cma")
    assert read.opened_on == T0.date()


@pytest.mark.parametrize(
    ("event", "code", "field"),
    [
        (opened("UK CMA", "EUMR Art 6(1)(b)"), ErrorCode.UNKNOWN_AUTHORITY, "authority"),
        (opened("Bundeskartelamt", "GWB §35(1a)"), ErrorCode.UNKNOWN_AUTHORITY, "authority"),
        (
            opened("European Commission", "Enterprise Act 2002", Regime.EUMR),
            ErrorCode.UNKNOWN_LEGAL_BASIS, "legal_basis",
        ),
        (
            opened("Federal Trade Commission", "a study", Regime.DE_GWB_35_1A),
            ErrorCode.UNKNOWN_AUTHORITY, "authority",
        ),
    ],
)  # fmt: skip
def test_an_unknown_authority_or_a_legal_basis_of_another_regime_is_refused(
    event: ProceedingOpened, code: ErrorCode, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        proceedings.check(proceedings.Proceeding(stream_id=STREAM), event)
    assert (refused.value.code, refused.value.field) == (code, field)


EC = opened("European Commission", "EUMR Art 6(1)(b)")
CLEARED = DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=day("2024-03-01"))
ANNULLED = JudgmentDelivered(
    occurred_at=T0, court="General Court", delivered_on=day("2025-01-10"),
    effect=Effect.ANNULLED, reference="T-1/24",
)  # fmt: skip


def fold(*events: Event) -> proceedings.Proceeding:
    return proceedings.fold(STREAM, history(STREAM, EC, *events))


@pytest.mark.parametrize(
    ("before", "event", "code", "field"),
    [
        (
            (),
            DecisionIssued(occurred_at=T0, outcome=Outcome.CLEARED, decided_on=day("2024-01-01")),
            ErrorCode.BEFORE_OPENED, "decided_on",
        ),
        (
            (),
            NotificationWithdrawn(occurred_at=T0, withdrawn_on=day("2023-12-31")),
            ErrorCode.BEFORE_OPENED, "withdrawn_on",
        ),
        ((), ANNULLED, ErrorCode.NOTHING_TO_REVIEW, "type"),
        (
            (CLEARED,),
            JudgmentDelivered(
                occurred_at=T0, court="General Court", delivered_on=day("2024-02-28"),
                effect=Effect.ANNULLED,
            ),
            ErrorCode.BEFORE_OPENED, "delivered_on",
        ),
        (
            (),
            ReferralRejected(occurred_at=T0, decided_on=day("2024-03-01")),
            ErrorCode.REFERRAL_NOT_REQUESTED, "type",
        ),
    ],
)  # fmt: skip
def test_outcomes_out_of_order_are_refused_naming_the_field(
    before: tuple[Event, ...], event: Event, code: ErrorCode, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        proceedings.check(fold(*before), event)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_an_annulled_decision_is_void_and_the_proceeding_may_decide_again() -> None:
    closed = fold(CLEARED, ProceedingClosed(occurred_at=T0, closed_on=day("2024-03-02")))
    proceedings.check(closed, ANNULLED)  # a court may rule after the case closed
    annulled = fold(
        CLEARED, ProceedingClosed(occurred_at=T0, closed_on=day("2024-03-02")), ANNULLED
    )
    assert annulled.outcome is None and annulled.status == "open"
    assert annulled.annulled[0][:3] == ("cleared", day("2024-03-01"), day("2025-01-10"))
    again = DecisionIssued(occurred_at=T0, outcome=Outcome.PROHIBITED, decided_on=day("2025-06-01"))
    proceedings.check(annulled, again)
    assert fold(CLEARED, ANNULLED, again).outcome == "prohibited"


def test_a_referral_decision_is_recorded_with_its_date_and_can_be_annulled() -> None:
    requested = ReferralRequested(
        occurred_at=T0, requesting_authority="AGCM (IT)",
        receiving_authority="European Commission", legal_basis="EUMR Art 22(1)",
    )  # fmt: skip
    rejected = fold(requested, ReferralRejected(occurred_at=T0, decided_on=day("2024-04-01")))
    assert (rejected.referral, rejected.referral_decided_on) == ("rejected", day("2024-04-01"))
    accepted = fold(requested, ReferralAccepted(occurred_at=T0, decided_on=day("2024-04-01")))
    assert accepted.referral_event_id == accepted.event_ids[-1]
    void = fold(requested, ReferralAccepted(occurred_at=T0, decided_on=day("2024-04-01")), ANNULLED)
    assert void.referral == "annulled" and void.referral_event_id is None
