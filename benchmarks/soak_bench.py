"""Soak the whole deployment: a steady, mixed load for minutes against gunicorn, a Celery
worker and Celery beat on a fresh PostgreSQL database and a private Redis.

    .venv/bin/python benchmarks/soak_bench.py                 # 10 minutes at 10 requests/s
    .venv/bin/python benchmarks/soak_bench.py --quick         # 1 minute
    .venv/bin/python benchmarks/soak_bench.py --minutes 30 --rate 20

Set-up as in ``benchmarks/api_bench.py`` (whose helpers it reuses): a fresh database
``soak_bench_<pid>``, migrated and loaded with the built-in scenario plus ``--investments``
synthetic ones, one matter, a token per client (three analysts in four, each with a stream of
its own; the fourth a viewer). Then a private ``redis-server`` on a free port, gunicorn
(production settings, debug off, persistent connections, a catch-up task queued on the commit
of every append), one Celery worker and Celery beat (the periodic catch-up every
``EVENTS_CATCH_UP_SECONDS``, 30 s by default).

The load is an open loop: ``--clients`` threads share ``--rate`` requests per second, each
sending on its own fixed schedule (it sends at once when it has fallen behind; such late
starts are counted). The mix, by weight: ``matrix`` (GET /risk-matrix/), ``findings`` (one
investment's findings), ``position`` (one investment), ``log`` (GET /events/, the last 50
positions), ``append`` (POST an event on the client's own stream, at the version it last saw),
``announce`` (POST /investments/, a new investment in the matter: the portfolio grows).

Every ``--sample-seconds`` the benchmark records the throughput and the p50 / p99 latency of
the window, the projection lag (events recorded but not yet applied by the slowest
projection, counted in the database; and /readyz's status), and the resident memory (RSS)
of every process: gunicorn's arbiter and workers, the Celery worker and its pool process,
beat, Redis (RSS every second, to follow processes that come and go: Celery replaces its
pool process after ``CELERY_WORKER_MAX_TASKS_PER_CHILD`` tasks, 1000 by default, and each
pool process is reported on its own line). Memory is compared between the end of the warm-up
(``--warmup`` seconds: the first requests import code and fill caches) and the end: **bound,
per process: growth under 20 % and under 50 MB** (a process started after the warm-up is
measured from its first sample), and when child processes were replaced, the highest RSS any
of them reached against the first one's after the warm-up, under the same bound. At the end
the load stops, the views must catch up (drain), every append answered 201 must be in the log
once, and the ledger must verify. Everything is stopped and the database dropped at the end,
also on error or Ctrl-C.

``--probe DIR`` (diagnostics, not for the figures) runs the worker under
``benchmarks/soak_probe.py``, which writes its pool processes' heap, object counts and
prepared statements to DIR every 50 tasks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench as api  # helpers: data, users, gunicorn's readiness, percentiles

ROOT = api.ROOT
KINDS = ("matrix", "findings", "position", "log", "append", "announce")
DEFAULT_MIX = "matrix=2,findings=2,position=1,log=1,append=3,announce=0.2"
GROWTH_PCT, GROWTH_MB = 20.0, 50.0
MEMORY_SECONDS = 1.0  # RSS sampling interval


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the load (10)")
    parser.add_argument("--quick", action="store_true", help="1 minute")
    parser.add_argument("--rate", type=float, default=10.0, help="requests per second (10)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--investments", type=int, default=20, help="synthetic, beyond the 6")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=None, help="seconds (30; quick 10)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help="weights of the request kinds")
    parser.add_argument(
        "--probe", type=Path, default=None, metavar="DIR",
        help="diagnostics: run the worker under benchmarks/soak_probe.py, writing to DIR",
    )  # fmt: skip
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    args = parser.parse_args()
    minutes = 1.0 if args.quick else args.minutes
    warmup = args.warmup if args.warmup is not None else (10.0 if args.quick else 30.0)
    mix = {k: float(w) for k, _, w in (p.partition("=") for p in args.mix.split(","))}
    if set(mix) - set(KINDS) or not any(mix.values()):
        parser.error(f"--mix takes weights of {', '.join(KINDS)}")

    name = f"soak_bench_{os.getpid()}"
    admin = f"host={args.host} port={args.port} user={args.user} dbname=postgres"
    database_url = f"postgres://{args.user}@{args.host}:{args.port}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    processes: list[Service] = []
    workdir = Path(tempfile.mkdtemp(prefix="soak_bench_"))
    failed = True
    try:
        os.environ.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="tracker.settings",
            EVENTS_DISPATCH_ON_COMMIT="false",  # this process only prepares and checks
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="benchmark",
        )
        fixture = api.prepare(args.clients, args.investments)
        load_parties()
        run = Run(args, fixture, mix, minutes * 60, warmup, database_url, workdir)
        failed = run.execute(processes)
    finally:
        apps, brokers = processes[1:], processes[:1]  # Redis (started first) stops last
        for service in apps:
            service.terminate()
        for service in apps + brokers:
            service.stop()
        if failed:
            for service in processes:
                print(f"---- {service.name}, last lines of {service.log}:\n{service.tail()}")
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        api.log(f"dropped {name}")
        if not failed:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- the processes


@dataclass(eq=False)
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log.open("ab") as output:
            self.popen = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def terminate(self) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self) -> None:
        if self.popen is None:
            return
        self.terminate()
        try:
            self.popen.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and api._parent(proc) == pid:
            found.append(int(proc.name))
    return sorted(found)


def process_tree(services: dict[str, Service]) -> list[tuple[str, int]]:
    """Every process to watch, as ``(role, pid)``: each service and its direct children."""
    tree = []
    for role, service in services.items():
        if not service.running():
            continue
        tree.append((role, service.pid))
        tree += [(role, child) for child in children(service.pid)]
    return tree


@dataclass
class Tracked:
    """One process's resident memory (KiB) over the run, as sampled."""

    name: str  # "worker", "worker child 1", ... children numbered in order of appearance
    pid: int
    first_at: float  # seconds since the load began
    first: int
    last_at: float = 0.0
    last: int = 0
    peak: int = 0
    launch: int | None = None  # when the load began, if running then
    warm: int | None = None  # at the end of the warm-up, if running then

    @property
    def reference(self) -> int:
        """What growth is measured from: the warm-up's end, or its first sample if it started
        later (a replacement pool process: its own warm-up then counts as growth)."""
        return self.warm if self.warm is not None else self.first


class Memory:
    """RSS of every process of the services, sampled; processes that come and go (Celery
    replaces its pool process after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks) are followed."""

    def __init__(self, services: dict[str, Service]) -> None:
        self.services = services
        self.tracked: dict[int, Tracked] = {}
        self.generations: dict[str, int] = {}  # role -> children seen so far
        self.alive: set[int] = set()  # at the last observation

    def observe(self, at: float, moment: str = "") -> dict[str, int]:
        """Sample every process now: RSS (KiB) by name."""
        seen = {}
        for role, pid in process_tree(self.services):
            rss = rss_kib(pid)
            if not rss:
                continue  # exited meanwhile
            tracked = self.tracked.get(pid)
            if tracked is None:
                name = role
                if pid != self.services[role].pid:
                    self.generations[role] = self.generations.get(role, 0) + 1
                    name = f"{role} child {self.generations[role]}"
                tracked = self.tracked[pid] = Tracked(name, pid, at, rss)
            tracked.last_at, tracked.last = at, rss
            tracked.peak = max(tracked.peak, rss)
            if moment == "launch":
                tracked.launch = rss
            elif moment == "warm":
                tracked.warm = rss
            seen[tracked.name] = rss
        self.alive = {t.pid for t in self.tracked.values() if t.name in seen}
        return seen


# ---------------------------------------------------------------- the run


@dataclass
class Record:
    at: float  # seconds since the load began, when the answer came
    kind: str
    ms: float
    ok: bool


@dataclass
class Sample:
    at: float
    lag: int  # events recorded, not yet applied by the slowest projection
    events: int
    ready: int  # /readyz status
    rss: dict[str, int]  # KiB by process


@dataclass
class Run:
    args: argparse.Namespace
    fixture: Any
    mix: dict[str, float]
    seconds: float
    warmup: float
    database_url: str
    workdir: Path
    records: list[Record] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    late: int = 0
    memory: Memory | None = None
    accepted: dict[str, int] = field(default_factory=dict)  # stream -> appends answered 201
    announced: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def execute(self, processes: list[Service]) -> bool:
        redis_port = api.free_port()
        broker = f"redis://127.0.0.1:{redis_port}/0"
        redis_binary = shutil.which("redis-server")
        if redis_binary is None:
            raise SystemExit("the soak benchmark needs redis-server")
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "benchmark-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "API_THROTTLE_USER": "1000000/min",
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": "tracker",
            "EVENTS_DISPATCH_ON_COMMIT": "true",
        }
        if self.args.probe:
            self.args.probe.mkdir(parents=True, exist_ok=True)
            env["SOAK_PROBE_DIR"] = str(self.args.probe.resolve())
        port = api.free_port()
        py = sys.executable
        services = {
            "redis": Service("redis", [redis_binary, "--port", str(redis_port), "--bind",
                                       "127.0.0.1", "--save", "", "--appendonly", "no"],
                             dict(os.environ), self.workdir / "redis.log"),
            "gunicorn": Service("gunicorn", [
                str(Path(py).with_name("gunicorn")), "tracker.wsgi",
                "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
                "--workers", str(self.args.workers), "--threads", str(self.args.threads),
                "--keep-alive", "60", "--no-control-socket", "--chdir", str(ROOT),
            ], env, self.workdir / "gunicorn.log"),
            "worker": Service("worker", [
                *([py, str(ROOT / "benchmarks" / "soak_probe.py")] if self.args.probe
                  else [py, "-m", "celery"]),
                "-A", "tracker", "worker", "-Q", "tracker",
                "--concurrency", "1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-l", "warning",
            ], env, self.workdir / "worker.log"),
            "beat": Service("beat", [
                py, "-m", "celery", "-A", "tracker", "beat", "-l", "warning",
                "--pidfile", str(self.workdir / "beat.pid"),
            ], env, self.workdir / "beat.log"),
        }  # fmt: skip
        for service in services.values():
            processes.append(service.start())
        base = f"http://127.0.0.1:{port}"
        api.wait_until_ready(base, self.fixture.tokens[0], services["gunicorn"].popen)
        time.sleep(3)  # the worker and beat connect
        for role, service in services.items():
            if not service.running():
                raise RuntimeError(f"{role} exited:\n{service.tail()}")
        api.log(
            f"serving on {base}: gunicorn {self.args.workers} x {self.args.threads}, a worker, "
            f"beat, redis on {redis_port}; {self.args.rate:g} requests/s from "
            f"{self.args.clients} clients for {self.seconds / 60:g} min (mix {self.args.mix})"
        )
        self.memory = Memory(services)
        self.memory.observe(0.0, "launch")
        self.drive(base, services)
        drained = self.drain()
        ok = self.report(drained)
        return not ok

    # ------------------------------------------------------------ the load

    def drive(self, base: str, services: dict[str, Service]) -> None:
        port = int(base.rsplit(":", 1)[1])
        start = time.monotonic()
        end = start + self.seconds
        stop = threading.Event()
        sampler = threading.Thread(
            target=self.sample_loop, args=(base, services, start, stop), daemon=True
        )
        sampler.start()
        interval = self.args.clients / self.args.rate
        threads = [
            threading.Thread(
                target=self.client, args=(i, port, start + i * interval / self.args.clients,
                                          interval, start, end),
                daemon=True,
            )
            for i in range(self.args.clients)
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        sampler.join()

    def client(
        self, index: int, port: int, first: float, interval: float, start: float, end: float
    ) -> None:
        rng = random.Random(500 + index)
        token = self.fixture.tokens[index]
        stream = self.fixture.streams[index]
        analyst = stream is not None
        kinds = [k for k in KINDS if self.mix.get(k) and (analyst or k not in WRITES)]
        weights = [self.mix[k] for k in kinds]
        headers = api.auth(token)
        post_headers = {**headers, "Content-Type": "application/json"}
        pool = urllib3.HTTPConnectionPool(
            "127.0.0.1", port, maxsize=1, block=True, retries=False, timeout=60
        )
        version = 1
        due = first
        while due < end:
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            elif now - due > 1.0:
                with self.lock:
                    self.late += 1
            kind = rng.choices(kinds, weights)[0]
            investment = rng.choice(self.fixture.investments)
            body = None
            method, expected = "GET", 200
            if kind == "matrix":
                path = "/api/v1/risk-matrix/"
            elif kind == "findings":
                path = f"/api/v1/investments/{investment}/findings/"
            elif kind == "position":
                path = f"/api/v1/investments/{investment}/"
            elif kind == "log":
                path = "/api/v1/events/?limit=50"
            elif kind == "append":
                method, expected, path = "POST", 201, f"/api/v1/streams/{stream}/events/"
                body = json.dumps(personnel_hired(version)).encode()
            else:
                method, expected, path = "POST", 201, "/api/v1/investments/"
                body = json.dumps(self.announcement(rng, index)).encode()
            sent = time.perf_counter()
            try:
                answer = pool.urlopen(
                    method, path, body=body, headers=post_headers if body else headers,
                    redirect=False,
                )  # fmt: skip
                status, data = answer.status, answer.data
            except urllib3.exceptions.HTTPError as exc:
                status, data = 0, str(exc).encode()
                pool.close()
                pool = urllib3.HTTPConnectionPool(
                    "127.0.0.1", port, maxsize=1, block=True, retries=False, timeout=60
                )
            ms = (time.perf_counter() - sent) * 1000
            ok = status == expected or (kind == "append" and status == 409)
            with self.lock:
                self.records.append(Record(time.monotonic() - start, kind, ms, ok))
                if not ok:
                    key = f"{kind} {status}"
                    self.errors[key] = self.errors.get(key, 0) + 1
                    if len(self.error_samples) < 5:
                        self.error_samples.append(f"{key}: {data[:300]!r}")
                if kind == "append" and status == 201:
                    assert stream is not None
                    self.accepted[stream] = self.accepted.get(stream, 0) + 1
                if kind == "announce" and status == 201:
                    self.announced += 1
            if kind == "append" and status in (201, 409):
                answer_body = json.loads(data)
                version = answer_body["version" if status == 201 else "current_version"]
            due += interval
        pool.close()

    def announcement(self, rng: random.Random, index: int) -> dict[str, Any]:
        investor, target = rng.sample(PARTIES, 2)
        return {
            "matter": api.MATTER,
            "occurred_at": "2025-01-01T00:00:00Z",
            "investor_id": investor,
            "target_id": target,
            "title": f"Soak deal {index}-{rng.randrange(10**9)}",
        }

    def sample_loop(
        self, base: str, services: dict[str, Service], start: float, stop: threading.Event
    ) -> None:
        pool = urllib3.PoolManager(retries=False, timeout=30)
        next_at = start + self.args.sample_seconds
        memory_at = start + MEMORY_SECONDS
        warm_taken = False
        assert self.memory is not None
        while not stop.is_set():
            now = time.monotonic()
            if not warm_taken and now >= start + self.warmup:
                self.memory.observe(now - start, "warm")
                warm_taken = True
            elif now >= memory_at:  # between the samples too: replaced processes, peaks
                self.memory.observe(now - start)
                memory_at = now + MEMORY_SECONDS
            if now >= next_at:
                self.samples.append(self.sample(pool, base, start))
                next_at += self.args.sample_seconds
            stop.wait(0.2)
        if not warm_taken:
            self.memory.observe(time.monotonic() - start, "warm")
        if not self.samples or time.monotonic() - start - self.samples[-1].at > 1.0:
            self.samples.append(self.sample(pool, base, start))

    def sample(self, pool: urllib3.PoolManager, base: str, start: float) -> Sample:
        try:
            ready = pool.request("GET", f"{base}/readyz").status
        except urllib3.exceptions.HTTPError:
            ready = 0
        lag, events = projection_lag(self.database_url)
        assert self.memory is not None
        rss = self.memory.observe(time.monotonic() - start)
        return Sample(time.monotonic() - start, lag, events, ready, rss)

    def drain(self) -> float | None:
        """After the load: seconds until every projection has applied every event."""
        started = time.monotonic()
        while time.monotonic() - started < 120:
            if projection_lag(self.database_url)[0] == 0:
                return time.monotonic() - started
            time.sleep(0.5)
        return None

    # ------------------------------------------------------------ the report

    def report(self, drained: float | None) -> bool:
        records = self.records
        elapsed = self.seconds
        print()
        print(
            f"Soak: {elapsed / 60:g} min at {self.args.rate:g} requests/s offered from "
            f"{self.args.clients} clients; gunicorn {self.args.workers} x {self.args.threads} "
            f"gthread, one Celery worker (concurrency 1), beat; mix {self.args.mix}; "
            f"{len(self.fixture.investments)} investments at the start, {self.announced} "
            f"announced during the run"
        )
        header = (
            f"{'kind':<9} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8}"
        )
        print(header)
        print("-" * len(header))
        for kind in (*KINDS, "all"):
            times = sorted(r.ms for r in records if kind in ("all", r.kind))
            if not times:
                continue
            errors = sum(1 for r in records if kind in ("all", r.kind) and not r.ok)
            print(
                f"{kind:<9} {len(times):>9,} {errors:>7,} {len(times) / elapsed:>7.2f} "
                f"{api.percentile(times, 50):>8.1f} {api.percentile(times, 99):>8.1f} "
                f"{times[-1]:>8.1f}"
            )
        print(f"late starts (over 1 s behind schedule): {self.late}")
        if self.errors:
            print("errors: " + ", ".join(f"{k}: {n}" for k, n in sorted(self.errors.items())))
            for sample in self.error_samples:
                print(f"  {sample}")

        print()
        print("Over time (each window of the sampling interval):")
        print(
            f"{'t s':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'lag':>5} {'events':>7} "
            f"{'readyz':>6} {'RSS MB total':>12}"
        )
        previous = 0.0
        for sample in self.samples:
            window = sorted(r.ms for r in records if previous < r.at <= sample.at)
            span = max(sample.at - previous, 1e-9)
            print(
                f"{sample.at:>6.0f} {len(window) / span:>7.2f} "
                f"{api.percentile(window, 50):>8.1f} {api.percentile(window, 99):>8.1f} "
                f"{sample.lag:>5} {sample.events:>7} {sample.ready:>6} "
                f"{sum(sample.rss.values()) / 1024:>12.1f}"
            )
            previous = sample.at
        lags = [s.lag for s in self.samples]
        drain = f"{drained:.1f} s after the load stopped" if drained is not None else "NOT in 120 s"
        print(
            f"projection lag: max {max(lags, default=0)} events, mean "
            f"{sum(lags) / max(len(lags), 1):.1f}; drained {drain}"
        )

        print()
        memory_ok = self.report_memory()
        log_ok = self.check_log()
        errors = sum(1 for r in records if not r.ok)
        verdict = memory_ok and log_ok and drained is not None and errors == 0
        print(
            f"memory bound: {'met' if memory_ok else 'NOT met'}; errors: {errors}; views "
            f"drained: {'yes' if drained is not None else 'NO'}; log: "
            f"{'OK' if log_ok else 'MISMATCH'} -> {'PASS' if verdict else 'FAIL'}"
        )
        return verdict

    def report_memory(self) -> bool:
        """Every process seen, with its growth against the bound; for a role whose children
        were replaced (pool generations), the highest RSS any of them reached against the
        first one's after the warm-up, under the same bound."""
        from django.conf import settings

        assert self.memory is not None
        tracked = sorted(
            self.memory.tracked.values(), key=lambda t: (t.name.split()[0], t.first_at)
        )
        print(
            f"Memory (RSS, MB), every process, sampled every {MEMORY_SECONDS:g} s: when the load "
            f"began, after the {self.warmup:g} s warm-up (or when first seen, for a process "
            f"started later), at the end (or when last seen), the highest sample; bound: growth "
            f"under {GROWTH_PCT:g} % and under {GROWTH_MB:g} MB"
        )
        print(
            f"  {'process':<16} {'pid':>7} {'seen s':>11} {'launch':>7} {'warm':>7} {'end':>7} "
            f"{'max':>7}  {'growth':>9} {'':>7}"
        )
        memory_ok = True

        def verdict(reference: int, value: int) -> tuple[str, bool]:
            grown = (value - reference) / 1024
            pct = 100 * (value - reference) / reference if reference else float("inf")
            met = bool(reference) and grown < GROWTH_MB and pct < GROWTH_PCT
            return f"{grown:+6.1f} MB {pct:+6.1f} %  {'met' if met else 'NOT MET'}", met

        for t in tracked:
            text, met = verdict(t.reference, t.last)
            memory_ok &= met
            seen = f"{t.first_at:.0f}-{t.last_at:.0f}"
            launch = f"{t.launch / 1024:.1f}" if t.launch is not None else "-"
            warm = f"{t.reference / 1024:.1f}" + ("" if t.warm is not None else "*")
            print(
                f"  {t.name:<16} {t.pid:>7} {seen:>11} {launch:>7} {warm:>7} "
                f"{t.last / 1024:>7.1f} {t.peak / 1024:>7.1f}  {text}"
            )
        if any(t.warm is None for t in tracked):
            print("  * first seen after the warm-up: growth counted from its first sample")
        limit = settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
        for role in sorted(self.memory.generations):
            generations = [t for t in tracked if t.name.startswith(f"{role} child")]
            replaced = [t for t in generations if t.pid not in self.memory.alive]
            if not replaced or generations[0].warm is None:
                continue
            first, highest = generations[0], max(generations, key=lambda t: t.peak)
            text, met = verdict(first.reference, highest.peak)
            memory_ok &= met
            why = f" (pool process replaced after {limit} tasks)" if role == "worker" else ""
            print(
                f"  {role}: {len(generations)} child processes, {len(replaced)} replaced during "
                f"the run{why}; the highest RSS of any, {highest.peak / 1024:.1f} MB "
                f"({highest.name}), against the first's after the warm-up: {text}"
            )
        return memory_ok

    def check_log(self) -> bool:
        from events import ledger, store

        own = [s for s in self.fixture.streams if s]
        recorded = {s: store.current_version(s) - 1 for s in own}
        mismatched = [s for s in own if recorded[s] != self.accepted.get(s, 0)]
        verification = ledger.verify()
        print(
            f"log check: {sum(recorded.values()):,} events on the append streams, "
            f"{sum(self.accepted.values()):,} appends answered 201, {len(mismatched)} streams "
            f"differ; ledger {'intact' if verification.ok else 'NOT intact'} "
            f"({verification.checked:,} events verified)"
        )
        return not mismatched and verification.ok


WRITES = ("append", "announce")
PARTIES: list[str] = []


def personnel_hired(version: int) -> dict[str, Any]:
    occurred = datetime.now(UTC) - timedelta(seconds=1)
    return {
        "type": "KeyPersonnelHired",
        "data": {
            "occurred_at": occurred.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "count": 1,
            "roles": ["engineer"],
        },
        "expected_version": version,
    }


def projection_lag(database_url: str) -> tuple[int, int]:
    """(events not yet applied by the slowest projection, events in the log), counted in
    the database: sealed or not, every committed event counts."""
    from events.projections import get_projections

    wanted = [p.name for p in get_projections()]
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        events = conn.execute("SELECT count(*) FROM events_event").fetchone()
        rows = conn.execute(
            "SELECT name, position FROM events_projection_checkpoint WHERE name = ANY(%s)",
            [wanted],
        ).fetchall()
    total = int(events[0]) if events else 0
    positions = dict(rows)
    slowest = min((positions.get(n, 0) for n in wanted), default=total)
    return total - slowest, total


def load_parties() -> None:
    from compliance.models import Party

    PARTIES.extend(Party.objects.values_list("stream_id", flat=True))


if __name__ == "__main__":
    main()
