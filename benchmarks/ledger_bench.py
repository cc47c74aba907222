"""Benchmark the auditor-grade ledger (issue 9): verifying a log of N events against a signed
checkpoint, signing the first checkpoint, and the size of a proof bundle for one stream of 100
events spread over the whole log.

Run from the repository root (see docs/BENCHMARKS.md)::

    .venv/bin/python benchmarks/ledger_bench.py                    # 1,000,000 events
    .venv/bin/python benchmarks/ledger_bench.py --events 100000    # smaller, faster
    .venv/bin/python benchmarks/ledger_bench.py --json results.json
    .venv/bin/python benchmarks/ledger_bench.py --compare /tmp/old-tree  # old code vs this

``--compare TREE`` (a ``git worktree`` of an older commit) also times the full verification
with the checkpoint by that tree's code and by this one, each in its own process on the same
log, alternated ``--rounds`` times, and reports the ratio of the medians.

It creates a fresh PostgreSQL database (dropped at the end, even on error), appends the log
through ``events.store.append`` (filler streams of 1,000 events per append, and one event of
the target stream after every N/100 filler events, so its 100 events span the log), seals it,
then times: the first checkpoint (which recomputes every hash and link from genesis), the
verification of the whole log without and with that checkpoint (``ledger.verify``: every
event hash, link, stream version and, with the checkpoint, the Merkle root), the export of
the target stream's bundle, and its offline check (``python -m events.verify`` in a
subprocess), then appends 1,000 more events and times a resumed verification (which walks
only the events after the checkpoint).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--json", help="Also write the results to this file.")
    parser.add_argument("--compare", help="A worktree of older code to time beside this one.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    args = parser.parse_args()
    name = f"ledger_bench_{os.getpid()}"
    admin = f"host={args.host} port={args.port} user={args.user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    folder = tempfile.mkdtemp(prefix="ledger_bench_")
    try:
        os.environ.update(
            DATABASE_URL=f"postgres://{args.user}@{args.host}:{args.port}/{name}",
            DJANGO_SETTINGS_MODULE="tracker.settings",
            EVENTS_DISPATCH_ON_COMMIT="false",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="benchmark",
            EVENTS_CHECKPOINT_DIR=folder,
        )
        results = run(args.events, Path(folder), args.compare, args.rounds)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped {name}")
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")


# Run in a tree's own directory, so that tree's ``events`` is imported.
TIMED_VERIFY = """
import json, sys, time, django
django.setup()
from events import checkpoints, ledger
started = time.perf_counter()
result = ledger.verify(checkpoints.stored(), trusted_keys=[sys.argv[1]])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "ok": result.ok, "checked": result.checked}))
"""


def timed_verify(tree: Path, key: str) -> float:
    """A full verification with the stored checkpoint by ``tree``'s code, in its own process."""
    done = subprocess.run(
        [sys.executable, "-c", TIMED_VERIFY, key],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"], done.stdout
    log(f"{tree}: full verification of {result['checked']:,} in {result['seconds']:.1f} s")
    return float(result["seconds"])


def run(total: int, folder: Path, compare: str | None = None, rounds: int = 2) -> dict[str, Any]:
    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.conf import settings
    from django.core.management import call_command

    from events import checkpoints, ledger, proofs, signatures, store
    from events.types import Event, registry

    @registry.register
    @dataclass(frozen=True, kw_only=True)
    class BenchRecorded(Event):
        name: str
        amount: int

    call_command("migrate", verbosity=0)
    key = Ed25519PrivateKey.generate()
    settings.EVENTS_CHECKPOINT_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    batch, target, every = 1000, "bench-target", max(total // 100, 1)
    started = time.perf_counter()
    written = target_version = 0
    stream_number = 0
    while written < total:
        size = min(batch, total - written)
        events = [
            BenchRecorded(
                occurred_at=t0 + timedelta(seconds=written + i), name=f"e{written + i}", amount=i
            )
            for i in range(size)
        ]
        store.append(f"bench-{stream_number}", events, expected_version=0)
        stream_number += 1
        written += size
        while target_version < 100 and written >= (target_version + 1) * every:
            store.append(
                target,
                [BenchRecorded(occurred_at=t0, name=f"target-{target_version}", amount=1)],
                expected_version=target_version,
            )
            target_version += 1
        if stream_number % 100 == 0:
            log(f"appended {written:,}")
    append_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ledger.seal()
    seal_seconds = time.perf_counter() - started
    head = ledger.head()[0]
    log(f"log of {head:,} events sealed; checkpointing")

    started = time.perf_counter()
    checkpoint = checkpoints.checkpoint_create()
    checkpoint_seconds = time.perf_counter() - started

    started = time.perf_counter()
    plain = ledger.verify()
    verify_plain = time.perf_counter() - started
    assert plain.ok, plain.failure
    log(f"verified without checkpoints in {verify_plain:.1f} s")
    trusted = [signatures.public_text(key.public_key())]
    started = time.perf_counter()
    full = ledger.verify(checkpoints.stored(), trusted_keys=trusted)
    verify_checked = time.perf_counter() - started
    assert full.ok and full.checkpoints[0].status == "matches", full
    log(f"verified with the checkpoint in {verify_checked:.1f} s")

    started = time.perf_counter()
    bundle = proofs.bundle_build(proofs.subject_for("stream", target))
    export_seconds = time.perf_counter() - started
    text = json.dumps(bundle, indent=1, sort_keys=True) + "\n"
    path = folder / "bundle.json"
    path.write_text(text)
    started = time.perf_counter()
    checked = subprocess.run(
        [sys.executable, "-m", "events.verify", str(path), "--public-key", trusted[0]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    offline_seconds = time.perf_counter() - started
    assert checked.returncode == 0, checked.stderr
    proof_lengths = [len(e["proof"]) for e in bundle["events"]]

    compared: dict[str, Any] = {}
    if compare:
        old_times, new_times = [], []
        for _ in range(rounds):
            old_times.append(timed_verify(Path(compare), trusted[0]))
            new_times.append(timed_verify(ROOT, trusted[0]))
        compared = {
            "old_tree": compare,
            "old_full_verify_seconds": [round(t, 2) for t in old_times],
            "new_full_verify_seconds": [round(t, 2) for t in new_times],
            "new_over_old_median": round(
                statistics.median(new_times) / statistics.median(old_times), 3
            ),
        }

    store.append(
        "bench-tail",
        [BenchRecorded(occurred_at=t0, name=f"tail-{i}", amount=i) for i in range(1000)],
        expected_version=0,
    )
    ledger.seal()
    started = time.perf_counter()
    resumed = ledger.verify(checkpoints.stored(), trusted_keys=trusted, resume=True)
    resumed_seconds = time.perf_counter() - started
    assert resumed.ok and resumed.started_after == head and resumed.checked == 1000, resumed
    return {
        "events": head,
        "python": platform.python_version(),
        "append_seconds": round(append_seconds, 1),
        "seal_seconds": round(seal_seconds, 1),
        "first_checkpoint_seconds": round(checkpoint_seconds, 2),
        "verify_seconds_without_checkpoints": round(verify_plain, 2),
        "verify_seconds_with_checkpoint": round(verify_checked, 2),
        "verify_events_per_second": round(head / verify_checked),
        "bundle_events": len(bundle["events"]),
        "bundle_bytes": len(text.encode()),
        "bundle_bytes_gzip": len(gzip.compress(text.encode())),
        "proof_hashes_per_event": max(proof_lengths),
        "export_seconds": round(export_seconds, 2),
        "offline_verify_seconds": round(offline_seconds, 2),
        "checkpoint_position": checkpoint.position,
        "resumed_verify_seconds_1000_new_events": round(resumed_seconds, 3),
        **compared,
    }


if __name__ == "__main__":
    main()
