"""Benchmark recording a fact on a long stream against a short one (issue 17, point 5).

Run from the repository root (see docs/BENCHMARKS.md)::

    .venv/bin/python benchmarks/append_bench.py            # full run, about a minute
    .venv/bin/python benchmarks/append_bench.py --quick    # smoke run
    .venv/bin/python benchmarks/append_bench.py --json results.json

``compliance.services.event_record`` (the path every interface takes: decide on the stream's
state, check the rules and references, append) is timed for events near the 10th of a party
stream and near the 10,000th, in one fresh PostgreSQL database (created here, dropped at the
end, even on error), through Django with ``EVENTS_DISPATCH_ON_COMMIT=false`` and
``DJANGO_DEBUG=false``. Each stream is a ``PartyRegistered`` followed by ``PartyRenamed``
events (a rename is checked against the party's state like any fact, and the party's fold
keeps every event id, so its state grows with the stream).

``--streams`` short streams are filled to 8 events and as many long streams to ``--long - 2``
(the store's batch append, behind the service). One ``event_record`` on each then reads the
stream whole (the process has not seen it: a *first touch*, timed apart); the timed samples
are the next ``--samples`` events of every stream (events 10, 11, ... and 10,000, 10,001,
...), short and long interleaved, one going first in turn, so both see the same log and the
same machine. Then the same is timed with the cache switched off
(``RECORDING_CACHE_STREAMS=0``: every decision reads and folds the whole stream, as before the
cache). Printed: median and 90th percentile per shape, and the ratios long / short (target:
the cached median at most 1.5). The folded state of one long stream, as the cache keeps it,
is measured with ``tracemalloc``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

T0 = datetime(2024, 1, 2, tzinfo=UTC)
BATCH = 1000  # the store's largest append


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    user: str
    password: str
    database: str
    streams: int  # short streams, and as many long ones
    short: int  # the first timed event of a short stream (10)
    long: int  # the first timed event of a long stream (10,000)
    samples: int  # timed events per stream, cache on
    cold_samples: int  # timed events per stream, cache off

    def conninfo(self, dbname: str) -> dict[str, Any]:
        info: dict[str, Any] = {"host": self.host, "port": self.port, "user": self.user}
        if self.password:
            info["password"] = self.password
        return {**info, "dbname": dbname}

    def url(self) -> str:
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        return f"postgres://{auth}@{self.host}:{self.port}/{self.database}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup_django(cfg: Config) -> None:
    os.environ["DATABASE_URL"] = cfg.url()
    os.environ["EVENTS_DISPATCH_ON_COMMIT"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["DJANGO_DEBUG"] = "false"  # production-like: no query log in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(stream_id: str, events: int) -> None:
    """A party registered, then renamed until the stream holds ``events`` events (the
    store's batch append: the rules are not what is measured here)."""
    from compliance.domain.events import PartyRegistered, PartyRenamed
    from compliance.domain.values import PartyKind
    from events import store

    store.append(
        stream_id,
        [PartyRegistered(occurred_at=T0, name="Example AI SAS", kind=PartyKind.COMPANY,
                         country="FR")],
        expected_version=0,
    )  # fmt: skip
    version = 1
    while version < events:
        size = min(BATCH, events - version)
        renames = [
            PartyRenamed(occurred_at=T0, name=f"Example AI {version + i:06d}") for i in range(size)
        ]
        store.append(stream_id, renames, expected_version=version)
        version += size


def record(stream_id: str, n: int) -> float:
    """Seconds one ``event_record`` of a rename takes."""
    from compliance.domain.events import PartyRenamed
    from compliance.services import event_record

    event = PartyRenamed(occurred_at=T0, name=f"Example AI renamed {n:06d}")
    started = time.perf_counter()
    event_record(stream_id=stream_id, event=event, actor="cli:append_bench")
    return time.perf_counter() - started


def interleaved(
    short: list[str], long: list[str], rounds: int, label: str
) -> tuple[list[float], list[float]]:
    """``rounds`` events on every stream, a short and a long one in turn, each going first
    every other time."""
    times: dict[str, list[float]] = {"short": [], "long": []}
    for r in range(rounds):
        for i, pair in enumerate(zip(short, long, strict=True)):
            order = [("short", pair[0]), ("long", pair[1])]
            if (r + i) % 2:
                order.reverse()
            for kind, stream_id in order:
                times[kind].append(record(stream_id, r))
        if r == 0 or (r + 1) % 10 == 0:
            log(f"  {label}: round {r + 1}/{rounds}")
    return times["short"], times["long"]


def summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
    }


def state_size(stream_id: str) -> dict[str, Any]:
    """Bytes the folded state of one stream takes, as the cache keeps it."""
    from compliance.domain import parties
    from events import store

    history = store.read_stream(stream_id)
    gc.collect()
    tracemalloc.start()
    state = parties.fold(stream_id, history)
    gc.collect()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"events": state.version, "bytes": size, "bytes_per_event": round(size / state.version)}


def run(cfg: Config) -> dict[str, Any]:
    from django.test import override_settings

    setup_django(cfg)
    tag = uuid.uuid4().hex[:8]
    short = [f"party-bench{tag}s{i}" for i in range(cfg.streams)]
    long = [f"party-bench{tag}l{i}" for i in range(cfg.streams)]
    log(f"filling {cfg.streams} streams to {cfg.short - 2} events and {cfg.streams} to "
        f"{cfg.long - 2}")  # fmt: skip
    for stream_id in short:
        fill(stream_id, cfg.short - 2)
    for stream_id in long:
        fill(stream_id, cfg.long - 2)
    with psycopg.connect(**cfg.conninfo(cfg.database), autocommit=True) as conn:
        conn.execute("ANALYZE")  # as autovacuum would have
    results: dict[str, Any] = {}

    log("first touch: one event_record per stream, the process has not seen it yet")
    first_short, first_long = interleaved(short, long, 1, "first touch")
    results["first_touch"] = {"short": summary(first_short), "long": summary(first_long)}

    log(f"cache on: {cfg.samples} events per stream")
    warm_short, warm_long = interleaved(short, long, cfg.samples, "cache on")
    results["cached"] = {"short": summary(warm_short), "long": summary(warm_long)}

    log(f"cache off: {cfg.cold_samples} events per stream, each reads its stream whole")
    with override_settings(RECORDING_CACHE_STREAMS=0):
        cold_short, cold_long = interleaved(short, long, cfg.cold_samples, "cache off")
    results["uncached"] = {"short": summary(cold_short), "long": summary(cold_long)}

    for shape in ("first_touch", "cached", "uncached"):
        figures = results[shape]
        figures["ratio_long_short"] = round(
            figures["long"]["median_ms"] / figures["short"]["median_ms"], 2
        )
    results["state_size"] = state_size(long[0])
    results["log_events"] = cfg.streams * (cfg.short + cfg.long) + cfg.streams * 2 * (
        cfg.samples + cfg.cold_samples - 1
    )
    return results


def software() -> dict[str, Any]:
    commit = ""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            check=True,
        ).stdout.strip()  # fmt: skip
    return {"python": platform.python_version(), "git_head": commit, "nproc": os.cpu_count()}


def print_table(results: dict[str, Any], cfg: Config) -> None:
    print()
    print(f"event_record of a rename, event ~{cfg.short} vs ~{cfg.long:,} of a party stream")
    print(f"{'shape':<14}{'short median':>14}{'long median':>14}{'short p90':>12}"
          f"{'long p90':>12}{'long/short':>12}{'n':>8}")  # fmt: skip
    for shape in ("cached", "first_touch", "uncached"):
        f = results[shape]
        print(
            f"{shape:<14}{f['short']['median_ms']:>11.3f} ms{f['long']['median_ms']:>11.3f} ms"
            f"{f['short']['p90_ms']:>9.3f} ms{f['long']['p90_ms']:>9.3f} ms"
            f"{f['ratio_long_short']:>12.2f}{f['short']['n']:>8}"
        )
    size = results["state_size"]
    print(f"folded state of one {size['events']:,}-event stream: {size['bytes']:,} bytes "
          f"({size['bytes_per_event']} per event)")  # fmt: skip
    verdict = "met" if results["cached"]["ratio_long_short"] <= 1.5 else "MISSED"
    print(f"target (cached long/short median <= 1.5): {verdict}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE")
    parser.add_argument("--long", type=int, default=10_000, help="the long stream's event")
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PGPORT", "5432")))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    parser.add_argument("--password", default=os.environ.get("PGPASSWORD", ""))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = (
        {"streams": 3, "samples": 10, "cold_samples": 3}
        if args.quick
        else {"streams": 10, "samples": 40, "cold_samples": 5}
    )
    cfg = Config(
        host=args.host, port=args.port, user=args.user, password=args.password,
        database=f"append_bench_{os.getpid()}", short=10, long=args.long, **sizes,
    )  # fmt: skip
    started = time.perf_counter()
    with psycopg.connect(**cfg.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{cfg.database}"')
    log(f"database {cfg.database} on {cfg.host}:{cfg.port}")
    try:
        results = run(cfg)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(**cfg.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{cfg.database}" WITH (FORCE)')
        log("database dropped")
    results["config"] = cfg.__dict__.copy()
    results["config"].pop("password")
    results["software"] = software()
    results["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    print_table(results, cfg)
    log(f"done in {results['elapsed_s']:.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
        log(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
