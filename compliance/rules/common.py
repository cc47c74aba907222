"""Helpers shared by the national (DE, AT, IT), UK and US regimes: the deal's consideration,
turnover per country, sums with unknown parts, comparisons with a pack threshold, three-valued
logic, what the log records about the investor's links to the target, and building findings.

A sum of amounts that cannot be negative (turnover, money paid) with some parts unknown has a
known lower bound: a "more than" threshold that the known part already exceeds is met whatever
the unknown parts are. Nothing else is inferred: an unknown part is named in ``missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from compliance.domain.investments import Holding, Investment
from compliance.domain.parties import Party
from compliance.domain.values import GovernanceRight, Instrument, Money
from compliance.rules.base import Comparison, DealFacts, Finding, Status
from compliance.rules.facts import NON_VOTING, licence_and_hire, party_figure, shared, turnover
from compliance.rules.money import described, shown, total, turnover_eur, unconvertible
from compliance.rules.packs import RulePack, Threshold

ZERO = Decimal(0)
MILLION = Decimal(1_000_000)

# Instruments that carry no votes while held as such (a convertible carries none until it is
# converted; the fold then moves the holding to the instrument it became).
# Rights that may, with a stake, give influence over the target's decisions.
SEATS_AND_VETO = (GovernanceRight.BOARD_SEAT, GovernanceRight.OBSERVER_SEAT, GovernanceRight.VETO)

Make = Callable[..., Finding]


# ---------------------------------------------------------------- numbers and comparisons


def amount(value: Decimal, unit: str) -> str:
    """``EUR 400m``, ``USD 119.5m``, ``25 %``, ``6 months``: a threshold in words."""
    key = (value, unit, value.is_signed())  # equal values write alike, but for -0 and 0
    text = _amounts.get(key)
    if text is None:
        text = _amounts[key] = _amount(value, unit)
        if len(_amounts) > 4096:  # thresholds are few: never reached with the shipped packs
            _amounts.clear()
    return text


_amounts: dict[tuple[Decimal, str, bool], str] = {}


def _amount(value: Decimal, unit: str) -> str:
    if unit in {"EUR", "GBP", "USD"}:
        return f"{unit} {_plain(value / MILLION)}m"
    if unit == "percent":
        return f"{_plain(value)} %"
    return f"{_plain(value)} {unit}"


def money(m: Money) -> str:
    return f"{m.currency} {m.amount:,.2f}"


def _plain(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def condition(label: str, threshold: Threshold) -> str:
    """``consideration > EUR 400m``: a condition in words."""
    return f"{label} {threshold.operator} {amount(threshold.value, threshold.unit)}"


def compare(what: str, value: Decimal | None, threshold: Threshold) -> Comparison:
    """A value set against a threshold; a converted or group figure says how it was obtained
    (``money.Converted``): "EU turnover of X (USD 1,000m at the ECB 2023 annual average...)"."""
    if type(value) is not Decimal and value is not None:  # a Converted: say how
        said = shown(what, value)
        what, value = said.what, said.value
    return Comparison(
        what, value, threshold.operator, threshold.value, threshold.unit, threshold.citation
    )


def all_met(results: Iterable[bool | None]) -> bool | None:
    """Three-valued AND: False if any is unmet, None if any is unknown, else True."""
    seen = list(results)
    if False in seen:
        return False
    return None if None in seen else True


def any_met(results: Iterable[bool | None]) -> bool | None:
    """Three-valued OR: True if any is met, None if any is unknown, else False."""
    seen = list(results)
    if True in seen:
        return True
    return None if None in seen else False


@dataclass(frozen=True, slots=True)
class Bound:
    """A sum of parts that cannot be negative; ``missing`` names the parts not known."""

    known: Decimal
    missing: tuple[str, ...] = ()

    @property
    def exact(self) -> Decimal | None:
        return None if self.missing else self.known


def exceeds(what: str, bound: Bound, threshold: Threshold) -> tuple[Comparison, tuple[str, ...]]:
    """Compare a sum with a ">" or ">=" threshold, and what is missing to decide. A known
    part that already meets the threshold decides; otherwise an unknown part leaves it open."""
    if bound.exact is not None:
        return compare(what, bound.exact, threshold), ()
    if threshold.operator in {">", ">="}:
        partial = compare(f"{what} (known part only)", bound.known, threshold)
        if partial.met:
            return partial, ()
    return compare(what, None, threshold), bound.missing


def combined(*parts: tuple[Decimal | None, str | None]) -> Bound:
    """The sum of (value, what is missing) pairs: a value with nothing missing is exact; a
    value with something missing is a lower bound (a party's own turnover where its group's
    is not known); no value is unknown. The sum says how its parts were obtained."""
    known = total((v for v, _ in parts if v is not None), ZERO)
    return Bound(known, tuple(m for _, m in parts if m))


@dataclass(slots=True)
class Conditions:
    """The conditions of one legal test in words, whether each is met (None: unknown), the
    numbers compared, and what is missing to decide the unknown ones."""

    met_by: dict[str, bool | None] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(
        self,
        label: str,
        met: bool | None,
        comparisons: Iterable[Comparison] = (),
        missing: Iterable[str] = (),
    ) -> bool | None:
        self.met_by[label] = met
        self.comparisons += comparisons
        if met is None:
            self.missing += missing
        return met

    def exceeds(self, what: str, bound: Bound, threshold: Threshold) -> bool | None:
        """A sum over ``threshold``."""
        compared, missing = exceeds(what, bound, threshold)
        return self.add(condition(what, threshold), compared.met, [compared], missing)

    def parties(
        self,
        what: str,
        figures: Iterable[tuple[Party, tuple[Decimal | None, str | None]]],
        threshold: Threshold,
        *,
        each: bool,
    ) -> bool | None:
        """Each party's figure (``each``) or at least one party's figure over ``threshold``."""
        listed = list(figures)
        compared = [compare(f"{what} of {name(x)}", v, threshold) for x, (v, _) in listed]
        # A value with something missing is a lower bound: it decides only a "more than" met.
        met = (all_met if each else any_met)(
            c.met if not m or (c.met and threshold.operator in {">", ">="}) else None
            for c, (_, (_v, m)) in zip(compared, listed, strict=True)
        )
        label = condition(f"{what} of {'each party' if each else 'one party'}", threshold)
        return self.add(label, met, compared, [m for _, (_v, m) in listed if m])

    @property
    def met(self) -> bool | None:
        return all_met(self.met_by.values())

    def summary(self) -> str:
        """``met``, ``not met (x; y)`` or ``undecided (z unknown)``."""
        failed = [label for label, ok in self.met_by.items() if ok is False]
        if failed:
            return f"not met ({'; '.join(failed)})"
        unknown = [label for label, ok in self.met_by.items() if ok is None]
        return f"undecided ({'; '.join(unknown)}: unknown)" if unknown else "met"


def months_between(start: date, end: date) -> Decimal:
    """Calendar months from ``start`` to ``end`` (0 if ``end`` is earlier), days past the
    last monthly anniversary as a fraction of that month (two decimals): a deal that closed on
    2024-01-15 is 6 months old on 2024-07-15 and 6.16 on 2024-07-20; one that closed on a
    month's last day has its anniversary on each month's last day."""
    if end <= start:
        return Decimal(0)
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _last_day(end):
        months -= 1
    anniversary = _add_months(start, months)
    days = (end - anniversary).days
    if days <= 0:
        return Decimal(months)
    span = (_add_months(start, months + 1) - anniversary).days
    return (Decimal(months) + Decimal(days) / Decimal(span)).quantize(Decimal("0.01"))


def _add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, on the month's last day where it has fewer days."""
    year, month = divmod(day.month - 1 + months, 12)
    first = date(day.year + year, month + 1, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


def _last_day(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month


# ---------------------------------------------------------------- the deal's money


def consideration_eur(investment: Investment) -> Bound:
    """The deal's consideration in EUR as recorded in its stream: money paid for stakes plus
    licence fees. Amounts in another currency without a stated rate are not converted."""
    missing = tuple(
        f"a EUR rate for {money(m)} recorded in the deal's stream" for m in investment.unconverted
    )
    known = investment.invested_eur + investment.licence_fees_eur
    if not known and not missing:
        missing = ("the consideration: no amount paid is recorded in the deal's stream",)
    return Bound(known, missing)


# ---------------------------------------------------------------- turnover


def name(party: Party) -> str:
    return party.name or party.stream_id


def worldwide_eur(party: Party, as_of: date) -> tuple[Decimal | None, str | None]:
    """A party's worldwide turnover in EUR for the last fiscal year before ``as_of``'s year,
    or None and what is missing."""
    reported = turnover(party, as_of)
    if reported is None:
        return None, f"turnover of {name(party)} for a fiscal year before {as_of.year}"
    return _eur(
        reported.worldwide, f"worldwide turnover of {name(party)}", reported.fiscal_year,
        name(party),
    )  # fmt: skip


def deal_worldwide(facts: DealFacts, party: Party) -> tuple[Decimal | None, str | None]:
    """``worldwide_eur`` of a party of the deal as of its date (see ``party_figure``)."""
    return party_figure(facts, worldwide_eur, party)


def country_eur(
    party: Party, as_of: date, country: str, adjective: str
) -> tuple[Decimal | None, str | None]:
    """A party's turnover in one country (``member_states[country]``) in EUR, or None and
    what is missing. A country absent from the report is unknown, not zero."""
    reported = turnover(party, as_of)
    if reported is None:
        return None, f"{adjective} turnover of {name(party)} for a fiscal year before {as_of.year}"
    figure = reported.member_states.get(country)
    return _eur(figure, f"{adjective} turnover of {name(party)}", reported.fiscal_year, name(party))


def _eur(
    figure: Money | None, what: str, year: int, whose: str = ""
) -> tuple[Decimal | None, str | None]:
    """A turnover of fiscal ``year`` in EUR at the rate the law prescribes (``money``), saying
    how it was converted; unknown, and named, where it cannot be: never EUR 0."""
    if figure is None:
        return None, f"{what} (FY {year})"
    value = turnover_eur(figure, year)
    if value is None:
        return None, f"the {what} in EUR: {unconvertible(figure, year)}"
    basis = getattr(value, "basis", "")  # whose figure, where sums list several
    return (described(Decimal(value), f"{whose}: {basis}") if basis else value), None


# ---------------------------------------------------------------- links to the target


def holding_text(held: Holding) -> str:
    shares = [
        f"{value} % of the {label}"
        for value, label in (
            (held.voting_pct, "votes"),
            (held.equity_pct, "equity"),
            (held.fully_diluted_pct, "shares, fully diluted"),
        )
        if value is not None
    ]
    kind = instrument_text(held)
    return f"{kind} with {', '.join(shares)}" if shares else kind


def instrument_text(held: Holding) -> str:
    """``convertible note``; ``another instrument`` for OTHER."""
    if held.instrument == Instrument.OTHER:
        return "another instrument"
    return str(held.instrument).replace("_", " ")


def links(investment: Investment) -> list[str]:
    """Recorded stakes, board or observer seats, vetoes and licence-and-hire, in words."""
    found = [f"a stake in {holding_text(h)}" for h in investment.holdings.values()]
    for right in SEATS_AND_VETO:
        count = investment.rights.get(right, 0)
        if count:
            found.append(f"{count} {str(right).replace('_', ' ')}{'s' if count > 1 else ''}")
    if licence_and_hire(investment):
        found.append(f"a licence-and-hire ({investment.personnel_hired} staff hired)")
    return found


def deal_links(facts: DealFacts) -> list[str]:
    """``links`` of the deal's investment, once per deal (do not change the list)."""
    return shared(facts, links, facts.investment)


def anything_recorded(investment: Investment) -> bool:
    """Whether the stream records anything beyond the announcement."""
    return bool(
        investment.holdings
        or investment.rights
        or investment.agreements
        or investment.personnel_hired
        or investment.invested_eur
        or investment.licence_fees_eur
        or investment.unconverted
    )


@dataclass(frozen=True, slots=True)
class Votes:
    """The investor's share of the votes: ``known`` sums the stated voting percentages (a
    non-voting instrument counts as none); ``unknown`` lists holdings whose votes are not
    stated, so ``known`` is then only a lower bound."""

    known: Decimal
    unknown: tuple[str, ...]
    non_voting: tuple[str, ...]

    @property
    def exact(self) -> Decimal | None:
        return None if self.unknown else self.known


def votes(investment: Investment) -> Votes:
    known, unknown, non_voting = ZERO, [], []
    for held in investment.holdings.values():
        if held.voting_pct is not None:
            known += held.voting_pct
        elif held.instrument in NON_VOTING:
            non_voting.append(instrument_text(held))
        else:
            unknown.append(instrument_text(held))
    return Votes(known, tuple(unknown), tuple(non_voting))


# ---------------------------------------------------------------- findings


def finder(facts: DealFacts, pack: RulePack, regime: str) -> Make:
    """A function building this deal's findings under ``pack``."""

    def make(status: Status, score: int, rationale: str, citation: str, **kw: Any) -> Finding:
        return Finding(
            investment_id=facts.investment.stream_id, regime=regime, status=status, score=score,
            rationale=rationale, citation=citation, pack_id=pack.pack_id,
            pack_version=pack.version, event_ids=facts.event_ids,
            context_only=pack.context_only, **kw,
        )  # fmt: skip

    return make


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
