"""5d: a burst of concurrent appends to one stream from many clients over HTTP. Every
accepted event is in the log exactly once, every other answer is a 409 naming the current
version, and the stream's versions are contiguous."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from events import ledger, store
from tests.faults.portfolio import analyst_token, record_portfolio
from tests.faults.services import (
    ApiClient,
    Process,
    app_env,
    gunicorn,
    wait_until_serving,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLIENTS = 24
ROUNDS = 12


def event_body(expected_version: int, client: int, round_: int) -> dict[str, object]:
    occurred = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {
        "type": "KeyPersonnelHired",
        "data": {"occurred_at": occurred, "count": client * 1000 + round_ + 1},
        "expected_version": expected_version,
    }


def test_concurrent_appends_to_one_stream(
    launch: Callable[[Process], Process], test_database_url: str, tmp_path: Path
) -> None:
    (stream,) = record_portfolio(1, parties=2)
    token = analyst_token([stream])
    env = app_env(test_database_url, app_name="faults-burst")
    address = wait_until_serving(launch(gunicorn(env, tmp_path / "gunicorn.log", threads=8)))
    start_version = store.current_version(stream)
    path = f"/api/v1/streams/{stream}/events/"

    accepted: list[tuple[int, str, int]] = []  # (version, event_id, count sent)
    conflicts: list[tuple[int, int]] = []  # (expected, current_version)
    unexpected: list[str] = []
    barrier = threading.Barrier(CLIENTS)
    lock = threading.Lock()

    def client(index: int) -> None:
        api = ApiClient(address, token)
        seen = start_version
        try:
            for round_ in range(ROUNDS):
                barrier.wait(timeout=60)  # all clients race for the same version
                body = event_body(seen, index, round_)
                answer = api.request("POST", path, body)
                with lock:
                    if answer.status == 201:
                        accepted.append(
                            (answer.body["version"], answer.body["event_id"], body["data"]["count"])  # type: ignore[index]
                        )
                        seen = answer.body["version"]
                    elif answer.status == 409 and answer.body.get("code") == "version_conflict":
                        conflicts.append((seen, answer.body["current_version"]))
                        seen = answer.body["current_version"]
                    else:
                        unexpected.append(f"{answer.status} {answer.body}")
        except Exception as exc:  # a broken client must fail the test, not hang it
            with lock:
                unexpected.append(f"client {index}: {type(exc).__name__}: {exc}")
            barrier.abort()
        finally:
            api.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    print(f"{len(accepted)} appends accepted, {len(conflicts)} answered 409")
    assert unexpected == []
    assert len(accepted) + len(conflicts) == CLIENTS * ROUNDS
    assert accepted, "no append was accepted"
    assert conflicts, "no two clients ever raced: the burst did not test anything"
    assert all(current > expected for expected, current in conflicts)

    recorded = store.read_stream(stream, effective=False)
    versions = [r.version for r in recorded]
    assert versions == list(range(1, len(recorded) + 1)), "versions are not contiguous"
    new = recorded[start_version:]
    assert len(new) == len(accepted)
    by_version = {r.version: r for r in new}
    for version, event_id, count in accepted:
        assert str(by_version[version].event_id) == event_id
        assert by_version[version].event.count == count
    counts = Counter(r.event.count for r in new)
    assert max(counts.values()) == 1, "an event was recorded twice"
    verification = ledger.verify()
    assert verification.ok, verification.failure
