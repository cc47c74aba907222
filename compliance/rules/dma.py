"""DMA Art 14: a designated gatekeeper must inform the Commission of any concentration
involving digital-sector services, whether or not it is notifiable, from its designation on.

Who is a gatekeeper, on the deal's date: a designation (or its revocation) recorded in the
log for the investor or one of its group parents wins for that party; otherwise the pack's
list of the Commission's designations, matched against the registered names of the investor
and of its group parents (``normalised``). The list says "not a gatekeeper" only for a date
within the period for which its sources show it complete; outside it, a name not listed
leaves the question open."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compliance.domain.parties import Party
from compliance.rules import common, eumr
from compliance.rules.base import NEGATIVE, DealFacts, Finding, Status
from compliance.rules.facts import deal_control, group_of
from compliance.rules.packs import Designated, RulePack, pack_for

REGIME = "dma_art14"
NO = NEGATIVE[REGIME]  # the regime's "no"

# Words of a company's legal form, dropped before names are compared.
LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "company", "llc", "ltd", "limited"}
    | {"plc", "holding", "holdings", "group", "sa", "se", "ag", "gmbh", "nv", "bv", "ab"}
    | {"as", "spa", "srl"}
)


@lru_cache(maxsize=4096)
def normalised(name: str) -> str:
    """A name as compared with the designated undertakings': accents and case dropped, every
    run of other characters than letters and digits a single space, the words of a legal
    form removed ("Amazon.com, Inc." -> "amazon com"; "Booking Holdings Inc." -> "booking")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return " ".join(w for w in words if w not in LEGAL_FORMS)


@dataclass(frozen=True, slots=True)
class Gatekeeper:
    """Whether the investor's group holds a gatekeeper designation on the date, and why."""

    gatekeeper: bool | None  # None: the records and the list cannot tell
    reason: str
    score: int = 0
    missing: tuple[str, ...] = ()


def _listed(pack: RulePack, party: Party) -> Designated | None:
    if pack.designations is None or not party.name:
        return None
    return _by_name(pack).get(normalised(party.name))


_BY_NAME: dict[int, tuple[RulePack, dict[str, Designated]]] = {}


def _by_name(pack: RulePack) -> dict[str, Designated]:
    """The pack's designated undertakings by normalised name and alias, built once per pack
    (the entry keeps its pack, so that an id is never reused for another)."""
    entry = _BY_NAME.get(id(pack))
    if entry is None or entry[0] is not pack:
        names: dict[str, Designated] = {}
        for designated in pack.designations.undertakings if pack.designations else ():
            for name in (designated.undertaking, *designated.aliases):
                if normalised(name):
                    names.setdefault(normalised(name), designated)
        entry = _BY_NAME[id(pack)] = (pack, names)
    return entry[1]


def gatekeeper(facts: DealFacts, pack: RulePack) -> Gatekeeper:
    investor = facts.investor
    group = (investor, *group_of(facts, investor))
    named = investor.name or investor.stream_id
    for member in group:  # a recorded designation wins for the party it was recorded on
        designation = member.designations.get("DMA")
        if designation is None:
            continue
        who = named if member is investor else f"{named}'s group parent {_name(member)}"
        if member.is_gatekeeper("DMA", on=facts.as_of):
            return Gatekeeper(
                True, f"{who} is a designated gatekeeper (designation recorded in the log)"
            )
        if facts.as_of < designation.designated_on:
            return Gatekeeper(
                False,
                f"{who} was not a gatekeeper on {facts.as_of} (designated on "
                f"{designation.designated_on}); the duty applies from designation",
                5,
            )
        return Gatekeeper(False, f"{who}'s designation was revoked on {designation.revoked_on}", 5)
    for member in group:
        listed = _listed(pack, member)
        if listed is None:
            continue
        who = named if member is investor else f"{named} (group of {_name(member)})"
        designated = (
            f"{listed.undertaking} designated on {listed.designated_on} ({listed.citation}; "
            f"{listed.sources[0]})"
        )
        if facts.as_of < listed.designated_on:
            return Gatekeeper(
                False,
                f"{who} was not a gatekeeper on {facts.as_of}: {designated}; the duty "
                "applies from designation",
                5,
            )
        return Gatekeeper(True, f"{who} is a gatekeeper: {designated}")
    names = ", ".join(_name(m) for m in group)
    listing = pack.designations
    if listing is not None and listing.complete_from <= facts.as_of <= listing.complete_to:
        undertakings = ", ".join(d.undertaking for d in listing.undertakings)
        return Gatekeeper(
            False,
            f"{names} {'is' if len(group) == 1 else 'are'} not among the gatekeepers the "
            f"Commission had designated by {facts.as_of} ({undertakings}: {listing.citation})",
        )
    if listing is None:
        return Gatekeeper(False, f"{named} is not a designated gatekeeper")
    return Gatekeeper(
        None,
        f"{names} {'is' if len(group) == 1 else 'are'} not among the gatekeepers the pack lists, "
        f"a list complete only to {listing.complete_to}",
        40,
        (
            f"whether {named} or its group was designated a DMA gatekeeper between "
            f"{listing.complete_to} and {facts.as_of} (a GatekeeperDesignated event, or a "
            "newer rule pack)",
        ),
    )


def _name(party: Party) -> str:
    return party.name or party.stream_id


def evaluate(facts: DealFacts, pack: RulePack) -> Finding:
    duty = pack.provisions["art_14_1"]

    make = common.finder(facts, pack, REGIME)

    def finding(status: Status, score: int, rationale: str, **kw: Any) -> Finding:
        return make(status, score, rationale, duty.citation, **kw)

    investor = facts.investor.name or facts.investor.stream_id
    status = gatekeeper(facts, pack)
    if status.gatekeeper is False:
        return finding(NO, status.score, f"{status.reason}.")
    eumr_pack = pack_for(eumr.REGIME, facts.as_of)
    if eumr_pack is None:
        return finding(Status.INSUFFICIENT_DATA, 50, "No EUMR rule pack for that date.")
    c = deal_control(facts, eumr_pack, REGIME)
    if status.gatekeeper is None:
        if c.concentration is False:  # decisive whatever the designation
            return finding(
                NO, 5,
                f"Whether {investor} is a gatekeeper is open ({status.reason}), but {c.reason}: "
                "Art 14 presupposes an Art 3 EUMR concentration.",
            )  # fmt: skip
        return finding(
            Status.INSUFFICIENT_DATA, status.score,
            f"{status.reason}: whether {investor} was a gatekeeper on {facts.as_of} is not "
            "known.",
            missing=status.missing + (c.missing if c.level == "unknown" else ()),
        )  # fmt: skip
    if c.concentration is False:
        return finding(
            NO, 10,
            f"{status.reason}, but {c.reason}: Art 14 presupposes an Art 3 EUMR concentration.",
        )  # fmt: skip
    if c.level == "unknown":
        return finding(
            Status.INSUFFICIENT_DATA, 50,
            f"{status.reason}; whether the deal is a concentration is unknown: {c.reason}.",
            missing=c.missing,
        )  # fmt: skip
    maybe = "may be" if c.concentration is None else "is"
    return finding(
        Status.INFORMATION_DUTY, 85 if c.concentration else 70,
        f"{status.reason}, and the deal {maybe} a concentration ({c.reason}): inform the "
        "Commission before implementing it, whether or not it is notifiable. The target is "
        "tracked as an AI developer, which provides digital-sector services; confirm for the "
        "target's actual activities.",
    )  # fmt: skip
