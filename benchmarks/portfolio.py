"""The synthetic portfolio shared by the benchmarks, and the throwaway database it lives in.

``bench_database`` creates a fresh PostgreSQL database, points Django at it (through the
environment, before ``django.setup()``) and drops it at the end, even after a failure.
``portfolio_record`` appends the portfolio straight to the store: 200 parties (each with a
turnover, a tenth of them DMA gatekeepers), investments between random pairs of them, 20 events
each (announcement, stakes in several instruments, rights granted, agreements signed, amended
and ended, staff hired, fees), and a proceeding with a deadline about every tenth investment.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


@contextmanager
def bench_database(prefix: str, *, host: str, port: str, user: str) -> Iterator[str]:
    """A fresh database ``<prefix>_<pid>`` for the duration of the block; Django's settings
    read it from ``DATABASE_URL``. Dropped at the end (connections closed first)."""
    name = f"{prefix}_{os.getpid()}"
    admin = f"host={host} port={port} user={user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ.update(
            DATABASE_URL=f"postgres://{user}@{host}:{port}/{name}",
            DJANGO_SETTINGS_MODULE="tracker.settings",
            EVENTS_DISPATCH_ON_COMMIT="false",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="benchmark",
        )
        yield name
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    add("--port", default=os.environ.get("PGPORT", "5432"))
    add("--user", default=os.environ.get("PGUSER", "postgres"))


@dataclass
class Portfolio:
    parties: list[str]
    investment_ids: list[str]
    proceeding_ids: list[str]


def portfolio_record(
    count: int, rng: random.Random, *, progress: Callable[[str], None] = log
) -> Portfolio:
    """Append the portfolio to the store (valid sequences by construction); not sealed.
    Needs ``django.setup()`` and a migrated database."""
    from compliance.domain import events as e
    from compliance.domain.values import (
        AgreementKind,
        GovernanceRight,
        Instrument,
        Money,
        PartyKind,
        ProceedingKind,
    )
    from events import store

    t0 = T0
    eur = lambda m: Money(amount=Decimal(m) * 1_000_000, currency="EUR")  # noqa: E731
    parties = [f"party-bench-{i}" for i in range(200)]
    for i, party in enumerate(parties):
        batch = [
            e.PartyRegistered(
                occurred_at=t0, name=f"Party {i}", kind=PartyKind.COMPANY,
                country=rng.choice(["US", "FR", "DE", "IT", "GB"]),
            ),
            e.TurnoverReported(
                occurred_at=t0, fiscal_year=2023, worldwide=eur(rng.randint(50, 90_000)),
                eu=eur(rng.randint(10, 20_000)),
                member_states={c: eur(rng.randint(1, 5_000)) for c in ("DE", "FR", "IT")},
            ),
        ]  # fmt: skip
        if i % 10 == 0:
            batch.append(
                e.GatekeeperDesignated(
                    occurred_at=t0, regime="DMA", designated_on=date(2023, 9, 5),
                    core_platform_services=["a service"],
                )
            )  # fmt: skip
        store.append(party, batch, expected_version=0)
    investment_ids, proceeding_ids = [], []
    for i in range(count):
        investor, target = rng.sample(parties, 2)
        stream_id = f"investment-bench-{i}"
        investment_ids.append(stream_id)
        when = [t0 + timedelta(days=d) for d in sorted(rng.sample(range(700), 19))]
        batch = [e.InvestmentAnnounced(occurred_at=t0, investor_id=investor, target_id=target,
                                        title=f"Deal {i}")]  # fmt: skip
        for n, at in enumerate(when):
            kind = n % 9
            if kind in (0, 1):
                batch.append(e.StakeAcquired(
                    occurred_at=at, instrument=rng.choice(list(Instrument)[:2]),
                    amount=eur(rng.randint(1, 300)), equity_pct=Decimal(rng.randint(1, 5)),
                    voting_pct=Decimal(rng.randint(0, 5)),
                ))  # fmt: skip
            elif kind == 2:
                batch.append(e.GovernanceRightGranted(
                    occurred_at=at, right=rng.choice(list(GovernanceRight))))  # fmt: skip
            elif kind == 3:
                batch.append(e.CommercialAgreementSigned(
                    occurred_at=at, agreement_id=f"a{n}", kind=rng.choice(list(AgreementKind)),
                    exclusive=rng.random() < 0.3, value=eur(rng.randint(1, 500)),
                ))  # fmt: skip
            elif kind == 4:
                batch.append(e.CommercialAgreementAmended(
                    occurred_at=at, agreement_id=f"a{n - 1}", exclusive=False))  # fmt: skip
            elif kind == 5:
                batch.append(e.KeyPersonnelHired(occurred_at=at, count=rng.randint(1, 80)))
            elif kind == 6:
                batch.append(e.LicenceFeePaid(occurred_at=at, amount=eur(rng.randint(1, 50))))
            elif kind == 7:
                batch.append(e.CommercialAgreementEnded(occurred_at=at, agreement_id=f"a{n - 4}"))
            else:
                batch.append(e.StakeAcquired(occurred_at=at, instrument=Instrument.SAFE,
                                              amount=eur(1)))  # fmt: skip
        store.append(stream_id, batch, expected_version=0)
        if i % 10 == 0:
            proceeding = f"proceeding-bench-{i}"
            proceeding_ids.append(proceeding)
            store.append(
                proceeding,
                [
                    e.ProceedingOpened(
                        occurred_at=t0, authority="UK CMA", legal_basis="Enterprise Act 2002",
                        kind=ProceedingKind.PHASE_1, investment_ids=[stream_id],
                    ),
                    e.DeadlineSet(occurred_at=t0, deadline_id="p1", due_on=date(2024, 9, 1),
                                  description="Phase 1"),
                ],
                expected_version=0,
            )  # fmt: skip
        if (i + 1) % 1000 == 0:
            progress(f"recorded {i + 1:,} investments")
    return Portfolio(parties=parties, investment_ids=investment_ids, proceeding_ids=proceeding_ids)
