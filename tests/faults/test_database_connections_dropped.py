"""5c: PostgreSQL drops the app's connections (``pg_terminate_backend``) while clients append
and read through gunicorn. Every answer is a success, a 409-free retryable 503 or a
connection the client may retry; every acknowledged append is in the log exactly once;
nothing unacknowledged is half-written; and once the drops stop, the app serves again by
itself."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from events import ledger, projections, store
from events.models import IdempotencyRecord
from tests.faults.portfolio import analyst_token, personnel_hired, record_portfolio
from tests.faults.services import (
    Answer,
    ApiClient,
    Process,
    app_env,
    gunicorn,
    scalar,
    wait_until_serving,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

APP_NAME = "faults-dropped"
CLIENTS = 6
STORM_SECONDS = 12.0
TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE application_name = %s AND datname = current_database()"
)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.acknowledged: dict[str, list[tuple[int, str, str]]] = {}  # stream -> (v, id, key)

    def count(self, kind: str, answer: Answer | None, error: Exception | None = None) -> None:
        with self.lock:
            if error is not None:
                self.statuses[f"{kind} {type(error).__name__}"] += 1
                return
            assert answer is not None
            self.statuses[f"{kind} {answer.status}"] += 1
            if answer.status == 503 and not (
                answer.body.get("code") == "unavailable" and answer.headers.get("Retry-After")
            ):
                self.unexpected.append(f"{kind}: 503 without the problem body: {answer.body}")

    def fail(self, message: str) -> None:
        with self.lock:
            self.unexpected.append(message)


def append_until_answered(
    api: ApiClient, tally: Tally, stream: str, version: int, deadline: float
) -> int:
    """Record one event, retrying the same request (same idempotency key) while the answer
    is a 503 or no answer at all; return the stream's new version."""
    key = f"faults-{uuid.uuid4().hex}"
    sent = personnel_hired(version)
    path = f"/api/v1/streams/{stream}/events/"
    while time.monotonic() < deadline:
        try:
            answer = api.request("POST", path, sent, {"Idempotency-Key": key})
        except (OSError, http.client.HTTPException) as exc:
            tally.count("append", None, exc)
            time.sleep(0.05)
            continue
        tally.count("append", answer)
        if answer.status == 201:
            assert answer.body["version"] == version + 1, answer.body
            with tally.lock:
                tally.acknowledged.setdefault(stream, []).append(
                    (answer.body["version"], answer.body["event_id"], key)
                )
            return version + 1
        if answer.status != 503:
            tally.fail(f"append at {version}: {answer.status} {answer.body}")
            raise AssertionError("unexpected answer")
        time.sleep(0.05)
    raise TimeoutError


def read(api: ApiClient, tally: Tally, path: str) -> Answer | None:
    try:
        answer = api.request("GET", path)
    except (OSError, http.client.HTTPException) as exc:
        tally.count("read", None, exc)
        return None
    tally.count("read", answer)
    if answer.status not in (200, 503):
        tally.fail(f"GET {path}: {answer.status} {answer.body}")
    return answer


def test_dropped_database_connections(
    launch: Callable[[Process], Process], test_database_url: str, tmp_path: Path
) -> None:
    streams = record_portfolio(CLIENTS, parties=3)
    projections.catch_up()  # the investments' read models, for the reads
    token = analyst_token(streams)
    env = app_env(test_database_url, app_name=APP_NAME)
    address = wait_until_serving(launch(gunicorn(env, tmp_path / "gunicorn.log", threads=4)))
    start = {s: store.current_version(s) for s in streams}
    tally = Tally()
    storm = threading.Event()
    storm.set()
    terminated = [0]

    def killer() -> None:
        with psycopg.connect(test_database_url, autocommit=True) as conn:
            while storm.is_set():
                terminated[0] += scalar(conn, TERMINATE, [APP_NAME])
                time.sleep(0.15)

    def client(index: int) -> None:
        api = ApiClient(address, token, timeout=20)
        stream = streams[index]
        version = start[stream]
        deadline = time.monotonic() + STORM_SECONDS + 60
        try:
            while storm.is_set():
                version = append_until_answered(api, tally, stream, version, deadline)
                answer = read(api, tally, f"/api/v1/streams/{stream}/events/")
                if answer is not None and answer.status == 200:
                    versions = [e["version"] for e in answer.body["events"]]
                    if versions != list(range(1, len(versions) + 1)):
                        tally.fail(f"a read of {stream} saw versions {versions}")
                read(api, tally, f"/api/v1/investments/{stream}/")
                read(api, tally, "/api/v1/risk-matrix/")
        except Exception as exc:
            tally.fail(f"client {index}: {type(exc).__name__}: {exc}")
        finally:
            api.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    killing = threading.Thread(target=killer)
    for thread in [*threads, killing]:
        thread.start()
    time.sleep(STORM_SECONDS)
    storm.clear()
    for thread in [*threads, killing]:
        thread.join(timeout=90)

    print(f"{terminated[0]} connections terminated; answers: {dict(tally.statuses)}")
    assert tally.unexpected == [], (tally.unexpected[:10], tally.statuses)
    assert terminated[0] > 20, f"only {terminated[0]} connections were terminated"
    assert tally.statuses["append 503"] + tally.statuses["read 503"] > 0, tally.statuses
    assert tally.statuses["append 201"] > 0, tally.statuses

    # The drops stopped: the app recovers by itself. A connection dropped while idle may
    # answer one more 503 (the next request finds it dead and discards it); after that,
    # every request of every client succeeds.
    recovered = ApiClient(address, token)
    for _ in range(20):  # more than gunicorn's 2 x 4 threads, each with its connection
        with contextlib.suppress(OSError, http.client.HTTPException):
            recovered.request("GET", "/api/v1/risk-matrix/")
    for stream in streams:
        version = store.current_version(stream)
        for _ in range(3):
            answer = recovered.request(
                "POST", f"/api/v1/streams/{stream}/events/", personnel_hired(version)
            )
            assert answer.status == 201, answer.body
            version += 1
        assert recovered.request("GET", f"/api/v1/investments/{stream}/").status == 200
    assert recovered.request("GET", "/api/v1/risk-matrix/").status == 200

    # The log: every acknowledged append exactly once, nothing else, nothing half-written.
    keys = set()
    for stream in streams:
        recorded = store.read_stream(stream, effective=False)
        assert [r.version for r in recorded] == list(range(1, len(recorded) + 1))
        during = recorded[start[stream] : start[stream] + len(tally.acknowledged.get(stream, []))]
        acknowledged = tally.acknowledged.get(stream, [])
        assert [(r.version, str(r.event_id)) for r in during] == [
            (v, i) for v, i, _ in acknowledged
        ]
        assert len(recorded) == start[stream] + len(acknowledged) + 3  # and the 3 after
        keys |= {key for _, _, key in acknowledged}
    # The API keeps a key as "api:<user>:<key>": the same keys, each with its record.
    recorded_keys = [
        k.rsplit(":", 1)[1]
        for k in IdempotencyRecord.objects.filter(key__contains=":faults-").values_list(
            "key", flat=True
        )
    ]
    assert sorted(recorded_keys) == sorted(keys), "idempotency records and events differ"
    verification = ledger.verify()
    assert verification.ok, verification.failure
