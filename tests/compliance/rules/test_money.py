"""Amounts in EUR at the rate the law prescribes: the ECB annual average of the fiscal year
for turnover (compliance/rules/rates/ecb.toml), or the rate recorded with the figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from compliance.domain.events import TurnoverReported
from compliance.domain.values import Money
from compliance.rules import money
from compliance.rules.facts import turnovers_in_eur
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import party

BILLION = Decimal(1_000_000_000)


def usd(billions: str) -> Money:
    return Money(amount=Decimal(billions) * BILLION, currency="USD")


def test_the_shipped_table_loads_and_covers_usd_and_gbp_for_2004_to_2025() -> None:
    assert money.check() == []
    table = money.table()
    for year in range(2004, 2026):
        assert table.annual_average("USD", year) is not None, year
        assert table.annual_average("GBP", year) is not None, year
    assert table.annual_average("USD", 2023) == Decimal("1.0813")
    assert table.annual_average("GBP", 2023) == Decimal("0.86979")
    assert all(s.startswith("https://") for s in table.sources)


def test_turnover_is_converted_at_the_annual_average_of_its_fiscal_year() -> None:
    fy2022 = money.turnover_eur(usd("1"), 2022)
    fy2023 = money.turnover_eur(usd("1"), 2023)
    assert fy2022 == Decimal("949667616.33")  # USD 1bn / 1.0530
    assert fy2023 == Decimal("924812725.42")  # USD 1bn / 1.0813
    assert fy2023 is not None
    assert (
        getattr(fy2023, "basis", "")
        == "USD 1,000m at the ECB 2023 annual average, 1.0813 USD per EUR"
    )


def test_a_recorded_rate_is_kept_and_shown() -> None:
    recorded = Money(
        amount=BILLION, currency="USD", eur_rate=Decimal("0.9"),
        eur_rate_date=date(2023, 12, 29), eur_rate_source="the party's annual report",
    )  # fmt: skip
    value = money.turnover_eur(recorded, 2023)
    assert value == Decimal("900000000.00")
    assert value is not None
    assert getattr(value, "basis", "") == (
        "USD 1,000m at the recorded rate of 0.9 EUR per USD (2023-12-29, the party's annual report)"
    )


def test_a_year_or_currency_the_table_lacks_is_unknown_never_zero() -> None:
    assert money.turnover_eur(usd("1"), 2003) is None
    assert money.turnover_eur(Money(amount=BILLION, currency="SEK"), 2023) is None
    reported = TurnoverReported(
        occurred_at=T0, fiscal_year=2003, worldwide=usd("5"), eu=usd("1"),
        member_states={"DE": usd("0.5"), "FR": Money(amount=BILLION, currency="EUR")},
    )  # fmt: skip
    figures = turnovers_in_eur(party("party-x", "X", reported), date(2004, 6, 1))
    assert (figures.worldwide, figures.eu, figures.member_states) == (None, None, {})
    assert figures.unconverted == ("DE",)
    assert any("USD 5,000m (FY 2003)" in m and "no ECB 2003 annual average" in m
               for m in figures.missing)  # fmt: skip


def test_eur_is_itself_and_says_nothing() -> None:
    value = money.turnover_eur(Money(amount=BILLION, currency="EUR"), 2023)
    assert value == BILLION
    assert type(value) is Decimal  # a plain amount: nothing to say


def test_a_comparison_shows_the_basis_and_keeps_a_plain_decimal() -> None:
    value = money.turnover_eur(usd("1"), 2023)
    assert value is not None
    said = money.shown("EU turnover of X", value)
    assert said.what == (
        "EU turnover of X (USD 1,000m at the ECB 2023 annual average, 1.0813 USD per EUR)"
    )
    assert type(said.value) is Decimal
    assert type(value + value) is Decimal  # arithmetic says nothing of the basis
    total = money.total([value, Decimal(1)])
    assert total == value + 1 and getattr(total, "basis", "") == getattr(value, "basis", "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not toml [", "Expected"),
        ('citation = "x"', "Field required"),
    ],
)
def test_a_bad_rate_table_is_refused_with_its_path(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "ecb.toml"
    path.write_text(text, encoding="utf-8")
    (error,) = money.check(path)
    assert str(path) in error and problem in error


def test_a_rate_must_be_positive(tmp_path: Path) -> None:
    shipped = money.RATES.read_text(encoding="utf-8")
    path = tmp_path / "ecb.toml"
    path.write_text(shipped.replace("USD = 1.0813", "USD = 0"), encoding="utf-8")
    (error,) = money.check(path)
    assert "greater than 0" in error


def test_a_bad_rate_table_fails_the_start_up_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance import checks

    assert checks.check_exchange_rates() == []
    path = tmp_path / "ecb.toml"
    path.write_text('citation = "x"\n', encoding="utf-8")
    monkeypatch.setattr(money, "RATES", path)
    assert [e.id for e in checks.check_exchange_rates()] == ["compliance.E002"]
