"""The investment's fold and rules, in memory."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.domain import investments
from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    CommercialAgreementAmended,
    CommercialAgreementEnded,
    CommercialAgreementSigned,
    ConversionHappened,
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    InvestmentAbandoned,
    InvestmentAnnounced,
    JurisdictionAssessed,
    KeyPersonnelHired,
    LicenceFeePaid,
    StakeAcquired,
    StakeDisposed,
)
from compliance.domain.values import (
    AgreementKind,
    AssessmentBasis,
    ControlLevel,
    Element,
    GovernanceRight,
    Instrument,
    Money,
    Regime,
    ValueBound,
)
from events.types import Event
from tests.compliance.domain.helpers import T0, history, pct

STREAM = "investment-ms-oa"
ANNOUNCED = InvestmentAnnounced(
    occurred_at=T0, investor_id="party-ms", target_id="party-oa", title="MS / OA"
)
EUR = Money(amount=Decimal("15000000"), currency="EUR")
USD_RATED = Money(
    amount=Decimal("1000"), currency="USD", eur_rate=Decimal("0.9"), eur_rate_source="ECB"
)
USD_UNRATED = Money(amount=Decimal("500"), currency="USD")


def fold(*events: Event) -> investments.Investment:
    return investments.fold(STREAM, history(STREAM, ANNOUNCED, *events))


def shares(equity: str, voting: str | None = None, **kw: object) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0,
        instrument=Instrument.ORDINARY_SHARES,
        equity_pct=pct(equity),
        voting_pct=pct(voting or equity),
        **kw,  # type: ignore[arg-type]
    )


def test_stakes_add_up_per_instrument_and_money_in_eur_uses_the_stated_rate() -> None:
    state = fold(
        shares("10", amount=EUR),
        shares("5", amount=USD_RATED),
        StakeAcquired(occurred_at=T0, instrument=Instrument.NON_VOTING_SHARES, equity_pct=pct("4")),
        StakeAcquired(occurred_at=T0, instrument=Instrument.SAFE, amount=USD_UNRATED),
    )
    assert state.holdings[Instrument.ORDINARY_SHARES].equity_pct == Decimal("15")
    assert state.total("equity_pct") == Decimal("19")
    assert state.total("voting_pct") == Decimal("15")
    assert state.invested_eur == Decimal("15000900.00")
    assert state.unconverted == (USD_UNRATED,)  # never converted silently


def test_disposal_and_conversion() -> None:
    state = fold(
        shares("10"),
        StakeDisposed(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=pct("4"),
            voting_pct=pct("4"),
        ),
        StakeAcquired(occurred_at=T0, instrument=Instrument.CONVERTIBLE_NOTE, amount=EUR),
        ConversionHappened(
            occurred_at=T0, from_instrument=Instrument.CONVERTIBLE_NOTE,
            to_instrument=Instrument.ORDINARY_SHARES, equity_pct=pct("1"), voting_pct=pct("1"),
        ),
    )  # fmt: skip
    assert set(state.holdings) == {Instrument.ORDINARY_SHARES}
    assert state.total("equity_pct") == Decimal("7")


def test_rights_agreements_personnel_and_fees() -> None:
    state = fold(
        GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.OBSERVER_SEAT),
        GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.VETO, scope="budget"),
        GovernanceRightRelinquished(occurred_at=T0, right=GovernanceRight.OBSERVER_SEAT),
        CommercialAgreementSigned(
            occurred_at=T0, agreement_id="azure", kind=AgreementKind.CLOUD_COMPUTE, exclusive=True
        ),
        CommercialAgreementAmended(occurred_at=T0, agreement_id="azure", exclusive=False),
        CommercialAgreementSigned(
            occurred_at=T0, agreement_id="dist", kind=AgreementKind.DISTRIBUTION, exclusive=False
        ),
        CommercialAgreementEnded(occurred_at=T0, agreement_id="dist"),
        KeyPersonnelHired(occurred_at=T0, count=70, roles=["co-founder"]),
        LicenceFeePaid(occurred_at=T0, amount=Money(amount=Decimal("620"), currency="EUR")),
    )
    assert state.rights == {GovernanceRight.VETO: 1}
    assert [a.agreement_id for a in state.agreements_in_force] == ["azure"]
    assert state.agreements["azure"].exclusive is False
    assert state.personnel_hired == 70
    assert state.licence_fees_eur == Decimal("620")


@pytest.mark.parametrize(
    ("events", "event", "code", "field"),
    [
        ([shares("10")], StakeDisposed(occurred_at=T0, instrument=Instrument.ORDINARY_SHARES,
                                       equity_pct=pct("11")), ErrorCode.DISPOSAL_EXCEEDS_HOLDING,
         "equity_pct"),
        ([], StakeDisposed(occurred_at=T0, instrument=Instrument.SAFE),
         ErrorCode.INSTRUMENT_NOT_HELD, "instrument"),
        ([shares("60")], shares("41"), ErrorCode.PERCENTAGE_OUT_OF_RANGE, "equity_pct"),
        ([], GovernanceRightRelinquished(occurred_at=T0, right=GovernanceRight.BOARD_SEAT),
         ErrorCode.RIGHT_NOT_HELD, "right"),
        ([], CommercialAgreementEnded(occurred_at=T0, agreement_id="x"),
         ErrorCode.AGREEMENT_UNKNOWN, "agreement_id"),
        ([], ConversionHappened(occurred_at=T0, from_instrument=Instrument.SAFE,
                                to_instrument=Instrument.ORDINARY_SHARES),
         ErrorCode.INSTRUMENT_NOT_HELD, "from_instrument"),
        ([InvestmentAbandoned(occurred_at=T0)], shares("1"), ErrorCode.INVESTMENT_ENDED, "type"),
        ([], ANNOUNCED, ErrorCode.ALREADY_EXISTS, None),
    ],
)  # fmt: skip
def test_rules_refuse_facts_that_contradict_the_history(
    events: list[Event], event: Event, code: ErrorCode, field: str | None
) -> None:
    with pytest.raises(DomainError) as caught:
        investments.check(fold(*events), event)
    assert caught.value.code == code
    assert caught.value.field == field


def test_an_investor_cannot_invest_in_itself() -> None:
    with pytest.raises(DomainError) as caught:
        investments.check(
            investments.Investment(stream_id=STREAM),
            InvestmentAnnounced(
                occurred_at=T0, investor_id="party-a", target_id="party-a", title="x"
            ),
        )
    assert caught.value.code == ErrorCode.SELF_INVESTMENT


def test_nothing_but_an_announcement_opens_the_stream() -> None:
    with pytest.raises(DomainError) as caught:
        investments.check(investments.Investment(stream_id=STREAM), shares("1"))
    assert caught.value.code == ErrorCode.NOT_FOUND


def test_a_history_broken_by_a_retraction_folds_with_an_anomaly_instead_of_failing() -> None:
    # The acquisition was retracted later: the disposal no longer has anything to dispose of.
    state = fold(
        StakeDisposed(occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=pct("4")),
        GovernanceRightRelinquished(occurred_at=T0, right=GovernanceRight.BOARD_SEAT),
        CommercialAgreementEnded(occurred_at=T0, agreement_id="gone"),
    )
    assert state.holdings == {}
    assert len(state.anomalies) == 3
    assert "StakeDisposed" in state.anomalies[0]


# ---------------------------------------------------------------- assessments (issue 16 point 4)


def _assessed(**changes: object) -> JurisdictionAssessed:
    fields: dict[str, object] = {
        "occurred_at": T0, "regime": Regime.DE_GWB_35_1A,
        "element": Element.SIGNIFICANT_DOMESTIC_ACTIVITY,
        "basis": AssessmentBasis.AUTHORITY_STATEMENT,
        "author": "Bundeskartellamt", "source": "https://www.bundeskartellamt.de/x", "met": False,
        "member_state": "DE",
    }  # fmt: skip
    fields.update(changes)
    return JurisdictionAssessed(**fields)  # type: ignore[arg-type]


def test_the_latest_assessment_of_an_element_is_the_one_read() -> None:
    recorded = history(STREAM, ANNOUNCED, _assessed(met=True), _assessed(met=False))
    state = investments.fold(STREAM, recorded)
    got = state.assessed("de_gwb_35_1a", "significant_domestic_activity", "DE")
    assert got is not None and got.met is False and got.author == "Bundeskartellamt"
    assert got.event_id == str(recorded[2].event_id)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"element": Element.UK_SHARE_OF_SUPPLY}, ErrorCode.ELEMENT_NOT_IN_REGIME, "element"),
        ({"member_state": "FR"}, ErrorCode.UNKNOWN_MEMBER_STATE, "member_state"),
        ({"member_state": "CH"}, ErrorCode.UNKNOWN_MEMBER_STATE, "member_state"),
        ({"member_state": None}, ErrorCode.UNKNOWN_MEMBER_STATE, "member_state"),
        ({"met": None}, ErrorCode.MISSING_VALUE, "met"),
        ({"control": ControlLevel.SOLE}, ErrorCode.MISSING_VALUE, "control"),
        (
            {"element": Element.CONSIDERATION, "met": None, "member_state": None,
             "bound": ValueBound(operator=">", amount=Decimal(400_000_000), currency="PCT")},
            ErrorCode.NOT_A_CURRENCY, "bound.currency",
        ),
        (
            {"element": Element.CONSIDERATION, "member_state": None},
            ErrorCode.MISSING_VALUE, "bound",
        ),
    ],
)  # fmt: skip
def test_an_assessment_the_rules_cannot_read_is_refused_naming_the_field(
    changes: dict[str, object], code: ErrorCode, field: str
) -> None:
    state = investments.fold(STREAM, history(STREAM, ANNOUNCED))
    with pytest.raises(DomainError) as refused:
        investments.check(state, _assessed(**changes))
    assert (refused.value.code, refused.value.field) == (code, field)


def test_an_ended_deal_can_still_be_assessed() -> None:
    ended = investments.fold(
        STREAM, history(STREAM, ANNOUNCED, InvestmentAbandoned(occurred_at=T0))
    )
    investments.check(ended, _assessed())
    assert ended.abandoned_on == T0.date()
