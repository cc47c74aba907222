"""Reading the facts rules need: control, turnover in EUR, designations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from compliance.domain.events import TurnoverReported
from compliance.domain.investments import Investment
from compliance.domain.parties import Party
from compliance.rules.base import DealFacts
from compliance.rules.packs import RulePack

T = TypeVar("T")


def shared(facts: DealFacts, compute: Callable[..., T], *args: Any) -> T:
    """``compute(*args)``, computed once per deal and reused by every regime that asks (the
    rules are pure: the same arguments give the same value). Arguments are told apart by
    identity (a pack, a party of the deal, a date), so an equal but distinct one computes
    again rather than risk a stale value."""
    key = (compute, *map(id, args))
    memo = facts.shared
    hit = memo.get(key)
    if hit is not None and hit[0] == args:  # a tuple compares identical items as equal first
        return hit[1]
    value = compute(*args)
    memo[key] = (args, value)
    return value


@dataclass(frozen=True, slots=True)
class Control:
    """Whether the investor acquires control (EUMR Art 3), and why."""

    level: str  # sole, negative, possible, minority, unknown
    reason: str
    provision: str  # the pack provision it rests on
    missing: tuple[str, ...] = ()

    @property
    def concentration(self) -> bool | None:
        """True: control is acquired; None: it may be; False: it is not."""
        return _CONCENTRATION.get(self.level, False)


_CONCENTRATION: dict[str, bool | None] = {
    "sole": True,
    "negative": True,
    "possible": None,
    "unknown": None,
}


# Instruments that carry no votes while they are held as such (a note votes once converted).
NON_VOTING = frozenset({"non_voting_shares", "convertible_note", "safe", "profit_participation"})


def licence_and_hire(investment: Investment) -> bool:
    """Staff of the target hired and a licence taken (the Microsoft/Inflection pattern)."""
    licensed = any(a.kind == "licensing" for a in investment.agreements.values())
    return bool(investment.personnel_hired and (licensed or investment.licence_fees_eur))


def control(investment: Investment, pack: RulePack) -> Control:
    unknown = sorted(
        h.instrument
        for h in investment.holdings.values()
        if h.voting_pct is None and h.instrument not in NON_VOTING
    )
    votes = investment.total("voting_pct")
    majority = pack.thresholds["sole_control_votes"]
    if votes is not None and votes > majority.value:
        return Control("sole", f"the investor holds {votes} % of the votes", "control")
    if investment.rights.get("veto"):
        return Control(
            "negative",
            "the investor holds veto rights, which may confer decisive influence over "
            "strategic decisions (negative or joint control)",
            "negative_control",
        )
    if licence_and_hire(investment):
        return Control(
            "possible",
            f"the investor hired {investment.personnel_hired} of the target's staff and took a "
            "licence: a licence-and-hire deal may be a concentration",
            "acqui_hire",
        )
    if unknown or (not investment.holdings and not investment.rights):
        return Control(
            "unknown",
            "the votes the investor holds are not recorded"
            + (f" (for its {', '.join(unknown)})" if unknown else ""),
            "control",
            tuple(f"the voting percentage carried by the {i}" for i in unknown)
            or ("the investor's voting percentage", "governance rights granted"),
        )
    held = f"{votes or 0} % of the votes"
    return Control(
        "minority",
        f"a minority position ({held}; non-voting instruments count for none) without rights "
        "recorded that confer decisive influence",
        "control",
    )


def party_figure(facts: DealFacts, compute: Callable[..., T], party: Party, *args: Any) -> T:
    """``compute(party, facts.as_of, *args)`` for a party of the deal: once per deal, or,
    inside ``party_figures_kept()``, once per party as folded (the same object) and date,
    across deals (a rebuild evaluates every deal over the same folded parties)."""
    kept = _KEPT.get()
    if kept is None:
        return shared(facts, compute, party, facts.as_of, *args)
    key = (id(party), facts.as_of)
    entry = kept.get(key)
    if entry is None or entry[0] is not party:  # the entry keeps its party: ids stay unique
        entry = kept[key] = (party, {})
    figures = entry[1]
    asked = (compute, *args)
    if asked in figures:
        return figures[asked]
    value = figures[asked] = compute(party, facts.as_of, *args)
    return value


_KEPT: ContextVar[dict[tuple[int, date], tuple[Party, dict[tuple[Any, ...], Any]]] | None] = (
    ContextVar("party_figures_kept", default=None)
)


@contextmanager
def party_figures_kept() -> Iterator[None]:
    """Within the block, ``party_figure`` keeps each party's figures for every deal it takes
    part in; they are dropped at the end. For many deals over parties folded once."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def deal_control(facts: DealFacts, pack: RulePack) -> Control:
    """``control`` of the deal's investment under ``pack``, once per deal."""
    return shared(facts, control, facts.investment, pack)


def turnover(party: Party, as_of: date) -> TurnoverReported | None:
    """The turnover of the last fiscal year before the year of ``as_of``."""
    years = [year for year in party.turnovers if year < as_of.year]
    return party.turnovers[max(years)] if years else None


@dataclass(frozen=True, slots=True)
class Turnovers:
    """A party's turnover figures in EUR for the year used, and what is missing."""

    fiscal_year: int | None
    worldwide: Decimal | None
    eu: Decimal | None
    member_states: dict[str, Decimal]
    missing: tuple[str, ...]


def turnovers_in_eur(party: Party, as_of: date) -> Turnovers:
    name = party.name or party.stream_id
    reported = turnover(party, as_of)
    if reported is None:
        return Turnovers(
            None, None, None, {}, (f"turnover of {name} for a fiscal year before {as_of.year}",)
        )
    missing = []
    worldwide = reported.worldwide.in_eur() if reported.worldwide else None
    eu = reported.eu.in_eur() if reported.eu else None
    if worldwide is None:
        missing.append(f"worldwide turnover of {name} in EUR (FY {reported.fiscal_year})")
    if eu is None:
        missing.append(f"EU turnover of {name} in EUR (FY {reported.fiscal_year})")
    states = {}
    for country, money in reported.member_states.items():
        value = money.in_eur()
        if value is not None:
            states[country] = value
    return Turnovers(reported.fiscal_year, worldwide, eu, states, tuple(missing))
