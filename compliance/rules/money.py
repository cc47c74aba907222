"""Amounts in EUR at the rate the law prescribes for each figure, and the rate shown.

Turnover of a fiscal year in another currency is converted at the ECB's average reference
rate of that year (``rates/ecb.toml``: sourced annual averages, loaded and checked at start-up
like the rule packs). A figure that carries its own recorded rate (``Money.eur_rate``, with
the rate's date and source) keeps it. A currency or year the table lacks is not converted:
the figure stays unknown, never EUR 0.

The result is a :class:`Converted` amount: a ``Decimal`` that also says how it was obtained
(``basis``), so that a comparison can show it ("USD 1,000m at the ECB 2023 annual average,
1.0813 USD per EUR"). Arithmetic on it gives a plain ``Decimal``: a sum says nothing of its
parts' bases unless it is built with :func:`total`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.domain.values import Money

RATES = Path(__file__).parent / "rates" / "ecb.toml"
CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)

Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class RateTable(BaseModel):
    """ECB annual averages: units of each currency per EUR, by year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    citation: Annotated[str, Field(min_length=1)]
    method: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[Url], Field(min_length=1)]
    read_from: Url
    rule: Annotated[str, Field(min_length=1)]
    rule_sources: Annotated[list[Url], Field(min_length=1)]
    years: dict[
        Annotated[int, Field(ge=1999, le=2200)], dict[Currency, Annotated[Decimal, Field(gt=0)]]
    ]

    def annual_average(self, currency: str, year: int) -> Decimal | None:
        return self.years.get(year, {}).get(currency)


class RatesError(Exception):
    pass


def read(path: Path = RATES) -> RateTable:
    """The table at ``path``; raises :class:`RatesError` naming the problem."""
    try:
        table = RateTable.model_validate(
            tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        )
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RatesError(f"{path}: {exc}") from exc
    euro = [year for year, rates in table.years.items() if "EUR" in rates]
    if euro:
        raise RatesError(f"{path}: EUR has no rate against itself (years {euro})")
    return table


@cache
def table() -> RateTable:
    """The shipped table, read once."""
    return read()


def check(path: Path | None = None) -> list[str]:
    """The problems with the rate table (default: the shipped one)."""
    try:
        read(path or RATES)
    except RatesError as exc:
        return [str(exc)]
    return []


class Converted(Decimal):
    """An amount in EUR that says how it was obtained (``basis``; empty: it was in EUR)."""

    basis: str

    def __new__(cls, value: Decimal, basis: str = "") -> Converted:
        self = super().__new__(cls, value)
        self.basis = basis
        return self

    def __repr__(self) -> str:
        return f"Converted({str(self)!r}, {self.basis!r})"

    def __reduce__(self) -> tuple[type[Converted], tuple[str, str]]:  # type: ignore[override]
        return (type(self)._restore, (str(self), self.basis))  # type: ignore[return-value]

    @classmethod
    def _restore(cls, value: str, basis: str) -> Converted:
        return cls(Decimal(value), basis)


def millions(m: Money) -> str:
    """``USD 1,000m``, ``GBP 12.5m`` (to the nearest EUR 10,000, for reading; the value
    converted is exact), ``USD 12,345.67`` below a million: an amount in words."""
    if m.amount < MILLION:
        return f"{m.currency} {m.amount:,.2f}"
    return f"{m.currency} {(m.amount / MILLION).quantize(CENT).normalize():,f}m"


def turnover_eur(m: Money, fiscal_year: int) -> Decimal | None:
    """A turnover of ``fiscal_year`` in EUR: as is if in EUR (a plain ``Decimal``); at the
    rate recorded with it; else at the ECB's annual average of that year (a ``Converted``
    saying how); None if the table has no such rate."""
    if m.currency == "EUR":
        return m.amount
    if m.eur_rate is not None:
        recorded = m.in_eur()
        assert recorded is not None
        stated = ", ".join(str(s) for s in (m.eur_rate_date, m.eur_rate_source) if s)
        return Converted(
            recorded,
            f"{millions(m)} at the recorded rate of {m.eur_rate.normalize():f} EUR per "
            f"{m.currency}" + (f" ({stated})" if stated else ""),
        )
    rate = table().annual_average(m.currency, fiscal_year)
    if rate is None:
        return None
    return Converted(
        (m.amount / rate).quantize(CENT),
        f"{millions(m)} at the ECB {fiscal_year} annual average, {rate} {m.currency} per EUR",
    )


def unconvertible(m: Money, fiscal_year: int) -> str:
    """What is missing to convert ``m``: in words, for a finding's ``missing``."""
    return (
        f"a EUR rate for {millions(m)} (FY {fiscal_year}): no recorded rate and no ECB "
        f"{fiscal_year} annual average for {m.currency} in the rate table"
    )


def described(value: Decimal, basis: str) -> Decimal:
    """``value`` with ``basis`` added to what it already says."""
    before = getattr(value, "basis", "")
    joined = "; ".join(b for b in (basis, before) if b)
    return Converted(value, joined) if joined else value


def total(values: Iterable[Decimal], start: Decimal = Decimal(0)) -> Decimal:
    """The sum, saying the bases of its parts (a plain ``Decimal`` if none has one)."""
    parts = list(values)
    value = sum(parts, start)
    if all(type(v) is Decimal for v in parts):
        return value
    bases = [b for b in (getattr(v, "basis", "") for v in parts) if b]
    return Converted(value, "; ".join(bases)) if bases else value


@dataclass(frozen=True, slots=True)
class Shown:
    """A comparison's subject and value once the conversion is written out."""

    what: str
    value: Decimal | None


def shown(what: str, value: Decimal | None) -> Shown:
    """``what`` with the value's basis in brackets, and the value as a plain ``Decimal``."""
    basis = getattr(value, "basis", "")
    if value is None:
        return Shown(what, None)
    plain = Decimal(value) if isinstance(value, Converted) else value
    return Shown(f"{what} ({basis})" if basis else what, plain)
