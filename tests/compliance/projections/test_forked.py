"""Work spread over forked processes comes back complete and in order, or fails loudly."""

from __future__ import annotations

import os
import threading

import pytest

from compliance.projections import forked
from compliance.projections.forked import ChildFailedError, Later, can_fork, in_order


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """``in_order`` refuses to fork while another thread runs, and in a whole test session
    one does: the live server of the browser tests, idle in its selector. Its children only
    compute here, so the tests let them fork; the refusal itself is tested below."""
    monkeypatch.setattr(forked, "can_fork", lambda: True)


def tagged(item: int) -> list[tuple[int, int]]:
    """Two results per item, each with the id of the process that made it."""
    return [(item, os.getpid()), (-item, os.getpid())]


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_results_come_in_the_order_of_the_items_made_by_several_processes() -> None:
    items = list(range(25))

    results = list(in_order(items, tagged, processes=3, block=2, minimum=0))

    assert [r for r, _pid in results] == [r for i in items for r in (i, -i)]
    makers = {pid for _r, pid in results}
    assert os.getpid() in makers and len(makers) == 3
    assert no_children_left()


def test_small_work_and_one_process_run_in_the_caller_alone() -> None:
    items = list(range(10))
    for results in (
        list(in_order(items, tagged, processes=1, block=2, minimum=0)),
        list(in_order(items, tagged, processes=4, block=2, minimum=11)),
    ):
        assert [r for r, _pid in results] == [r for i in items for r in (i, -i)]
        assert {pid for _r, pid in results} == {os.getpid()}


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", can_fork)  # the real check
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        results = list(in_order(list(range(10)), tagged, processes=3, block=1, minimum=0))
    finally:
        release.set()
        thread.join()
    assert {pid for _r, pid in results} == {os.getpid()}


def test_a_failing_child_makes_the_caller_raise_its_error() -> None:
    def work(item: int) -> list[int]:
        if item == 5:
            raise ValueError("no figure for item 5")
        return [item]

    # blocks of 1 over 3 processes: item 5 is block 5, a child's (5 % 3 == 2)
    with pytest.raises(ChildFailedError, match="no figure for item 5"):
        list(in_order(list(range(9)), work, processes=3, block=1, minimum=0))
    assert no_children_left()


def test_a_caller_that_stops_early_leaves_no_child_behind() -> None:
    results = in_order(list(range(400)), tagged, processes=3, block=1, minimum=0)
    assert next(results)[0] == 0
    results.close()

    assert no_children_left()


def test_later_runs_the_work_in_a_child_while_the_caller_goes_on() -> None:
    read, write = os.pipe()
    try:
        # The child waits for the caller to write: it runs while the caller goes on.
        with Later(lambda: (os.read(read, 5), os.getpid()), processes=2) as later:
            os.write(write, b"go on")
            made, pid = later.result()
    finally:
        os.close(read)
        os.close(write)
    assert made == b"go on" and pid != os.getpid()
    assert no_children_left()


def test_later_without_a_fork_runs_the_work_when_asked() -> None:
    calls: list[int] = []

    def work() -> int:
        calls.append(os.getpid())
        return len(calls)

    later = Later(work, processes=1)
    assert calls == []
    assert later.result() == 1 and calls == [os.getpid()]


def test_later_says_what_failed_in_the_child() -> None:
    def broken() -> None:
        raise RuntimeError("disk full")

    with Later(broken, processes=2) as later, pytest.raises(ChildFailedError) as failed:
        later.result()
    assert str(failed.value) == "a forked child failed: RuntimeError: disk full"
    assert "Traceback" in "".join(failed.value.__notes__)
    assert no_children_left()


def test_a_later_not_asked_for_leaves_no_child_behind() -> None:
    with Later(lambda: threading.Event().wait(60), processes=2):
        pass
    assert no_children_left()
