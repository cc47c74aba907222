"""Reading the facts rules need: control, turnover in EUR (of the undertaking's group, at the
rate the law prescribes), designations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from compliance.domain.events import TurnoverReported
from compliance.domain.investments import Assessment, Investment
from compliance.domain.parties import Party
from compliance.rules.assessments import said
from compliance.rules.base import DealFacts
from compliance.rules.money import Converted, described, turnover_eur, unconvertible
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
    "joint": True,
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
    """A turnover figure of a party of the deal: ``compute(owner, facts.as_of, *args)``, where
    the owner is the party's undertaking (EUMR Art 5(4)): its ultimate group parent where that
    parent reported a turnover for the year (the figure then says "group turnover of ..."),
    else the party itself, whose own figure is then only a lower bound, the group's turnover
    being named as missing (see ``undertaking``). Computed once per deal, or, inside
    ``party_figures_kept()``, once per party as folded (the same object) and date, across
    deals (a rebuild evaluates every deal over the same folded parties)."""
    if party.group_parent_id is None:  # its own group: no parent recorded
        return _figure(facts, compute, party, *args)
    owner = undertaking(facts, party)
    value = in_group(_figure(facts, compute, owner.figures, *args), owner, facts.as_of)
    if owner.group and isinstance(value, tuple) and value[0] is None:
        # The parent reported the year but not this figure (or in a currency with no rate):
        # the party's own figure is still a lower bound of its group's.
        alone = Undertaking(party, party, False, owner.ultimate)
        own = in_group(_figure(facts, compute, party, *args), alone, facts.as_of)
        if isinstance(own, tuple) and own[0] is not None:
            return cast(T, own)
    return value


def _figure(facts: DealFacts, compute: Callable[..., T], party: Party, *args: Any) -> T:
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


def deal_control(facts: DealFacts, pack: RulePack, regime: str = "eumr") -> Control:
    """``control`` of the deal's investment under ``pack``, once per deal; a sourced
    assessment of control (``JurisdictionAssessed``) for ``regime``, else for the EUMR,
    decides over the votes."""
    stated = facts.investment.assessed(regime, "control") or facts.investment.assessed(
        "eumr", "control"
    )
    if stated is not None and stated.control is not None:
        return shared(facts, _assessed_control, stated)
    return shared(facts, control, facts.investment, pack)


_ASSESSED_LEVEL = {"sole": "sole", "joint": "joint", "material_influence": "minority",
                   "none": "minority"}  # fmt: skip


def _assessed_control(stated: Assessment) -> Control:
    assert stated.control is not None
    level = _ASSESSED_LEVEL[stated.control]
    words = {"sole": "sole control", "joint": "joint control",
             "material_influence": "material influence but not control",
             "none": "no control"}[stated.control]  # fmt: skip
    return Control(level, f"the investor acquires {words}, {said(stated)}", "control")


def turnover(party: Party, as_of: date) -> TurnoverReported | None:
    """The turnover of the last fiscal year before the year of ``as_of``."""
    years = [year for year in party.turnovers if year < as_of.year]
    return party.turnovers[max(years)] if years else None


# ---------------------------------------------------------------- groups (EUMR Art 5(4))


def group_of(facts: DealFacts, party: Party) -> tuple[Party, ...]:
    """The party's group parents as recorded (``group_parent_id``), nearest first, up to the
    ultimate parent. A parent the deal's facts do not hold ends the chain as an unregistered
    party (no figures); a parent met twice (a cycle) ends it before the repeat."""
    chain: list[Party] = []
    seen = {party.stream_id}
    parent_id = party.group_parent_id
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent = _party(facts, parent_id)
        chain.append(parent)
        parent_id = parent.group_parent_id
    return tuple(chain)


def _party(facts: DealFacts, stream_id: str) -> Party:
    for known in (facts.investor, facts.target):
        if known.stream_id == stream_id:
            return known
    return facts.groups.get(stream_id) or Party(stream_id=stream_id)


@dataclass(frozen=True, slots=True)
class Undertaking:
    """Whose turnover counts for a party of the deal (EUMR Art 5(4)): ``figures`` is the
    party whose reported figures are used; ``exact`` is False when the group's turnover is
    not known, so that those figures are only a lower bound of it."""

    party: Party
    figures: Party
    exact: bool
    ultimate: Party | None  # the top of the party's group, if it has a recorded parent

    @property
    def group(self) -> bool:
        return self.figures is not self.party


def undertaking(facts: DealFacts, party: Party) -> Undertaking:
    """The ultimate parent where it reported a turnover for the year; otherwise the highest
    member of the chain (the party included) that did, as a lower bound; the party itself
    when none did."""
    chain = group_of(facts, party)
    if not chain:
        return Undertaking(party, party, True, None)
    ultimate = chain[-1]
    if turnover(ultimate, facts.as_of) is not None:
        return Undertaking(party, ultimate, True, ultimate)
    for member in reversed((party, *chain[:-1])):
        if turnover(member, facts.as_of) is not None:
            return Undertaking(party, member, False, ultimate)
    return Undertaking(party, party, False, ultimate)


def group_missing(owner: Undertaking, as_of: date) -> str:
    ultimate = owner.ultimate
    assert ultimate is not None
    return (
        f"the group's turnover: turnover of {_name(ultimate)}, ultimate parent of "
        f"{_name(owner.party)}, for a fiscal year before {as_of.year}"
    )


def in_group(value: T, owner: Undertaking, as_of: date) -> T:
    """A figure computed for ``owner.figures``, read as the party's undertaking's: said to be
    the group's where it is; a lower bound, with the group's turnover missing, where the
    group's turnover is not known. ``value`` is a ``Turnovers`` or a ``(value, missing)``
    pair."""
    if owner.exact and not owner.group:
        return value
    if isinstance(value, Turnovers):
        return cast(T, _turnovers_in_group(value, owner, as_of))
    return cast(T, _pair_in_group(cast(Figure, value), owner, as_of))


Figure = tuple[Decimal | None, str | None]


def _turnovers_in_group(value: Turnovers, owner: Undertaking, as_of: date) -> Turnovers:
    if owner.exact:
        said = f"group turnover of {_name(owner.figures)}"
        return Turnovers(
            value.fiscal_year,
            _said(value.worldwide, said),
            _said(value.eu, said),
            {k: described(v, said) for k, v in value.member_states.items()},
            value.missing,
            value.unconverted,
        )
    # The rules compare these figures as exact: unknown, with the group's turnover missing.
    lacking = group_missing(owner, as_of)
    return Turnovers(
        value.fiscal_year, None, None, {}, (*value.missing, lacking), value.unconverted
    )


def _pair_in_group(value: Figure, owner: Undertaking, as_of: date) -> Figure:
    figure, missing = value
    owner_name = _name(owner.figures)
    if owner.exact:
        if figure is None:
            return None, missing
        # "group turnover of X: USD 50,000m at ..." where the figure says "X: USD ...".
        basis = getattr(figure, "basis", "").removeprefix(f"{owner_name}: ")
        said = f"group turnover of {owner_name}" + (f": {basis}" if basis else "")
        return Converted(Decimal(figure), said), missing
    lacking = group_missing(owner, as_of)
    if figure is None:
        return None, f"{missing}; {lacking}" if missing else lacking
    return described(figure, f"turnover of {owner_name} only, a lower bound of its group's"), (
        lacking
    )


def _said(value: Decimal | None, basis: str) -> Decimal | None:
    return None if value is None else described(value, basis)


def _name(party: Party) -> str:
    return party.name or party.stream_id


@dataclass(frozen=True, slots=True)
class Turnovers:
    """A party's turnover figures in EUR for the year used, and what is missing. A figure in
    another currency is converted at the rate the law prescribes (``money.turnover_eur``) and
    says how; one that cannot be converted is unknown (named in ``missing``; a member state's
    is listed in ``unconverted``), never zero."""

    fiscal_year: int | None
    worldwide: Decimal | None
    eu: Decimal | None
    member_states: dict[str, Decimal]
    missing: tuple[str, ...]
    unconverted: tuple[str, ...] = ()  # member states whose figure has no EUR rate


def turnovers_in_eur(party: Party, as_of: date) -> Turnovers:
    name = party.name or party.stream_id
    reported = turnover(party, as_of)
    if reported is None:
        return Turnovers(
            None, None, None, {}, (f"turnover of {name} for a fiscal year before {as_of.year}",)
        )
    year = reported.fiscal_year
    missing = []
    worldwide = turnover_eur(reported.worldwide, year) if reported.worldwide else None
    eu = turnover_eur(reported.eu, year) if reported.eu else None
    if reported.worldwide is None:
        missing.append(f"worldwide turnover of {name} (FY {year})")
    elif worldwide is None:
        missing.append(
            f"worldwide turnover of {name} in EUR: {unconvertible(reported.worldwide, year)}"
        )
    if reported.eu is None:
        missing.append(f"EU turnover of {name} (FY {year})")
    elif eu is None:
        missing.append(f"EU turnover of {name} in EUR: {unconvertible(reported.eu, year)}")
    states: dict[str, Decimal] = {}
    unconverted = []
    for country, figure in reported.member_states.items():
        value = turnover_eur(figure, year)
        if value is None:
            unconverted.append(country)
            missing.append(f"turnover of {name} in {country} in EUR: {unconvertible(figure, year)}")
        else:
            states[country] = value
    if unconverted:  # a partial list would read as complete: none is given
        states = {}
    return Turnovers(year, worldwide, eu, states, tuple(missing), tuple(unconverted))
