"""Reading the facts rules need: control, turnover in EUR, designations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from compliance.domain.events import TurnoverReported
from compliance.domain.investments import Investment
from compliance.domain.parties import Party
from compliance.rules.packs import RulePack


@dataclass(frozen=True)
class Control:
    """Whether the investor acquires control (EUMR Art 3), and why."""

    level: str  # sole, negative, possible, minority, unknown
    reason: str
    provision: str  # the pack provision it rests on
    missing: tuple[str, ...] = ()

    @property
    def concentration(self) -> bool | None:
        """True: control is acquired; None: it may be; False: it is not."""
        return {"sole": True, "negative": True, "possible": None, "unknown": None}.get(
            self.level, False
        )


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


def turnover(party: Party, as_of: date) -> TurnoverReported | None:
    """The turnover of the last fiscal year before the year of ``as_of``."""
    years = [year for year in party.turnovers if year < as_of.year]
    return party.turnovers[max(years)] if years else None


@dataclass(frozen=True)
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
