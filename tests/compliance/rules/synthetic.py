"""Random deals in memory, covering every branch the rules take: missing and partial turnover,
other currencies with and without a EUR rate, USD amounts, EU and non-EU parties, every
instrument (with and without stated votes), rights, licence-and-hire, completed and abandoned
deals, gatekeepers designated and revoked, referral proceedings, and dates across every pack
version. Deterministic for a seed (event ids included), so findings can be pinned."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from compliance.domain import events as e
from compliance.domain import investments, parties, proceedings
from compliance.domain.values import (
    AgreementKind,
    GovernanceRight,
    Instrument,
    Money,
    PartyKind,
)
from compliance.rules.base import DealFacts
from events.types import Event, RecordedEvent, registry

T0 = datetime(2019, 1, 1, tzinfo=UTC)
COUNTRIES = ["US", "FR", "DE", "IT", "AT", "GB", "IE", "CN", "NL"]
STATES = ["DE", "FR", "IT", "AT", "NL", "ES"]
AS_OF_DATES = [
    date(2019, 6, 1), date(2020, 10, 11), date(2021, 3, 1), date(2022, 1, 1), date(2022, 8, 27),
    date(2023, 9, 4), date(2023, 9, 5), date(2023, 10, 12), date(2024, 3, 20), date(2024, 9, 2),
    date(2024, 9, 3), date(2024, 12, 31), date(2025, 1, 1), date(2025, 2, 21), date(2025, 6, 30),
    date(2026, 2, 17), date(2027, 5, 5), date(2028, 1, 17), date(2029, 1, 1),
]  # fmt: skip


def _history(rng: random.Random, stream_id: str, events: list[Event]) -> list[RecordedEvent]:
    return [
        RecordedEvent(
            position=None,
            event_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            stream_id=stream_id,
            stream_type=stream_id.split("-", 1)[0],
            version=version,
            type=registry.type_of(event).name,
            schema_version=1,
            event=event,
            metadata={},
            occurred_at=event.occurred_at,
            recorded_at=event.occurred_at,
            hash="0" * 64,
        )
        for version, event in enumerate(events, start=1)
    ]


def _money(rng: random.Random, low: int, high: int) -> Money:
    """Mostly EUR; sometimes USD or GBP, with or without a stated EUR rate."""
    value = Decimal(rng.randint(low, high)) * 1_000_000 + Decimal(rng.randint(0, 99)) / 100
    roll = rng.random()
    if roll < 0.7:
        return Money(amount=value, currency="EUR")
    currency = "USD" if roll < 0.9 else "GBP"
    rate = Decimal(rng.randint(8000, 12000)) / 10000 if rng.random() < 0.5 else None
    return Money(amount=value, currency=currency, eur_rate=rate)


def _maybe_money(rng: random.Random, low: int, high: int, none: float = 0.1) -> Money | None:
    return None if rng.random() < none else _money(rng, low, high)


def _party(rng: random.Random, stream_id: str, index: int) -> parties.Party:
    events: list[Event] = [
        e.PartyRegistered(
            occurred_at=T0, name=f"Party {index}" if rng.random() < 0.9 else "P",
            kind=PartyKind.COMPANY, country=rng.choice(COUNTRIES),
        )
    ]  # fmt: skip
    for year in rng.sample(range(2017, 2029), rng.randint(0, 4)):
        big = rng.random() < 0.4
        states = {
            s: _money(rng, 0, 6_000 if big else 60) for s in rng.sample(STATES, rng.randint(0, 4))
        }
        events.append(
            e.TurnoverReported(
                occurred_at=T0, fiscal_year=year,
                worldwide=_maybe_money(rng, 1, 250_000 if big else 600),
                eu=_maybe_money(rng, 0, 30_000 if big else 300, 0.2),
                member_states=states,
            )
        )  # fmt: skip
    if rng.random() < 0.25:
        designated = date(2023, 9, 5) + timedelta(days=rng.randint(-400, 400))
        events.append(
            e.GatekeeperDesignated(
                occurred_at=T0, regime="DMA", designated_on=designated,
                core_platform_services=["a service", "another"],
            )
        )  # fmt: skip
        if rng.random() < 0.3:
            events.append(
                e.GatekeeperDesignationRevoked(
                    occurred_at=T0, regime="DMA",
                    revoked_on=designated + timedelta(days=rng.randint(1, 900)),
                    core_platform_services=["a service"] if rng.random() < 0.5 else [],
                )
            )  # fmt: skip
    if rng.random() < 0.1:
        events.append(e.PartyRenamed(occurred_at=T0, name=f"Renamed {index}"))
    return parties.fold(stream_id, _history(rng, stream_id, events))


def _investment(
    rng: random.Random, stream_id: str, investor: str, target: str
) -> investments.Investment:
    events: list[Event] = [
        e.InvestmentAnnounced(occurred_at=T0, investor_id=investor, target_id=target, title="D")
    ]
    at = T0
    signed: list[str] = []
    held: set[Instrument] = set()
    for n in range(rng.randint(0, 24)):
        at += timedelta(days=rng.choice([1, 30, 200, 400, 1100]))
        if at.month == 3 and at.day == 1 and rng.random() < 0.5:
            at = at - timedelta(days=1)  # sometimes the end of February (and 29 Feb)
        roll = rng.random()
        pct = lambda top: None if rng.random() < 0.2 else Decimal(rng.randint(0, top))  # noqa: E731
        if roll < 0.3:
            instrument = rng.choice(list(Instrument))
            held.add(instrument)
            events.append(
                e.StakeAcquired(
                    occurred_at=at, instrument=instrument,
                    amount=_maybe_money(rng, 1, 900, 0.2),
                    equity_pct=pct(20), voting_pct=pct(30 if rng.random() < 0.2 else 6),
                    fully_diluted_pct=pct(5),
                )
            )  # fmt: skip
        elif roll < 0.35 and held:
            instrument = rng.choice(sorted(held))
            events.append(
                e.StakeDisposed(occurred_at=at, instrument=instrument, equity_pct=Decimal(1))
            )
        elif roll < 0.4 and held:
            source = rng.choice(sorted(held))
            events.append(
                e.ConversionHappened(
                    occurred_at=at, from_instrument=source,
                    to_instrument=Instrument.ORDINARY_SHARES, voting_pct=pct(10),
                )
            )  # fmt: skip
            held.discard(source)
            held.add(Instrument.ORDINARY_SHARES)
        elif roll < 0.5:
            events.append(
                e.GovernanceRightGranted(
                    occurred_at=at, right=rng.choice(list(GovernanceRight)),
                    count=rng.randint(1, 3),
                )
            )  # fmt: skip
        elif roll < 0.53:
            events.append(
                e.GovernanceRightRelinquished(
                    occurred_at=at, right=rng.choice(list(GovernanceRight))
                )
            )
        elif roll < 0.63:
            agreement = f"a{n}"
            signed.append(agreement)
            events.append(
                e.CommercialAgreementSigned(
                    occurred_at=at, agreement_id=agreement, kind=rng.choice(list(AgreementKind)),
                    exclusive=rng.random() < 0.3, value=_maybe_money(rng, 1, 500),
                )
            )  # fmt: skip
        elif roll < 0.67 and signed:
            events.append(
                e.CommercialAgreementAmended(
                    occurred_at=at, agreement_id=rng.choice(signed), exclusive=rng.random() < 0.5
                )
            )
        elif roll < 0.7 and signed:
            events.append(e.CommercialAgreementEnded(occurred_at=at, agreement_id=signed.pop()))
        elif roll < 0.8:
            events.append(e.KeyPersonnelHired(occurred_at=at, count=rng.randint(1, 80)))
        elif roll < 0.9:
            events.append(e.LicenceFeePaid(occurred_at=at, amount=_money(rng, 1, 80)))
        elif roll < 0.93:
            events.append(e.InvestmentCompleted(occurred_at=at))
        elif roll < 0.95:
            events.append(e.InvestmentAbandoned(occurred_at=at))
            break
    return investments.fold(stream_id, _history(rng, stream_id, events))


def _proceeding(rng: random.Random, index: int, investment_id: str) -> proceedings.Proceeding:
    return proceedings.Proceeding(
        stream_id=f"proceeding-synthetic-{index}", version=3, authority="European Commission",
        kind="referral_request", investment_ids=(investment_id,), status="open",
        referral=rng.choice(["requested", "accepted", "withdrawn", None]),
        reference=rng.choice(["M.0000", None]),
    )  # fmt: skip


def synthetic_deals(count: int, seed: int = 20261129) -> list[DealFacts]:
    """``count`` deals between 40 random parties, each as of a date picked among the days
    a pack changes (and the days before)."""
    rng = random.Random(seed)
    party_list = [_party(rng, f"party-synthetic-{i}", i) for i in range(40)]
    deals = []
    for i in range(count):
        investor, target = rng.sample(party_list, 2)
        stream_id = f"investment-synthetic-{i}"
        investment = _investment(rng, stream_id, investor.stream_id, target.stream_id)
        concerned = tuple(_proceeding(rng, i * 3 + k, stream_id) for k in range(rng.randint(0, 2)))
        as_of = rng.choice(AS_OF_DATES) + timedelta(days=rng.choice([0, 0, -1, 200]))
        used = [*investment.event_ids, *investor.event_ids, *target.event_ids]
        deals.append(
            DealFacts(
                as_of=as_of, investment=investment, investor=investor, target=target,
                proceedings=concerned, event_ids=tuple(used),
            )
        )  # fmt: skip
    return deals


def portfolio_deals(count: int, seed: int = 7) -> list[DealFacts]:
    """Deals shaped like the benchmark's portfolio (``benchmarks/portfolio.py``): 200 parties
    with a FY 2023 turnover in EUR, a tenth of them gatekeepers; 20 events per investment
    (stakes in ordinary and non-voting shares, rights, agreements signed, amended and ended,
    staff hired, licence fees, a SAFE), each evaluated as of its latest event."""
    rng = random.Random(seed)
    eur = lambda m: Money(amount=Decimal(m) * 1_000_000, currency="EUR")  # noqa: E731
    party_list = []
    for i in range(200):
        events: list[Event] = [
            e.PartyRegistered(
                occurred_at=T0, name=f"Party {i}", kind=PartyKind.COMPANY,
                country=rng.choice(["US", "FR", "DE", "IT", "GB"]),
            ),
            e.TurnoverReported(
                occurred_at=T0, fiscal_year=2023, worldwide=eur(rng.randint(50, 90_000)),
                eu=eur(rng.randint(10, 20_000)),
                member_states={c: eur(rng.randint(1, 5_000)) for c in ("DE", "FR", "IT")},
            ),
        ]  # fmt: skip
        if i % 10 == 0:
            events.append(
                e.GatekeeperDesignated(
                    occurred_at=T0, regime="DMA", designated_on=date(2023, 9, 5),
                    core_platform_services=["a service"],
                )
            )  # fmt: skip
        party_list.append(
            parties.fold(f"party-bench-{i}", _history(rng, f"party-bench-{i}", events))
        )
    start = datetime(2024, 1, 1, tzinfo=UTC)
    deals = []
    for i in range(count):
        investor, target = rng.sample(party_list, 2)
        stream_id = f"investment-bench-{i}"
        when = [start + timedelta(days=d) for d in sorted(rng.sample(range(700), 19))]
        announced = e.InvestmentAnnounced(
            occurred_at=start, investor_id=investor.stream_id, target_id=target.stream_id,
            title=f"Deal {i}",
        )  # fmt: skip
        events = [announced]
        for n, at in enumerate(when):
            kind = n % 9
            if kind in (0, 1):
                events.append(e.StakeAcquired(
                    occurred_at=at, instrument=rng.choice(list(Instrument)[:2]),
                    amount=eur(rng.randint(1, 300)), equity_pct=Decimal(rng.randint(1, 5)),
                    voting_pct=Decimal(rng.randint(0, 5)),
                ))  # fmt: skip
            elif kind == 2:
                events.append(e.GovernanceRightGranted(
                    occurred_at=at, right=rng.choice(list(GovernanceRight))))  # fmt: skip
            elif kind == 3:
                events.append(e.CommercialAgreementSigned(
                    occurred_at=at, agreement_id=f"a{n}", kind=rng.choice(list(AgreementKind)),
                    exclusive=rng.random() < 0.3, value=eur(rng.randint(1, 500)),
                ))  # fmt: skip
            elif kind == 4:
                events.append(e.CommercialAgreementAmended(
                    occurred_at=at, agreement_id=f"a{n - 1}", exclusive=False))  # fmt: skip
            elif kind == 5:
                events.append(e.KeyPersonnelHired(occurred_at=at, count=rng.randint(1, 80)))
            elif kind == 6:
                events.append(e.LicenceFeePaid(occurred_at=at, amount=eur(rng.randint(1, 50))))
            elif kind == 7:
                events.append(e.CommercialAgreementEnded(occurred_at=at, agreement_id=f"a{n - 4}"))
            else:
                events.append(e.StakeAcquired(occurred_at=at, instrument=Instrument.SAFE,
                                               amount=eur(1)))  # fmt: skip
        investment = investments.fold(stream_id, _history(rng, stream_id, events))
        used = (*investment.event_ids, *investor.event_ids, *target.event_ids)
        deals.append(
            DealFacts(
                as_of=when[-1].date(), investment=investment, investor=investor, target=target,
                event_ids=used,
            )
        )  # fmt: skip
    return deals
