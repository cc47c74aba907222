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
log events per second (target: at least 20,000; three rebuilds each with one process and with
``RISK_REBUILD_PROCESSES``, alternated, medians reported), and the median time to evaluate
every regime for one investment, end to end (``findings_evaluate``: reads and folds its
streams) and for the rules alone on facts already folded (target: under 5 ms at the median).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date

from portfolio import add_database_arguments, bench_database, log, portfolio_record

ROUNDS = 3  # rebuilds per setting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 investments instead of 10,000")
    parser.add_argument("--investments", type=int, default=None)
    add_database_arguments(parser)
    args = parser.parse_args()
    count = args.investments or (500 if args.quick else 10_000)
    with bench_database("rules_bench", host=args.host, port=args.port, user=args.user):
        run(count)


def run(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from compliance.rules import engine
    from compliance.services import deal_facts, findings_evaluate
    from events import ledger, projections

    rng = random.Random(7)
    started = time.perf_counter()
    investment_ids = portfolio_record(count, rng).investment_ids
    ledger.seal()
    total = ledger.head()[0]
    log(f"log: {total:,} events ({time.perf_counter() - started:.1f} s to record and seal)")
    # The read models measured here: the risk views, and the proceedings that
    # ``findings_evaluate`` looks up (the others are not read; catching them up took minutes).
    for name in ("proceedings", "risk"):
        projections.run_projection(projections.get_projection(name))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.conf import settings

    risk = projections.get_projection("risk")
    processes = settings.RISK_REBUILD_PROCESSES
    if os.environ.get("RULES_BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        projections.rebuild(risk, progress=lambda p, h: None)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(
            os.environ.get("RULES_BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(30)
    # One process and RISK_REBUILD_PROCESSES, alternated: the same log, the same minute.
    rates: dict[int, list[float]] = {1: [], processes: []}
    for _round in range(ROUNDS):
        for count_processes in sorted(rates):
            settings.RISK_REBUILD_PROCESSES = count_processes
            with connection.cursor() as cursor:  # each rebuild starts from the same table
                cursor.execute("VACUUM compliance_riskfinding, compliance_risklink")
            started = time.perf_counter()
            result = projections.rebuild(risk, progress=lambda p, h: None)
            rebuild = time.perf_counter() - started
            assert result.status == "ok", result.error
            rates[count_processes].append(total / rebuild)
            log(f"rebuild of the risk projection, {count_processes} process(es): {total:,} "
                f"events in {rebuild:.1f} s = {total / rebuild:,.0f} ev/s")  # fmt: skip
    settings.RISK_REBUILD_PROCESSES = processes
    rate = statistics.median(rates[processes])

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
    print(f"risk projection rebuild, {processes} process(es) (RISK_REBUILD_PROCESSES): median "
          f"{rate:,.0f} events/s  (target >= 20,000: {'MET' if rate >= 20_000 else 'NOT MET'})"
          )  # fmt: skip
    if processes != 1:
        print(f"risk projection rebuild, 1 process: median {statistics.median(rates[1]):,.0f} "
              "events/s")  # fmt: skip
    for label, times in [("end to end (read + fold + rules)", end_to_end),
                         ("rules only (facts folded)", rules_only)]:  # fmt: skip
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"one investment, {label}: median {median:.2f} ms, p95 {p95:.2f} ms  "
              f"(target median < 5 ms: {'MET' if median < 5 else 'NOT MET'})")  # fmt: skip


if __name__ == "__main__":
    main()
