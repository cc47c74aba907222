"""EUMR: control (Art 3) and the EU dimension (Art 1(2), 1(3), two-thirds rule)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.domain.events import (
    CommercialAgreementSigned,
    GovernanceRightGranted,
    KeyPersonnelHired,
    StakeAcquired,
)
from compliance.domain.values import AgreementKind, GovernanceRight, Instrument
from compliance.rules import eumr
from compliance.rules.base import Finding, Status
from events.types import Event
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, pack, turnover

PACK = pack("eumr")


def votes(pct: str) -> StakeAcquired:
    return StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, equity_pct=Decimal(pct),
        voting_pct=Decimal(pct),
    )  # fmt: skip


CONTROL = votes("60")
BIG: tuple[Event, ...] = (turnover("6000", "3000"),)  # worldwide EUR 6bn, EU EUR 3bn


def evaluate(
    *events: Event, investor: tuple[Event, ...] = BIG, target: tuple[Event, ...] = BIG
) -> Finding:
    return eumr.evaluate(deal(*events, investor=investor, target=target), PACK)


@pytest.mark.parametrize(
    ("pct", "status"),
    [("49.99", Status.NOT_NOTIFIABLE), ("50", Status.NOT_NOTIFIABLE), ("50.01", Status.NOTIFIABLE)],
)
def test_sole_control_needs_more_than_half_of_the_votes(pct: str, status: Status) -> None:
    assert evaluate(votes(pct)).status == status


def test_a_veto_over_strategic_decisions_can_confer_control() -> None:
    veto = GovernanceRightGranted(occurred_at=T0, right=GovernanceRight.VETO, scope="budget")
    finding = evaluate(votes("10"), veto)
    assert finding.status == Status.NOTIFIABLE
    assert "veto" in finding.rationale
    assert "Art 7(1)" in finding.citation


def test_a_licence_and_hire_may_be_a_concentration() -> None:
    finding = evaluate(
        KeyPersonnelHired(occurred_at=T0, count=70, roles=["research staff"]),
        CommercialAgreementSigned(
            occurred_at=T0, agreement_id="lic", kind=AgreementKind.LICENSING, exclusive=False
        ),
    )
    assert finding.status == Status.NOTIFIABLE
    assert finding.score == 75
    assert "may be a concentration" in finding.rationale


def test_a_minority_stake_without_rights_is_no_concentration() -> None:
    finding = evaluate(votes("15"))
    assert finding.status == Status.NOT_NOTIFIABLE
    assert finding.rationale.startswith("No concentration")
    assert finding.comparisons == ()  # decided: the dimension is not needed


def test_nothing_recorded_about_control_is_insufficient_data() -> None:
    finding = evaluate()
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "the investor's voting percentage" in finding.missing


# Art 1(2): combined worldwide > EUR 5,000m and each of two > EUR 250m in the EU.
@pytest.mark.parametrize(
    ("worldwide_each", "eu_each", "status"),
    [
        ("2500", "300", Status.NOT_NOTIFIABLE),  # combined 5,000: at the threshold, not above
        ("2500.000001", "300", Status.NOTIFIABLE),  # just above
        ("2499", "300", Status.NOT_NOTIFIABLE),
        ("3000", "250", Status.NOT_NOTIFIABLE),  # EU turnover at the threshold
        ("3000", "250.000001", Status.NOTIFIABLE),
    ],
)
def test_article_1_2(worldwide_each: str, eu_each: str, status: Status) -> None:
    # Member-state figures that do not meet Art 1(3)(b)-(c), spread over two states.
    split = {"DE": str(Decimal(eu_each) / 2), "FR": str(Decimal(eu_each) / 2)}
    both = (turnover(worldwide_each, eu_each, split),)
    finding = evaluate(CONTROL, investor=both, target=both)
    assert finding.status == status
    combined = next(c for c in finding.comparisons if c.what == "combined worldwide turnover")
    assert combined.value == 2 * Decimal(worldwide_each) * 1_000_000
    assert combined.threshold == Decimal(5_000_000_000)


def three_states(each: str) -> dict[str, str]:
    return {"DE": each, "FR": each, "IT": each}


# Art 1(3): combined > 2,500m; >= 3 states with combined > 100m and each > 25m; each EU > 100m.
@pytest.mark.parametrize(
    ("per_state", "status"),
    [
        ("50", Status.NOT_NOTIFIABLE),  # combined per state 100: at the threshold
        ("50.000001", Status.NOTIFIABLE),
    ],
)
def test_article_1_3(per_state: str, status: Status) -> None:
    party = (turnover("1300", "200", three_states(per_state)),)  # below Art 1(2)
    finding = evaluate(CONTROL, investor=party, target=party)
    assert finding.status == status


def test_article_1_3_needs_each_party_above_25m_in_each_state() -> None:
    big = (turnover("2000", "200", three_states("90")),)
    small = (turnover("600", "150", three_states("25")),)
    assert evaluate(CONTROL, investor=big, target=small).status == Status.NOT_NOTIFIABLE


def test_the_two_thirds_rule_removes_the_eu_dimension() -> None:
    mostly_german = (turnover("6000", "3000", {"DE": "2100", "FR": "900"}),)
    finding = evaluate(CONTROL, investor=mostly_german, target=mostly_german)
    assert finding.status == Status.NOT_NOTIFIABLE
    assert any("same Member State" in c.what for c in finding.comparisons)


def test_missing_turnover_is_named_and_never_guessed() -> None:
    finding = evaluate(CONTROL, target=())
    assert finding.status == Status.INSUFFICIENT_DATA
    assert any("turnover of Target" in m for m in finding.missing)
    combined = next(c for c in finding.comparisons if c.what == "combined worldwide turnover")
    assert combined.value is None and combined.met is None


def test_turnover_without_a_stated_rate_or_an_ecb_average_is_missing_never_zero() -> None:
    from compliance.domain.events import TurnoverReported
    from compliance.domain.values import Money

    sek = TurnoverReported(  # the rate table has no SEK: not converted
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal("9000000000"), currency="SEK"),
        eu=Money(amount=Decimal("900000000"), currency="SEK"),
    )  # fmt: skip
    finding = evaluate(CONTROL, target=(sek,))
    assert finding.status == Status.INSUFFICIENT_DATA
    assert any("in EUR" in m and "SEK 900m" in m for m in finding.missing)
    assert all(c.value != 0 for c in finding.comparisons)


def test_turnover_in_usd_is_converted_at_the_ecb_annual_average_and_says_so() -> None:
    from compliance.domain.events import TurnoverReported
    from compliance.domain.values import Money

    usd = TurnoverReported(
        occurred_at=T0, fiscal_year=2023,
        worldwide=Money(amount=Decimal("9000000000"), currency="USD"),
        eu=Money(amount=Decimal("900000000"), currency="USD"),
    )  # fmt: skip
    finding = evaluate(CONTROL, target=(usd,))
    assert finding.status == Status.NOTIFIABLE
    eu = next(c for c in finding.comparisons if c.what.startswith("EU turnover of Target"))
    assert eu.what == (
        "EU turnover of Target (USD 900m at the ECB 2023 annual average, 1.0813 USD per EUR)"
    )
    assert eu.value == Decimal("832331452.88") and type(eu.value) is Decimal


def test_a_finding_names_its_pack_and_events() -> None:
    facts = deal(CONTROL, investor=BIG, target=BIG)
    finding = eumr.evaluate(facts, PACK)
    assert (finding.pack_id, finding.pack_version) == ("eumr@1", "1")
    assert finding.regime == "eumr"
    assert 0 <= finding.score <= 100


def test_non_voting_instruments_count_for_no_votes() -> None:
    note = StakeAcquired(occurred_at=T0, instrument=Instrument.CONVERTIBLE_NOTE)
    finding = evaluate(note)
    assert finding.status == Status.NOT_NOTIFIABLE
    assert "minority" in finding.rationale


def test_shares_whose_votes_are_not_recorded_leave_control_unknown() -> None:
    shares = StakeAcquired(occurred_at=T0, instrument=Instrument.OTHER, equity_pct=Decimal("27"))
    finding = evaluate(shares)
    assert finding.status == Status.INSUFFICIENT_DATA
    assert "the voting percentage carried by the other" in finding.missing


def dated(pct: str, on: str) -> StakeAcquired:
    from datetime import UTC, datetime

    return StakeAcquired(
        occurred_at=datetime.fromisoformat(on).replace(tzinfo=UTC),
        instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal(pct),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first", "counted"),
    [("2022-03-02", True), ("2022-03-01", False)],  # two years before 2024-03-01: not within
)  # fmt: skip
def test_acquisitions_within_two_years_count_as_one_concentration(
    first: str, counted: bool
) -> None:
    finding = evaluate(dated("30", first), dated("30", "2024-03-01"))
    assert finding.status == Status.NOTIFIABLE  # 60 % of the votes in all
    assert ("count as one concentration arising on 2024-03-01" in finding.rationale) is counted
    if counted:
        assert "Art 5(2)" in finding.rationale


def test_a_last_acquisition_on_29_february() -> None:
    finding = evaluate(dated("30", "2022-03-01"), dated("30", "2024-02-29"))
    assert "count as one concentration arising on 2024-02-29" in finding.rationale
