"""Benchmark the event store against the eventsourcing library and a raw psycopg floor.

Run from the repository root (see docs/BENCHMARKS.md)::

    .venv/bin/python benchmarks/store_bench.py            # full run, about 2 minutes
    .venv/bin/python benchmarks/store_bench.py --quick    # smoke run, under a minute
    .venv/bin/python benchmarks/store_bench.py --json results.json
    .venv/bin/python benchmarks/store_bench.py --scale 10   # (i) and (ii) ten times as long

Three contenders write and read an equivalent payload (about 200 bytes of JSON) on the same
PostgreSQL server, each in its own fresh database (created here, dropped at the end, even
on error):

* ``store``: this project's store (``events.store.append`` / ``read_all``), through Django,
  with ``EVENTS_DISPATCH_ON_COMMIT=false`` and ``DJANGO_DEBUG=false``;
* ``eventsourcing``: the eventsourcing library's PostgreSQL persistence
  (``PERSISTENCE_MODULE=eventsourcing.postgres``): ``Application.save(*domain_events)`` to
  write, ``PostgresApplicationRecorder.select_notifications`` plus the application's
  ``Mapper.to_domain_event`` to read;
* ``raw``: plain psycopg 3 on a plain table (bigserial id, stream_id, version, type,
  data json, occurred_at, unique (stream_id, version)): the floor.

Shapes, all in one run (so ratios compare like with like on a noisy machine; shapes (i),
(ii) and (iv) interleave the contenders in rounds, a different one going first each round):

(i)   one event per transaction, round-robin over 100 streams, expected versions tracked
      (raw: one INSERT on an autocommit connection, one round trip like the store's append
      outside a transaction; BEGIN / INSERT / COMMIT, three round trips, is reported beside);
(ii)  batches of 100 events per transaction (raw: ``executemany`` and ``COPY``);
(iii) 8 writer processes (spawned) on distinct streams, one event per transaction, while a
      tailing reader process counts every event it sees: skipped and duplicated events are
      reported (store: ``read_all`` in a loop; eventsourcing: ``select_notifications``; raw:
      a naive ``id > last_seen`` reader);
(iv)  read the whole log, decoded, in pages of 1000.

The store's deferred half of the write path, ``events.ledger.seal()``, is timed on its own
(after (ii), over everything (i) and (ii) wrote). Unless ``--no-analyze`` is given, every
contender's database is ANALYZEd after the warm-up, after (ii) and before (iv), so the
planner works with statistics as autovacuum keeps them in a long-running deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import DomainEvent  # noqa: E402
from eventsourcing.utils import register_topic  # noqa: E402
from psycopg.types.json import Json  # noqa: E402

from events.types import Event, registry  # noqa: E402

EVENT_TYPE = "BenchmarkEventRecorded"
ES_NAMESPACE = uuid.UUID("6f1c1d3e-5b7a-4c1e-9a57-8f3b2f0f6a11")
PAGE = 1000
POLL_SLEEP = 0.005  # a tailing reader that found nothing new sleeps this long (all contenders)
WARMUP = 20


# ---------------------------------------------------------------- event types and payload


@registry.register
@dataclass(frozen=True, kw_only=True)
class BenchmarkEventRecorded(Event):
    """The store's benchmark event."""

    name: str
    amount: str
    currency: str
    count: int
    note: str


class EsBenchmarkEventRecorded(DomainEvent):
    """The eventsourcing library's benchmark event: the same payload, ``timestamp`` for
    ``occurred_at``. A fixed topic, so processes started by 'spawn' (where this module is
    ``__mp_main__``) and the parent (``__main__``) agree on it."""

    TOPIC = "store_bench:EsBenchmarkEventRecorded"

    name: str
    amount: str
    currency: str
    count: int
    note: str


register_topic(EsBenchmarkEventRecorded.TOPIC, EsBenchmarkEventRecorded)

CURRENCIES = ("EUR", "USD", "GBP", "CHF")
BASE_TIME = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def make_payload(i: int) -> dict[str, Any]:
    """About 200 bytes of canonical JSON."""
    return {
        "name": f"Example Capital Partners holding {i:07d}",
        "amount": f"{(i * 7919) % 100_000_000 / 100:.2f}",
        "currency": CURRENCIES[i % len(CURRENCIES)],
        "count": i,
        "note": (
            "Minority stake notified to the competition authority; "
            f"review reference BEN-{i % 9973:04d}, no board seat."
        ),
    }


def occurred(i: int) -> datetime:
    return BASE_TIME + timedelta(seconds=i)


def es_id(stream_id: str) -> uuid.UUID:
    return uuid.uuid5(ES_NAMESPACE, stream_id)


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    user: str
    password: str
    prefix: str
    single: int  # (i) appends
    single_streams: int
    batches: int  # (ii) batches of batch_size
    batch_size: int
    batch_streams: int
    writers: int  # (iii)
    per_writer: int
    writer_streams: int
    rounds: int  # (i), (ii), (iv) are split into interleaved rounds
    read_passes: int
    analyze: bool  # ANALYZE every contender's tables between shapes (steady-state statistics)

    def db(self, kind: str) -> str:
        return f"{self.prefix}_{kind}"

    def url(self, kind: str) -> str:
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        return f"postgres://{auth}@{self.host}:{self.port}/{self.db(kind)}"

    def conninfo(self, kind: str | None) -> dict[str, Any]:
        info: dict[str, Any] = {"host": self.host, "port": self.port, "user": self.user}
        if self.password:
            info["password"] = self.password
        info["dbname"] = self.db(kind) if kind else "postgres"
        return info

    def es_env(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.db("es"),
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": "1",  # one thread per process, as for the other contenders
            "POSTGRES_MAX_OVERFLOW": "0",
        }


KINDS = ("store", "es", "raw")
LABELS = {"store": "store", "es": "eventsourcing", "raw": "raw psycopg"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- databases


def create_databases(cfg: Config) -> None:
    with psycopg.connect(**cfg.conninfo(None), autocommit=True) as conn:
        for kind in KINDS:
            conn.execute(f'CREATE DATABASE "{cfg.db(kind)}"')


def drop_databases(cfg: Config) -> None:
    with psycopg.connect(**cfg.conninfo(None), autocommit=True) as conn:
        for kind in KINDS:
            conn.execute(f'DROP DATABASE IF EXISTS "{cfg.db(kind)}" WITH (FORCE)')


def analyze_databases(cfg: Config) -> None:
    """Refresh the planner's statistics in every contender's database, as autovacuum would
    have in a long-running deployment (a fresh table has none until autovacuum's first run)."""
    for kind in KINDS:
        with psycopg.connect(**cfg.conninfo(kind), autocommit=True) as conn:
            conn.execute("ANALYZE")


RAW_SCHEMA = """
CREATE TABLE raw_events (
    id bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    version integer NOT NULL,
    type text NOT NULL,
    data json NOT NULL,
    occurred_at timestamptz NOT NULL,
    UNIQUE (stream_id, version)
);
CREATE TABLE raw_events_copy (
    id bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    version integer NOT NULL,
    type text NOT NULL,
    data json NOT NULL,
    occurred_at timestamptz NOT NULL,
    UNIQUE (stream_id, version)
);
"""
RAW_INSERT = (
    "INSERT INTO raw_events (stream_id, version, type, data, occurred_at) "
    "VALUES (%s, %s, %s, %s, %s)"
)
RAW_COPY = "COPY raw_events_copy (stream_id, version, type, data, occurred_at) FROM STDIN"
RAW_PAGE = (
    "SELECT id, stream_id, version, type, data, occurred_at FROM raw_events "
    "WHERE id > %s ORDER BY id LIMIT %s"
)


def setup_django(cfg: Config, *, migrate: bool) -> None:
    """Point Django at the store's database and set it up (each process does this)."""
    os.environ["DATABASE_URL"] = cfg.url("store")
    os.environ["EVENTS_DISPATCH_ON_COMMIT"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["DJANGO_DEBUG"] = "false"  # production-like: no query log in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def es_application(cfg: Config, *, create_table: bool = False) -> Application[Any]:
    """The parent creates the library's tables once; the writer and reader processes do not
    (nine processes running its CREATE statements at once can deadlock)."""
    return Application(env={**cfg.es_env(), "CREATE_TABLE": "y" if create_table else "n"})


# ---------------------------------------------------------------- contenders (one process)


class StoreContender:
    kind = "store"

    def __init__(self) -> None:
        from events import store

        self.store = store
        self.versions: dict[str, int] = defaultdict(int)

    def append_one(self, stream: str, i: int) -> None:
        event = BenchmarkEventRecorded(occurred_at=occurred(i), **make_payload(i))
        result = self.store.append(stream, [event], expected_version=self.versions[stream])
        self.versions[stream] = result.version

    def append_batch(self, stream: str, first: int, size: int) -> None:
        events = [
            BenchmarkEventRecorded(occurred_at=occurred(i), **make_payload(i))
            for i in range(first, first + size)
        ]
        result = self.store.append(stream, events, expected_version=self.versions[stream])
        self.versions[stream] = result.version

    def read_pass(self, *, seal: bool = False) -> int:
        after, count = 0, 0
        while True:
            page = self.store.read_all(after=after, limit=PAGE, seal=seal)
            if not page:
                return count
            count += len(page)
            after = page[-1].position


class EsContender:
    kind = "es"

    def __init__(self, cfg: Config, *, create_table: bool = False) -> None:
        self.app = es_application(cfg, create_table=create_table)
        self.versions: dict[uuid.UUID, int] = defaultdict(int)

    def _event(self, originator: uuid.UUID, i: int) -> EsBenchmarkEventRecorded:
        version = self.versions[originator] + 1
        self.versions[originator] = version
        return EsBenchmarkEventRecorded(
            originator_id=originator,
            originator_version=version,
            timestamp=occurred(i),
            **make_payload(i),
        )

    def append_one(self, stream: str, i: int) -> None:
        self.app.save(self._event(es_id(stream), i))

    def append_batch(self, stream: str, first: int, size: int) -> None:
        originator = es_id(stream)
        self.app.save(*[self._event(originator, i) for i in range(first, first + size)])

    def read_pass(self, *, seal: bool = False) -> int:
        recorder, mapper = self.app.recorder, self.app.mapper
        after, count = 0, 0
        while True:
            page = recorder.select_notifications(after, PAGE, inclusive_of_start=False)
            if not page:
                return count
            events = [mapper.to_domain_event(n) for n in page]
            count += len(events)
            after = page[-1].id

    def close(self) -> None:
        self.app.close()


class RawContender:
    kind = "raw"

    def __init__(self, cfg: Config) -> None:
        self.conn = psycopg.connect(**cfg.conninfo("raw"))
        # The floor for one event per transaction: one INSERT in autocommit, one round trip,
        # as the store's append outside a transaction (its guarded INSERT is one statement).
        self.auto = psycopg.connect(**cfg.conninfo("raw"), autocommit=True)
        self.versions: dict[str, int] = defaultdict(int)

    def _row(self, stream: str, i: int) -> tuple[Any, ...]:
        version = self.versions[stream] + 1
        self.versions[stream] = version
        return (stream, version, EVENT_TYPE, Json(make_payload(i)), occurred(i))

    def append_one(self, stream: str, i: int) -> None:
        self.auto.execute(RAW_INSERT, self._row(stream, i))

    def append_one_in_transaction(self, stream: str, i: int) -> None:
        """BEGIN, INSERT, COMMIT: three round trips (the floor before issue 17; reported)."""
        with self.conn.transaction():
            self.conn.execute(RAW_INSERT, self._row(stream, i))

    def append_batch(self, stream: str, first: int, size: int) -> None:
        rows = [self._row(stream, i) for i in range(first, first + size)]
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(RAW_INSERT, rows)

    def copy_batch(self, stream: str, first: int, size: int) -> None:
        stream = stream + "-copy"
        rows = [self._row(stream, i) for i in range(first, first + size)]
        with self.conn.transaction(), self.conn.cursor() as cursor, cursor.copy(RAW_COPY) as copy:
            for row in rows:
                copy.write_row(row)

    def read_pass(self, *, seal: bool = False) -> int:
        after, count = 0, 0
        with self.conn.transaction(), self.conn.cursor() as cursor:
            while True:
                cursor.execute(RAW_PAGE, (after, PAGE))
                page = cursor.fetchall()
                if not page:
                    return count
                count += len(page)
                after = page[-1][0]

    def close(self) -> None:
        self.conn.close()
        self.auto.close()


# ---------------------------------------------------------------- timing helpers


class Timer:
    """Accumulates events and seconds over rounds."""

    def __init__(self) -> None:
        self.events = 0
        self.seconds = 0.0
        self.rounds: list[float] = []

    def add(self, events: int, seconds: float) -> None:
        self.events += events
        self.seconds += seconds
        self.rounds.append(events / seconds if seconds else 0.0)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "seconds": round(self.seconds, 4),
            "events_per_s": round(self.rate, 1),
            "rounds_events_per_s": [round(r, 1) for r in self.rounds],
        }


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    count = fn()
    return count, time.perf_counter() - start


def rotation(round_index: int, items: list[Any]) -> list[Any]:
    """A different contender goes first in each round."""
    shift = round_index % len(items)
    return items[shift:] + items[:shift]


def chunks(total: int, parts: int) -> list[tuple[int, int]]:
    """Split range(total) into ``parts`` contiguous (start, stop) chunks."""
    bounds = [total * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


# ---------------------------------------------------------------- (iii) processes


def _done(queue: Any, payload: dict[str, Any]) -> None:
    queue.put(payload)


def writer_streams(cfg: Config, writer: int) -> list[str]:
    return [f"bench-w{writer}-{k}" for k in range(cfg.writer_streams)]


def expected_keys(cfg: Config) -> set[tuple[str, int]]:
    """Every (stream, version) the writers of (iii) commit."""
    keys = set()
    for writer in range(cfg.writers):
        streams = writer_streams(cfg, writer)
        versions: dict[str, int] = defaultdict(int)
        for i in range(cfg.per_writer):
            stream = streams[i % len(streams)]
            versions[stream] += 1
            keys.add((stream, versions[stream]))
    return keys


def ready_and_wait(queue: Any, go: Any, role: str) -> None:
    """Tell the parent this process is set up, then wait for everyone's start signal."""
    queue.put({"role": "ready", "who": role})
    if not go.wait(timeout=300):
        raise TimeoutError("no start signal")


def writer_process(kind: str, cfg: Config, writer: int, go: Any, queue: Any) -> None:
    """One of the concurrent writers: ``per_writer`` appends of one event each."""
    try:
        streams = writer_streams(cfg, writer)
        base = 10_000_000 + writer * 1_000_000
        if kind == "store":
            setup_django(cfg, migrate=False)
            contender: Any = StoreContender()
        elif kind == "es":
            contender = EsContender(cfg)
        else:
            contender = RawContender(cfg)
        contender.append_one("bench-warm-w" + str(writer), base - 1)  # connect, warm caches
        ready_and_wait(queue, go, f"writer {writer}")
        start = time.monotonic()
        for i in range(cfg.per_writer):
            contender.append_one(streams[i % len(streams)], base + i)
        end = time.monotonic()
        _done(queue, {"role": "writer", "events": cfg.per_writer, "start": start, "end": end})
    except BaseException:
        _done(queue, {"role": "writer", "error": traceback.format_exc()})


def _store_tail(cfg: Config) -> Iterator[Callable[[], tuple[list[tuple[str, int]], bool]]]:
    setup_django(cfg, migrate=False)
    from events import ledger, store

    ledger.seal()
    state = {"after": ledger.head()[0], "gaps": 0}

    def poll() -> tuple[list[tuple[str, int]], bool]:
        page = store.read_all(after=state["after"], limit=PAGE)  # seals first
        if page:
            if page[0].position != state["after"] + 1:
                state["gaps"] += 1
            state["after"] = page[-1].position
        return [(e.stream_id, e.version) for e in page], len(page) < PAGE

    poll.state = state  # type: ignore[attr-defined]
    # The end of the log: nothing committed is left unsealed (another transaction on the
    # server can hold sealing back for a moment).
    poll.drained = lambda: ledger.unsealed_count() == 0  # type: ignore[attr-defined]
    yield poll


def _es_tail(cfg: Config) -> Iterator[Callable[[], tuple[list[tuple[str, int]], bool]]]:
    app = es_application(cfg)
    recorder, mapper = app.recorder, app.mapper
    state = {"after": recorder.max_notification_id() or 0, "gaps": 0}
    names: dict[uuid.UUID, str] = {}

    def poll() -> tuple[list[tuple[str, int]], bool]:
        page = recorder.select_notifications(state["after"], PAGE, inclusive_of_start=False)
        keys = []
        for notification in page:
            event = mapper.to_domain_event(notification)
            stream = names.get(event.originator_id, str(event.originator_id))
            keys.append((stream, event.originator_version))
        if page:
            state["after"] = page[-1].id
        return keys, len(page) < PAGE

    for writer in range(cfg.writers):
        for stream in writer_streams(cfg, writer):
            names[es_id(stream)] = stream
    poll.state = state  # type: ignore[attr-defined]
    poll.drained = lambda: True  # type: ignore[attr-defined]
    try:
        yield poll
    finally:
        app.close()


def _raw_tail(cfg: Config) -> Iterator[Callable[[], tuple[list[tuple[str, int]], bool]]]:
    conn = psycopg.connect(**cfg.conninfo("raw"), autocommit=True)
    (start,) = conn.execute("SELECT coalesce(max(id), 0) FROM raw_events").fetchone() or (0,)
    state = {"after": start, "gaps": 0}

    def poll() -> tuple[list[tuple[str, int]], bool]:
        rows = conn.execute(RAW_PAGE, (state["after"], PAGE)).fetchall()
        if rows:
            state["after"] = rows[-1][0]
        return [(row[1], row[2]) for row in rows], len(rows) < PAGE

    poll.state = state  # type: ignore[attr-defined]
    poll.drained = lambda: True  # type: ignore[attr-defined]
    try:
        yield poll
    finally:
        conn.close()


TAILS = {"store": _store_tail, "es": _es_tail, "raw": _raw_tail}


def reader_process(kind: str, cfg: Config, go: Any, writers_done: Any, queue: Any) -> None:
    """The tailing reader: counts every event it sees, from the log's head at the start."""
    try:
        with contextlib.contextmanager(TAILS[kind])(cfg) as poll:
            expected = expected_keys(cfg)
            seen: list[tuple[str, int]] = []
            polls = 0
            ready_and_wait(queue, go, "reader")
            deadline = None
            while True:
                keys, caught_up = poll()
                polls += 1
                seen.extend(keys)
                if writers_done.is_set():
                    deadline = deadline or time.monotonic() + 60
                    # Drained: the writers are done and a poll found the end of the log.
                    if caught_up and not keys and poll.drained():
                        break
                    if time.monotonic() > deadline:
                        break
                if caught_up and not keys:
                    time.sleep(POLL_SLEEP)
            distinct = set(seen)
            in_phase = distinct & expected
            _done(
                queue,
                {
                    "role": "reader",
                    "seen": len(seen),
                    "distinct": len(distinct),
                    "skipped": len(expected - distinct),
                    "duplicated": len(seen) - len(distinct),
                    "unexpected": len(distinct - expected),
                    "expected": len(expected),
                    "in_phase": len(in_phase),
                    "polls": polls,
                    "page_gaps": poll.state["gaps"],
                    "timed_out": bool(deadline and time.monotonic() > deadline),
                },
            )
    except BaseException:
        _done(queue, {"role": "reader", "error": traceback.format_exc()})


def run_concurrent(kind: str, cfg: Config) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    go = ctx.Event()
    writers_done = ctx.Event()
    procs = [
        ctx.Process(target=writer_process, args=(kind, cfg, w, go, queue), daemon=True)
        for w in range(cfg.writers)
    ]
    procs.append(
        ctx.Process(target=reader_process, args=(kind, cfg, go, writers_done, queue), daemon=True)
    )
    try:
        for proc in procs:
            proc.start()
        ready = 0
        while ready < len(procs):  # every process is connected and warm
            result = queue.get(timeout=300)
            if "error" in result:
                raise RuntimeError(f"{kind} {result['role']} failed:\n{result['error']}")
            ready += 1
        go.set()
        writer_results, reader_result = [], None
        while len(writer_results) < cfg.writers:
            result = queue.get(timeout=600)
            if "error" in result:
                raise RuntimeError(f"{kind} {result['role']} failed:\n{result['error']}")
            if result["role"] == "writer":
                writer_results.append(result)
            else:
                reader_result = result
        writers_done.set()
        if reader_result is None:
            reader_result = queue.get(timeout=600)
            if "error" in reader_result:
                raise RuntimeError(f"{kind} reader failed:\n{reader_result['error']}")
        for proc in procs:
            proc.join(timeout=60)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=10)
    events = sum(r["events"] for r in writer_results)
    seconds = max(r["end"] for r in writer_results) - min(r["start"] for r in writer_results)
    return {
        "events": events,
        "seconds": round(seconds, 4),
        "events_per_s": round(events / seconds, 1),
        "reader": reader_result,
    }


# ---------------------------------------------------------------- the run


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
    }


def software(cfg: Config) -> dict[str, Any]:
    from importlib.metadata import version

    with psycopg.connect(**cfg.conninfo(None), autocommit=True) as conn:
        row = conn.execute(
            "SELECT current_setting('server_version'), current_setting('synchronous_commit'), "
            "current_setting('fsync'), current_setting('shared_buffers')"
        ).fetchone()
    assert row is not None
    sources = {}
    for name in ("store.py", "ledger.py", "types.py", "hashing.py"):
        text = (ROOT / "events" / name).read_bytes()
        sources[f"events/{name}"] = hashlib.sha256(text).hexdigest()[:12]
    commit = ""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return {
        "postgresql": row[0],
        "synchronous_commit": row[1],
        "fsync": row[2],
        "shared_buffers": row[3],
        "django": version("django"),
        "eventsourcing": version("eventsourcing"),
        "psycopg": version("psycopg"),
        "pydantic": version("pydantic"),
        "git_head": commit,
        "source_sha256": sources,
    }


def payload_sizes() -> dict[str, int]:
    from events import hashing

    store_json = hashing.canonical_json(
        registry.encode(BenchmarkEventRecorded(occurred_at=occurred(1), **make_payload(1)))[1]
    )
    raw_json = json.dumps(make_payload(1))
    return {"store_data_json": len(store_json), "raw_data_json": len(raw_json)}


def run(cfg: Config) -> dict[str, Any]:
    results: dict[str, Any] = {"config": cfg.__dict__.copy()}
    log("setting up Django (store database), eventsourcing and raw tables")
    setup_django(cfg, migrate=True)
    from django.db import connections

    from events import ledger

    store_c = StoreContender()
    es_c = EsContender(cfg, create_table=True)
    raw_c = RawContender(cfg)
    with raw_c.conn.transaction():
        raw_c.conn.execute(RAW_SCHEMA)
    contenders: list[Any] = [store_c, es_c, raw_c]
    sizes = payload_sizes()
    sample = EsBenchmarkEventRecorded(
        originator_id=es_id("bench-x"),
        originator_version=1,
        timestamp=occurred(1),
        **make_payload(1),
    )
    sizes["es_state"] = len(es_c.app.mapper.to_stored_event(sample).state)
    results["payload_bytes"] = sizes
    log(f"payload bytes: {sizes}")

    for c in contenders:  # connect, prepare, warm caches: not timed
        for i in range(WARMUP):
            c.append_one("bench-warmup", i)
        c.append_batch("bench-warmup-batch", 0, cfg.batch_size)
    raw_c.copy_batch("bench-warmup-batch", 0, cfg.batch_size)
    for i in range(WARMUP):
        raw_c.append_one_in_transaction("bench-warmup-tx", i)
    if cfg.analyze:
        analyze_databases(cfg)

    # (i) one event per transaction
    single = {k: Timer() for k in ("store", "es", "raw", "raw_tx")}
    for r, (lo, hi) in enumerate(chunks(cfg.single, cfg.rounds)):
        for c in rotation(r, contenders):
            appends = [(c.kind, c.append_one, "")]
            if c.kind == "raw":
                appends.append(("raw_tx", c.append_one_in_transaction, "-tx"))
            for key, append, suffix in appends:

                def one_by_one(append: Any = append, suffix: str = suffix, lo: int = lo,
                               hi: int = hi) -> int:  # fmt: skip
                    for i in range(lo, hi):
                        append(f"bench-s{i % cfg.single_streams}{suffix}", i)
                    return hi - lo

                single[key].add(*timed(one_by_one))
        log(
            f"(i) round {r + 1}/{cfg.rounds}: "
            + ", ".join(f"{k} {t.rounds[-1]:,.0f}/s" for k, t in single.items())
        )

    # (ii) batches of batch_size events per transaction
    batch = {k: Timer() for k in ("store", "es", "raw", "raw_copy")}
    for r, (lo, hi) in enumerate(chunks(cfg.batches, cfg.rounds)):
        for c in rotation(r, contenders):
            methods = [(c.kind, c.append_batch)]
            if c.kind == "raw":
                methods.append(("raw_copy", c.copy_batch))
            for key, method in methods:

                def work(method: Any = method, lo: int = lo, hi: int = hi) -> int:
                    for b in range(lo, hi):
                        first = 1_000_000 + b * cfg.batch_size
                        method(f"bench-b{b % cfg.batch_streams}", first, cfg.batch_size)
                    return (hi - lo) * cfg.batch_size

                batch[key].add(*timed(work))
        log(
            f"(ii) round {r + 1}/{cfg.rounds}: "
            + ", ".join(f"{k} {t.rounds[-1]:,.0f}/s" for k, t in batch.items())
        )

    if cfg.analyze:
        analyze_databases(cfg)
        log("ANALYZE done in every database")

    # sealing: the store's deferred half of the write path
    unsealed = ledger.unsealed_count()
    sealed, seconds = timed(ledger.seal)
    seal = {"events": sealed, "seconds": round(seconds, 4), "events_per_s": sealed / seconds}
    log(
        f"seal: {sealed:,} events (of {unsealed:,} unsealed) in {seconds:.3f}s "
        f"= {seal['events_per_s']:,.0f} events/s"
    )

    # (iii) concurrent writers and a tailing reader, one contender at a time
    connections.close_all()
    concurrent = {}
    for kind in KINDS:
        log(f"(iii) {LABELS[kind]}: {cfg.writers} writer processes x {cfg.per_writer} appends")
        concurrent[kind] = run_concurrent(kind, cfg)
        reader = concurrent[kind]["reader"]
        log(
            f"(iii) {LABELS[kind]}: {concurrent[kind]['events_per_s']:,.0f} events/s; reader "
            f"saw {reader['in_phase']:,}/{reader['expected']:,}, skipped {reader['skipped']}, "
            f"duplicated {reader['duplicated']}, polls {reader['polls']}"
        )

    # (iv) read the whole log, decoded
    ledger.seal()
    if cfg.analyze:
        analyze_databases(cfg)
    reads = {c.kind: Timer() for c in contenders}
    for r in range(cfg.read_passes):
        for c in rotation(r, contenders):
            reads[c.kind].add(*timed(c.read_pass))
        log(
            f"(iv) pass {r + 1}/{cfg.read_passes}: "
            + ", ".join(f"{k} {t.rounds[-1]:,.0f}/s" for k, t in reads.items())
        )
    sealing_reads = Timer()  # read_all with its default seal=True, for information
    sealing_reads.add(*timed(lambda: store_c.read_pass(seal=True)))
    log(f"(iv) store read_all(seal=True): {sealing_reads.rate:,.0f}/s")

    results["single"] = {k: t.as_dict() for k, t in single.items()}
    results["batch"] = {k: t.as_dict() for k, t in batch.items()}
    results["seal"] = seal
    results["concurrent"] = concurrent
    results["read"] = {k: t.as_dict() for k, t in reads.items()}
    results["read_store_seal_true"] = sealing_reads.as_dict()
    connections.close_all()
    es_c.close()
    raw_c.close()
    return results


# ---------------------------------------------------------------- report


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def summarize(results: dict[str, Any]) -> list[dict[str, Any]]:
    s, b, c, r = results["single"], results["batch"], results["concurrent"], results["read"]
    rows = []

    def row(shape: str, store: float, es: float | None, raw: float | None, **target: Any) -> None:
        rows.append(
            {
                "shape": shape,
                "store": store,
                "es": es,
                "raw": raw,
                "store_raw": ratio(store, raw) if raw else None,
                "store_es": ratio(store, es) if es else None,
                **target,
            }
        )

    def spread(a: dict[str, Any], b: dict[str, Any]) -> list[float]:
        """The ratio a/b in each interleaved round (same round, same machine state)."""
        pairs = zip(a["rounds_events_per_s"], b["rounds_events_per_s"], strict=True)
        return [round(ratio(x, y), 3) for x, y in pairs]

    rate = "events_per_s"
    row(
        "(i) 1 event/tx (raw autocommit INSERT)",
        s["store"][rate],
        s["es"][rate],
        s["raw"][rate],
        target="store >= 0.7 x raw",
        met=ratio(s["store"][rate], s["raw"][rate]) >= 0.7,
        round_ratios=spread(s["store"], s["raw"]),
    )
    row(
        "(i) 1 event/tx (raw BEGIN/INSERT/COMMIT)",
        s["store"][rate],
        s["es"][rate],
        s["raw_tx"][rate],
        target="(reported: the floor before issue 17)",
        met=None,
        round_ratios=spread(s["store"], s["raw_tx"]),
    )
    row(
        "(ii) 100 events/tx (raw executemany)",
        b["store"][rate],
        b["es"][rate],
        b["raw"][rate],
        target="store >= 0.8 x raw",
        met=ratio(b["store"][rate], b["raw"][rate]) >= 0.8,
        round_ratios=spread(b["store"], b["raw"]),
    )
    row(
        "(ii) 100 events/tx (raw COPY)",
        b["store"][rate],
        b["es"][rate],
        b["raw_copy"][rate],
        target="store >= 0.7 x raw",
        met=ratio(b["store"][rate], b["raw_copy"][rate]) >= 0.7,
        round_ratios=spread(b["store"], b["raw_copy"]),
    )
    skipped = {k: c[k]["reader"]["skipped"] for k in c}
    duplicated = {k: c[k]["reader"]["duplicated"] for k in c}
    store_es_iii = ratio(c["store"][rate], c["es"][rate])
    row(
        "(iii) 8 writers, 1 event/tx",
        c["store"][rate],
        c["es"][rate],
        c["raw"][rate],
        target="store >= 2 x eventsourcing, 0 skipped",
        met=store_es_iii >= 2 and skipped["store"] == 0 and duplicated["store"] == 0,
    )
    row(
        "(iv) read all, decoded",
        r["store"][rate],
        r["es"][rate],
        r["raw"][rate],
        target="store >= eventsourcing and >= 0.5 x raw",
        met=r["store"][rate] >= r["es"][rate] and ratio(r["store"][rate], r["raw"][rate]) >= 0.5,
        round_ratios=spread(r["store"], r["raw"]),
        round_ratios_es=spread(r["store"], r["es"]),
    )
    row("seal (store only)", results["seal"][rate], None, None, target="(reported)", met=None)
    return rows


def fmt(value: float | None, pattern: str = "{:,.0f}") -> str:
    return "-" if value is None else pattern.format(value)


def print_table(results: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'shape':<38} {'store ev/s':>11} {'evsrc ev/s':>11} {'raw ev/s':>11} "
        f"{'store/raw':>9} {'store/es':>9}  target -> met"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        met = "" if r["met"] is None else ("MET" if r["met"] else "NOT MET")
        print(
            f"{r['shape']:<38} {fmt(r['store']):>11} {fmt(r['es']):>11} {fmt(r['raw']):>11} "
            f"{fmt(r['store_raw'], '{:.2f}'):>9} {fmt(r['store_es'], '{:.2f}'):>9}  "
            f"{r['target']} -> {met}"
        )
    print()
    print("(iii) tailing reader: skipped / duplicated / seen of expected")
    for kind, c in results["concurrent"].items():
        rd = c["reader"]
        print(
            f"  {LABELS[kind]:<14} skipped {rd['skipped']:>5}  duplicated {rd['duplicated']:>3}  "
            f"seen {rd['in_phase']:,}/{rd['expected']:,}  polls {rd['polls']:,}"
            + (f"  position gaps {rd['page_gaps']}" if kind == "store" else "")
            + ("  (drain timed out)" if rd["timed_out"] else "")
        )
    print("per-round ratios (interleaved rounds): min / median / max")
    for r in rows:
        for key, label in (("round_ratios", "store/raw"), ("round_ratios_es", "store/es")):
            if r.get(key):
                values = sorted(r[key])
                print(
                    f"  {r['shape']:<38} {label:<9} {values[0]:.2f} / "
                    f"{statistics.median(values):.2f} / {values[-1]:.2f}"
                )
    rs = results["read_store_seal_true"]["events_per_s"]
    print(f"(iv) store read_all with its default seal=True: {rs:,.0f} events/s")
    sizes = results["payload_bytes"]
    print(f"payload bytes: {sizes}")
    print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE")
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="do not ANALYZE between shapes: every table keeps the fresh-table statistics",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply the events of (i) and (ii) by this (10: the log ten times as large)",
    )
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PGPORT", "5432")))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    parser.add_argument("--password", default=os.environ.get("PGPASSWORD", ""))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes: dict[str, int] = (
        {"single": 300, "batches": 12, "per_writer": 60, "rounds": 2, "read_passes": 2}
        if args.quick
        else {"single": 6000, "batches": 120, "per_writer": 1000, "rounds": 6, "read_passes": 6}
    )
    sizes["single"] *= args.scale
    sizes["batches"] *= args.scale
    cfg = Config(
        host=args.host,
        port=args.port,
        user=args.user,
        password=args.password,
        prefix=f"bench_{os.getpid()}",
        single_streams=100,
        batch_size=100,
        batch_streams=20,
        writers=8,
        writer_streams=10,
        analyze=not args.no_analyze,
        **sizes,
    )
    started = time.perf_counter()
    log(f"databases {cfg.db('store')}, {cfg.db('es')}, {cfg.db('raw')} on {cfg.host}:{cfg.port}")
    create_databases(cfg)
    try:
        results = run(cfg)
        results["machine"] = machine()
        results["software"] = software(cfg)
        results["date"] = datetime.now(UTC).isoformat(timespec="seconds")
        results["quick"] = args.quick
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_databases(cfg)
        log("databases dropped")
    rows = summarize(results)
    results["summary"] = rows
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    print_table(results, rows)
    log(f"done in {results['elapsed_s']:.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
        log(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
