"""Build deals in memory for the rules' tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from compliance.domain import investments, parties
from compliance.domain import proceedings as proceedings_module
from compliance.domain.events import (
    GatekeeperDesignated,
    InvestmentAnnounced,
    PartyRegistered,
    TurnoverReported,
)
from compliance.domain.values import Money, PartyKind
from compliance.rules.base import DealFacts
from compliance.rules.packs import RulePack, pack_for
from events.types import Event
from tests.compliance.domain.helpers import T0, history

M = Decimal(1_000_000)
AS_OF = date(2024, 6, 1)


def eur(millions: str | Decimal) -> Money:
    return Money(amount=Decimal(millions) * M, currency="EUR")


def turnover(
    worldwide: str | None, eu: str | None, states: dict[str, str] | None = None, year: int = 2023
) -> TurnoverReported:
    return TurnoverReported(
        occurred_at=T0,
        fiscal_year=year,
        worldwide=eur(worldwide) if worldwide is not None else None,
        eu=eur(eu) if eu is not None else None,
        member_states={k: eur(v) for k, v in (states or {}).items()},
    )


def party(stream_id: str, name: str, *events: Event) -> parties.Party:
    registered = PartyRegistered(occurred_at=T0, name=name, kind=PartyKind.COMPANY, country="US")
    return parties.fold(stream_id, history(stream_id, registered, *events))


def gatekeeper(on: str = "2023-09-05") -> GatekeeperDesignated:
    return GatekeeperDesignated(
        occurred_at=T0, regime="DMA", designated_on=date.fromisoformat(on),
        core_platform_services=["Windows PC OS"],
    )  # fmt: skip


def deal(
    *investment_events: Event,
    investor: tuple[Event, ...] = (),
    target: tuple[Event, ...] = (),
    as_of: date = AS_OF,
    target_country: str = "US",
    investor_country: str = "US",
    proceedings: tuple[proceedings_module.Proceeding, ...] = (),
) -> DealFacts:
    announced = InvestmentAnnounced(
        occurred_at=T0, investor_id="party-inv", target_id="party-tgt", title="Deal"
    )
    return DealFacts(
        as_of=as_of,
        investment=investments.fold(
            "investment-deal", history("investment-deal", announced, *investment_events)
        ),
        investor=replace(party("party-inv", "Investor", *investor), country=investor_country),
        target=replace(party("party-tgt", "Target", *target), country=target_country),
        proceedings=proceedings,
    )


def referral(state: str) -> proceedings_module.Proceeding:
    """An Art 22 referral proceeding about the deal, opened on 2024-03-01, whose referral is
    requested, accepted or rejected (on 2024-04-01) or withdrawn."""
    decided = None if state == "requested" else date(2024, 4, 1)
    return proceedings_module.Proceeding(
        stream_id="proceeding-ref", version=3, authority="European Commission",
        kind="referral_request", investment_ids=("investment-deal",), status="open",
        referral=state, reference="M.0000", regime="eumr_art22", opened_on=date(2024, 3, 1),
        referral_decided_on=decided, event_ids=("e-open", "e-request", "e-decided"),
        referral_event_id="e-decided" if decided else None,
    )  # fmt: skip


def pack(regime: str, on: date = AS_OF) -> RulePack:
    found = pack_for(regime, on)
    assert found is not None, f"no {regime} pack in force on {on}"
    return found
