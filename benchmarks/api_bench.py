"""Benchmark the REST API under load: gunicorn on PostgreSQL, driven by concurrent clients from
a second process.

    .venv/bin/python benchmarks/api_bench.py                    # 32 clients for 30 s
    .venv/bin/python benchmarks/api_bench.py --quick            # 32 clients for 5 s
    .venv/bin/python benchmarks/api_bench.py --investments 100  # a larger portfolio
    .venv/bin/python benchmarks/api_bench.py --clients 8 --think-ms 50 --workers 4 --threads 2
    .venv/bin/python benchmarks/api_bench.py --rate 64         # open loop: 64 requests/s offered

A fresh PostgreSQL database (``api_bench_<pid>``) is created, migrated and loaded with the
built-in scenario (``load_scenario public-ai-investments``: 6 investments), optionally with
synthetic investments between the scenario's parties (``--investments N``, six events each).
Every analyst client gets a fresh investment stream of its own (announced only), which only it
appends to. The projections are then caught up (``catch_up_projections``). One matter covers
every investment; each client signs in with its own token: three clients in four are analysts,
the fourth a viewer. The CPU used in the measured window by the gunicorn processes, the
database's backends and the benchmark process itself is read from /proc and reported per
request, with the load average (the machine may be shared). At the end the log is checked:
every 201 must be there, once.

gunicorn serves ``tracker.wsgi`` (gthread workers, ``DEBUG`` off, the user throttle raised,
no Celery dispatch on commit, persistent database connections). The benchmark process then runs
the clients, each a thread with one keep-alive ``urllib3`` connection, for a fixed time after
a warm-up, in one of two load models:

* closed loop (the default): each client sends its next request as soon as the previous one is
  answered (after ``--think-ms``, if given). With no think time this measures saturation: the
  clients always keep ``--clients`` requests in flight, so latency is set by the queue (Little's
  law: mean latency = clients / throughput), whatever the server's speed.
* open loop (``--rate R``): requests arrive at R per second in total, as a Poisson process
  split evenly over the clients (each client R / clients per second, exponential gaps). A
  request's latency counts from the moment it was due, not from when its client was free to
  send it, so a server that falls behind is not hidden (no coordinated omission); requests
  sent more than 1 s late are counted too.

The mix, per request:

* ``matrix``: GET /api/v1/risk-matrix/ (the user's whole portfolio);
* ``findings``: GET /api/v1/investments/<id>/findings/ (a random investment of the matter);
* ``append``: POST /api/v1/streams/<own investment>/events/, a ``KeyPersonnelHired`` at the
  stream's version (tracked from the previous answer; a 409 is counted apart and retried at
  the ``current_version`` it names). Viewers do not append.

Reported per kind: requests, errors (any status but 200 for reads and 201 or 409 for appends,
or no answer at all), 409s, throughput, and p50 / p95 / p99 latency measured by the client.
Targets: p99 under 50 ms for reads and under 100 ms for appends, with zero errors, for 32
clients working at a script's pace: ``--rate 32`` (one request per second per client). At
saturation (closed loop, no think time) the latency is set by the queue, not the server: 32
requests in flight at N requests/s wait 32 / N s on average, so no server on two cores meets
a 50 ms p99 there; that run reports the throughput. gunicorn is stopped and the database
dropped at the end, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import urllib3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = ("matrix", "findings", "append")
TARGET_MS = {"matrix": 50.0, "findings": 50.0, "append": 100.0}
MATTER = "BENCH-1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 s instead of 30 s")
    parser.add_argument("--seconds", type=float, default=None, help="measured time (30)")
    parser.add_argument("--warmup", type=float, default=None, help="unmeasured start (3, quick 1)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--investments", type=int, default=0, help="synthetic ones, beyond the 6")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause between requests")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="open loop: requests per second offered in all"
    )
    parser.add_argument(
        "--mix", default="matrix=2,findings=2,append=1", help="weights of the request kinds"
    )
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    args = parser.parse_args()
    seconds = args.seconds or (5.0 if args.quick else 30.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    mix = {k: float(w) for k, _, w in (p.partition("=") for p in args.mix.split(","))}
    if set(mix) - set(KINDS) or not any(mix.values()):
        parser.error(f"--mix takes weights of {', '.join(KINDS)}")
    if args.rate and args.think_ms:
        parser.error("--rate (open loop) and --think-ms (closed loop) exclude each other")

    name = f"api_bench_{os.getpid()}"
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
        fixture = prepare(args.clients, args.investments)
        with tempfile.NamedTemporaryFile(prefix="api_bench_gunicorn_", suffix=".log") as output:
            serve_and_drive(args, fixture, mix, seconds, warmup, name, admin, output)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped {name}")


def serve_and_drive(
    args: argparse.Namespace, fixture: Fixture, mix: dict[str, float], seconds: float,
    warmup: float, name: str, admin: str, output: Any,
) -> None:  # fmt: skip
    database_url = f"postgres://{args.user}@{args.host}:{args.port}/{name}"
    port = free_port()
    server = start_gunicorn(database_url, port, args.workers, args.threads, output)
    failed = True
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, fixture.tokens[0], server)
        log(
            f"gunicorn ready on {base}: {args.workers} gthread workers x {args.threads} threads "
            f"(pid {server.pid})"
        )
        results = drive(
            base, fixture, mix, seconds, warmup, args.think_ms, args.rate, server.pid, name, admin
        )
        report(results, fixture, args)
        check_log(fixture, results)
        failed = False
    finally:
        stop_gunicorn(server)
        lines = Path(output.name).read_text(errors="replace").splitlines()
        problems = [line for line in lines if " ERROR " in line or "Traceback" in line]
        if problems:
            print(f"gunicorn log: {len(problems)} error lines; the last ones:")
            print("\n".join(problems[-10:]))
        if failed:
            print("gunicorn log, last lines:\n" + "\n".join(lines[-30:]))


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------- the data and the users


@dataclass
class Fixture:
    investments: list[str]  # every investment of the matter
    tokens: list[str]  # one per client
    roles: list[str]  # "analyst" or "viewer", one per client
    streams: list[str | None]  # the stream each client appends to (None for viewers)
    findings: int = 0


def prepare(clients: int, extra: int) -> Fixture:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from compliance.models import InvestmentPosition, Matter, MatterInvestment, RiskFinding
    from compliance.scenarios import public_ai_investments as scenario
    from events import ledger

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_scenario", "public-ai-investments", stdout=open(os.devnull, "w"))  # noqa: SIM115
    parties = [v for k, v in vars(scenario).items() if k.isupper() and str(v).startswith("party-")]
    roles = ["viewer" if i % 4 == 3 else "analyst" for i in range(clients)]
    own = [f"investment-bench-client-{i}" if r == "analyst" else None for i, r in enumerate(roles)]
    synthetic = record_synthetic(extra, parties, [s for s in own if s])
    ledger.seal()
    call_command("catch_up_projections", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    investments = sorted(InvestmentPosition.objects.values_list("stream_id", flat=True))
    matter = Matter.objects.create(code=MATTER, name="Load test")
    MatterInvestment.objects.bulk_create(
        MatterInvestment(matter=matter, investment_id=i) for i in investments
    )
    tokens = []
    for i, role in enumerate(roles):
        user = User.objects.create_user(f"bench-{role}-{i}")
        user.groups.add(Group.objects.get(name=role))
        matter.members.add(user)
        tokens.append(Token.objects.create(user=user).key)
    findings = RiskFinding.objects.count()
    log(
        f"prepared in {time.perf_counter() - started:.1f} s: {len(investments)} investments "
        f"({synthetic} synthetic, {sum(1 for s in own if s)} append streams), {findings} "
        f"findings, {ledger.head()[0]:,} events; {roles.count('analyst')} analysts, "
        f"{roles.count('viewer')} viewers"
    )
    read_targets = [i for i in investments if i not in set(own)]
    return Fixture(read_targets, tokens, roles, own, findings)


def record_synthetic(count: int, parties: list[str], own: list[str]) -> int:
    """Investments between random pairs of the scenario's parties, six events each; and the
    clients' own streams, announced only."""
    from compliance.domain import events as e
    from compliance.domain.values import AgreementKind, GovernanceRight, Instrument, Money
    from events import store

    rng = random.Random(11)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)

    def eur(millions: int) -> Money:
        return Money(amount=Decimal(millions) * 1_000_000, currency="EUR")

    for i in range(count):
        investor, target = rng.sample(parties, 2)
        days = sorted(rng.sample(range(1, 600), 5))
        at = [t0 + timedelta(days=d) for d in days]
        store.append(
            f"investment-bench-{i}",
            [
                e.InvestmentAnnounced(
                    occurred_at=t0, investor_id=investor, target_id=target, title=f"Deal {i}"
                ),
                e.StakeAcquired(
                    occurred_at=at[0], instrument=Instrument.ORDINARY_SHARES,
                    amount=eur(rng.randint(1, 4000)), equity_pct=Decimal(rng.randint(1, 30)),
                    voting_pct=Decimal(rng.randint(0, 30)),
                ),
                e.GovernanceRightGranted(
                    occurred_at=at[1], right=rng.choice(list(GovernanceRight))
                ),
                e.CommercialAgreementSigned(
                    occurred_at=at[2], agreement_id="a1", kind=rng.choice(list(AgreementKind)),
                    exclusive=rng.random() < 0.3, value=eur(rng.randint(1, 2000)),
                ),
                e.KeyPersonnelHired(occurred_at=at[3], count=rng.randint(1, 80)),
                e.LicenceFeePaid(occurred_at=at[4], amount=eur(rng.randint(1, 500))),
            ],
            expected_version=0,
        )  # fmt: skip
    for i, stream_id in enumerate(own):
        investor, target = rng.sample(parties, 2)
        store.append(
            stream_id,
            [e.InvestmentAnnounced(occurred_at=t0, investor_id=investor, target_id=target,
                                   title=f"Load test stream {i}")],
            expected_version=0,
        )  # fmt: skip
    return count


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    database_url: str, port: int, workers: int, threads: int, output: Any
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback, no TLS proxy
        "API_THROTTLE_USER": "1000000/min",
        "EVENTS_DISPATCH_ON_COMMIT": "false",
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "ERROR",  # not a warning line per 409
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "tracker.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--keep-alive", "60",
        "--backlog", "256",
        "--no-control-socket",
        "--chdir", str(ROOT),
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_ready(base: str, token: str, server: subprocess.Popen[bytes]) -> None:
    pool = urllib3.PoolManager(retries=False, timeout=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            answer = pool.request("GET", f"{base}/api/v1/me/", headers=auth(token))
            if answer.status == 200:
                return
            raise RuntimeError(f"GET /api/v1/me/ answered {answer.status}: {answer.data[:300]!r}")
        except urllib3.exceptions.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: the arbiter and workers
            server.wait()
    log(f"gunicorn stopped (status {server.returncode})")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "Accept": "application/json"}


# ---------------------------------------------------------------- the clients


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    conflicts: int = 0
    accepted: int = 0
    late: int = 0  # open loop: requests sent more than 1 s after they were due
    statuses: dict[str, int] = field(default_factory=dict)  # unexpected "kind status" -> count
    samples: list[str] = field(default_factory=list)  # bodies of the first unexpected answers

    def unexpected(self, kind: str, status: int | str, body: bytes | str) -> None:
        self.errors[kind] += 1
        key = f"{kind} {status}"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if len(self.samples) < 5:
            text = body.decode(errors="replace") if isinstance(body, bytes) else body
            self.samples.append(f"{key}: {text[:300]}")


@dataclass
class Results:
    tallies: list[Tally]
    warmups: list[Tally]
    elapsed: float
    versions: dict[str, int]  # own stream -> the version the client last saw
    cpu: dict[str, float]  # CPU seconds used in the measured window, by whom


def drive(
    base: str, fixture: Fixture, mix: dict[str, float], seconds: float, warmup: float,
    think_ms: float, rate: float, server_pid: int, database: str, admin: str,
) -> Results:  # fmt: skip
    port = int(base.rsplit(":", 1)[1])
    clients = len(fixture.tokens)
    tallies = [Tally() for _ in range(clients)]
    warmups = [Tally() for _ in range(clients)]
    versions: dict[str, int] = {s: 1 for s in fixture.streams if s}
    start_barrier = threading.Barrier(clients + 1)
    window: dict[str, float] = {}

    def client(index: int) -> None:
        rng = random.Random(1000 + index)
        token = fixture.tokens[index]
        stream = fixture.streams[index]
        kinds = [k for k in KINDS if mix.get(k) and (k != "append" or stream)]
        weights = [mix[k] for k in kinds]
        headers = auth(token)
        post_headers = {**headers, "Content-Type": "application/json"}
        pool = urllib3.HTTPConnectionPool(
            "127.0.0.1", port, maxsize=1, block=True, retries=False, timeout=30
        )
        start_barrier.wait()
        tally = warmups[index]  # not reported, but its appends are in the log
        measuring = False
        due = window["begin"] + (rng.expovariate(rate / clients) if rate else 0.0)
        while True:
            now = time.perf_counter()
            if rate:  # open loop: wait for the next arrival, then count from it
                if due >= window["end"]:
                    break
                if due > now:
                    time.sleep(due - now)
                now, started = due, due
                due += rng.expovariate(rate / clients)
            else:
                started = None
            if not measuring and now >= window["start"]:
                tally, measuring = tallies[index], True
            if now >= window["end"]:
                break
            if started is not None and time.perf_counter() - started > 1.0:
                tally.late += 1
            kind = rng.choices(kinds, weights)[0]
            try:
                if kind == "matrix":
                    path = "/api/v1/risk-matrix/"
                    request(pool, tally, kind, "GET", path, headers, 200, started=started)
                elif kind == "findings":
                    investment = rng.choice(fixture.investments)
                    path = f"/api/v1/investments/{investment}/findings/"
                    request(pool, tally, kind, "GET", path, headers, 200, started=started)
                else:
                    assert stream is not None
                    append(pool, tally, stream, versions, post_headers, started)
            except urllib3.exceptions.HTTPError as exc:  # no answer: an error too
                tally.unexpected(kind, type(exc).__name__, str(exc))
                pool.close()
                pool = urllib3.HTTPConnectionPool(
                    "127.0.0.1", port, maxsize=1, block=True, retries=False, timeout=30
                )
            if think_ms:
                time.sleep(think_ms / 1000)
        pool.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["begin"] = now
    window["start"] = now + warmup
    window["end"] = now + warmup + seconds
    start_barrier.wait()
    log(f"{clients} clients: {warmup:g} s warm-up, then {seconds:g} s measured")
    time.sleep(max(0.0, window["start"] - time.perf_counter()))
    before = cpu_snapshot(server_pid, database, admin)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - window["start"]
    after = cpu_snapshot(server_pid, database, admin)
    cpu = {k: after[k] - before[k] for k in after}
    cpu.update(load_before=before["load"], load_after=after["load"])
    return Results(tallies, warmups, elapsed, versions, cpu)


def cpu_snapshot(server_pid: int, database: str, admin: str) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers, the database's backends and this
    process (from /proc; Linux only), and the machine's 1-minute load average."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    workers = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent(p) == server_pid
    ]
    with psycopg.connect(admin, autocommit=True) as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
            )
        ]
    times = os.times()
    return {
        "gunicorn": sum(used(pid) for pid in [server_pid, *workers]),
        "postgres": sum(used(pid) for pid in backends),
        "client": times.user + times.system,
        "wall": time.perf_counter(),
        "load": os.getloadavg()[0],
    }


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def request(
    pool: urllib3.HTTPConnectionPool, tally: Tally, kind: str, method: str, path: str,
    headers: dict[str, str], expected: int, body: bytes | None = None,
    started: float | None = None,
) -> urllib3.BaseHTTPResponse:  # fmt: skip
    """One request; its latency counts from ``started`` (when it was due) if given."""
    if started is None:
        started = time.perf_counter()
    answer = pool.urlopen(method, path, body=body, headers=headers, redirect=False)
    tally.latencies[kind].append((time.perf_counter() - started) * 1000)
    if answer.status != expected and not (kind == "append" and answer.status == 409):
        tally.unexpected(kind, answer.status, answer.data)
    return answer


def append(
    pool: urllib3.HTTPConnectionPool, tally: Tally, stream: str, versions: dict[str, int],
    headers: dict[str, str], started: float | None = None,
) -> None:  # fmt: skip
    occurred = datetime.now(UTC) - timedelta(seconds=1)
    body = json.dumps(
        {
            "type": "KeyPersonnelHired",
            "data": {
                "occurred_at": occurred.isoformat(timespec="microseconds").replace("+00:00", "Z"),
                "count": 1,
                "roles": ["engineer"],
            },
            "expected_version": versions[stream],
        }
    ).encode()
    path = f"/api/v1/streams/{stream}/events/"
    answer = request(pool, tally, "append", "POST", path, headers, 201, body, started)
    if answer.status == 201:
        tally.accepted += 1
        versions[stream] = json.loads(answer.data)["version"]
    elif answer.status == 409:
        tally.conflicts += 1
        versions[stream] = json.loads(answer.data).get("current_version", versions[stream])


# ---------------------------------------------------------------- the report


def percentile(ordered: list[float], q: float) -> float:
    """The q-th percentile (0..100), by linear interpolation between closest ranks."""
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def report(results: Results, fixture: Fixture, args: argparse.Namespace) -> None:
    print()
    print(
        f"{len(fixture.tokens)} clients ({fixture.roles.count('analyst')} analysts, "
        f"{fixture.roles.count('viewer')} viewers), {results.elapsed:.1f} s measured, "
        f"gunicorn {args.workers} x {args.threads} gthread, "
        + (
            f"open loop at {args.rate:g} requests/s offered"
            if args.rate
            else f"closed loop, think time {args.think_ms:g} ms"
        )
        + f", mix {args.mix}; {len(fixture.investments)} investments readable, "
        f"{fixture.findings} findings"
    )
    header = (
        f"{'kind':<9} {'requests':>9} {'errors':>7} {'409s':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  target"
    )
    print(header)
    print("-" * len(header))
    total = 0
    all_met = True
    for kind in KINDS:
        times = sorted(t for tally in results.tallies for t in tally.latencies[kind])
        errors = sum(tally.errors[kind] for tally in results.tallies)
        conflicts = sum(t.conflicts for t in results.tallies) if kind == "append" else 0
        total += len(times)
        p50, p95, p99 = (percentile(times, q) for q in (50, 95, 99))
        met = bool(times) and p99 < TARGET_MS[kind] and errors == 0
        all_met &= met
        verdict = f"p99 < {TARGET_MS[kind]:g} ms, 0 errors: {'MET' if met else 'NOT MET'}"
        print(
            f"{kind:<9} {len(times):>9,} {errors:>7,} {conflicts:>6,} "
            f"{len(times) / results.elapsed:>8,.1f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
            f"{(times[-1] if times else float('nan')):>8.1f}  {verdict}"
        )
    print(f"{'all':<9} {total:>9,} {'':>7} {'':>6} {total / results.elapsed:>8,.1f}")
    print(f"targets: {'all MET' if all_met else 'NOT all met'}")
    if args.rate:
        late = sum(t.late for t in results.tallies)
        print(
            f"open loop: {args.rate:g} requests/s offered, {total / results.elapsed:.1f} served; "
            f"{late} requests sent more than 1 s after they were due"
        )
    cpu = results.cpu
    per = {
        k: cpu[k] / total * 1000 if total else float("nan")
        for k in ("gunicorn", "postgres", "client")
    }
    busy = (cpu["gunicorn"] + cpu["postgres"] + cpu["client"]) / cpu["wall"]
    print(
        f"CPU per request: gunicorn {per['gunicorn']:.1f} ms, PostgreSQL {per['postgres']:.1f} ms, "
        f"this client {per['client']:.1f} ms; the three used {busy:.2f} of {os.cpu_count()} "
        f"cores; load average {cpu['load_before']:.2f} before, {cpu['load_after']:.2f} after"
    )
    statuses: dict[str, int] = {}
    for tally in results.tallies:
        for key, n in tally.statuses.items():
            statuses[key] = statuses.get(key, 0) + n
    if statuses:
        print("unexpected answers: " + ", ".join(f"{k}: {n}" for k, n in sorted(statuses.items())))
        for tally in results.tallies:
            for sample in tally.samples[:2]:
                print(f"  {sample}")


def check_log(fixture: Fixture, results: Results) -> None:
    """Every 201 is in the log, once, and each stream is at the version its client last saw."""
    from events import store

    accepted = sum(t.accepted for t in results.tallies + results.warmups)
    warm_errors = sum(sum(t.errors.values()) for t in results.warmups)
    own = [s for s in fixture.streams if s]
    recorded = sum(store.current_version(s) - 1 for s in own)
    behind = [s for s in own if store.current_version(s) != results.versions[s]]
    longest = max((store.current_version(s) for s in own), default=0)
    print(
        f"log check: {recorded:,} events on the append streams, {accepted:,} appends "
        f"answered 201 (warm-up included; {warm_errors} errors in the warm-up); longest "
        f"stream {longest} events; {len(behind)} streams differ from their client's last "
        f"version: {'OK' if recorded == accepted and not behind else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
