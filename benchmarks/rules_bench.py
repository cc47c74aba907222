"""Benchmark the risk engine: rebuild the risk projection over a synthetic portfolio, and time
the evaluation of one investment's findings.

    .venv/bin/python benchmarks/rules_bench.py            # 10,000 investments x 20 events
    .venv/bin/python benchmarks/rules_bench.py --quick    # 500 investments

A fresh PostgreSQL database (``rules_bench_<pid>``) is created and dropped at the end. The
portfolio: 200 parties (each with a turnover, a tenth of them DMA gatekeepers), investments
between random pairs of them, 20 events each (announcement, stakes in several instruments,
rights granted and relinquished, agreements signed, amended and ended, staff hired, fees),
and a proceeding about every tenth investment. Events are appended straight to the store
(valid sequences by construction). Reported: the rebuild rate of the ``risk`` projection in
log events per second (target: at least 20,000), and the median time to evaluate every regime
for one investment, end to end (``findings_evaluate``: reads and folds its streams) and for the
rules alone on facts already folded (target: under 5 ms at the median).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 investments instead of 10,000")
    parser.add_argument("--investments", type=int, default=None)
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    args = parser.parse_args()
    count = args.investments or (500 if args.quick else 10_000)
    name = f"rules_bench_{os.getpid()}"
    admin = f"host={args.host} port={args.port} user={args.user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ.update(
            DATABASE_URL=f"postgres://{args.user}@{args.host}:{args.port}/{name}",
            DJANGO_SETTINGS_MODULE="tracker.settings",
            EVENTS_DISPATCH_ON_COMMIT="false",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="benchmark",
        )
        run(count)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from compliance.domain import events as e
    from compliance.domain.values import (
        AgreementKind,
        GovernanceRight,
        Instrument,
        Money,
        PartyKind,
        ProceedingKind,
    )
    from compliance.rules import engine
    from compliance.services import deal_facts, findings_evaluate
    from events import ledger, projections, store

    rng = random.Random(7)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    eur = lambda m: Money(amount=Decimal(m) * 1_000_000, currency="EUR")  # noqa: E731
    parties = [f"party-bench-{i}" for i in range(200)]
    started = time.perf_counter()
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
    investment_ids = []
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
            store.append(
                f"proceeding-bench-{i}",
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
            log(f"recorded {i + 1:,} investments")
    ledger.seal()
    total = ledger.head()[0]
    log(f"log: {total:,} events ({time.perf_counter() - started:.1f} s to record and seal)")
    projections.catch_up()  # the other read models (the risk projection reads proceedings)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    risk = projections.get_projection("risk")
    profiler = None
    if os.environ.get("RULES_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = projections.rebuild(risk, progress=lambda p, h: None)
    rebuild = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats(
            os.environ.get("RULES_BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(30)
    assert result.status == "ok", result.error
    rate = total / rebuild
    log(f"rebuild of the risk projection: {total:,} events in {rebuild:.1f} s = {rate:,.0f} ev/s")

    sample = rng.sample(investment_ids, min(200, len(investment_ids)))
    as_of = date(2025, 12, 31)
    end_to_end, rules_only = [], []
    for investment_id in sample:
        started = time.perf_counter()
        findings_evaluate(investment_id=investment_id, as_of=as_of)
        end_to_end.append((time.perf_counter() - started) * 1000)
        facts = deal_facts(investment_id=investment_id, as_of=as_of)
        started = time.perf_counter()
        engine.evaluate(facts)
        rules_only.append((time.perf_counter() - started) * 1000)
    regimes = len(engine.REGIMES)
    print()
    print(f"portfolio: {count:,} investments, {total:,} events, {regimes} regimes")
    print(f"risk projection rebuild: {rate:,.0f} events/s  (target >= 20,000: "
          f"{'MET' if rate >= 20_000 else 'NOT MET'})")  # fmt: skip
    for label, times in [("end to end (read + fold + rules)", end_to_end),
                         ("rules only (facts folded)", rules_only)]:  # fmt: skip
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"one investment, {label}: median {median:.2f} ms, p95 {p95:.2f} ms  "
              f"(target median < 5 ms: {'MET' if median < 5 else 'NOT MET'})")  # fmt: skip


if __name__ == "__main__":
    main()
