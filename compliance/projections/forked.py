"""Spread CPU-bound work over forked processes, and get the results back in order.

A risk rebuild evaluates every investment once, at the end, over streams already folded in
memory: pure Python, one core, while PostgreSQL stores the rows on the other. ``in_order``
splits such work into blocks; the calling process and ``processes - 1`` forked children take
them in turn (block ``i`` to process ``i % processes``), and the caller yields every block's
results in the original order, its own as it makes them, the children's as they arrive
through a pipe. The children share the caller's memory copy-on-write (nothing is sent to
them), touch no connection and leave with ``os._exit``; what they produce must pickle.

Only where forking is safe: a POSIX ``fork``, no other thread in the process (a fork copies
locks that another thread may hold) and enough work to be worth it. Otherwise, and when
``processes`` is 1, the work runs in the calling process exactly as a plain loop would. A
child that fails makes the caller raise its error; a caller that stops early (an error, the
consumer gives up) kills its children.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_LENGTH = struct.Struct("!Q")


class ChildFailedError(RuntimeError):
    """A forked child could not do its share; the message carries its traceback."""


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def in_order(
    items: Sequence[T],
    work: Callable[[T], list[R]],
    *,
    processes: int,
    block: int = 100,
    minimum: int = 500,
) -> Iterator[R]:
    """``work(item)`` for every item, flattened, in the order of ``items``."""
    if processes <= 1 or len(items) < max(minimum, 2 * block) or not can_fork():
        for item in items:
            yield from work(item)
        return
    blocks = [items[i : i + block] for i in range(0, len(items), block)]
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for rank in range(1, processes):
            children.append(_spawn(blocks[rank::processes], work))
        for index, items_of_block in enumerate(blocks):
            rank = index % processes
            if rank == 0:
                for item in items_of_block:
                    yield from work(item)
            else:
                yield from _receive(children[rank - 1][1])
        while children:
            _reap(*children.pop())
    finally:
        for child in children:  # stopped early: the children are no longer wanted
            _kill(*child)


class Later(Generic[R]):
    """``work()`` started now in a forked child while the caller goes on; :meth:`result`
    waits for it (it must pickle). Where forking is not safe (see :func:`can_fork`) or
    ``processes`` is 1, :meth:`result` runs it in the caller. Used as a context manager, a
    child no longer wanted (the caller failed) is killed on leaving."""

    def __init__(self, work: Callable[[], R], *, processes: int = 2) -> None:
        self._work = work
        self._child: tuple[int, int] | None = None
        if processes > 1 and can_fork():
            self._child = _spawn([[None]], lambda _: [work()])

    def result(self) -> R:
        if self._child is None:
            return self._work()
        child, self._child = self._child, None
        try:
            (found,) = _receive(child[1])
        except BaseException:
            _kill(*child)
            raise
        _reap(*child)
        result: R = found
        return result

    def __enter__(self) -> Later[R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._child is not None:  # never asked for: no longer wanted
            _kill(*self._child)
            self._child = None


def _spawn(blocks: list[Sequence[T]], work: Callable[[T], list[R]]) -> tuple[int, int]:
    """A forked child doing ``blocks``: its pid and the read end of its pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its blocks, then leave without any clean-up
        os.close(read)
        os._exit(_child(blocks, work, write))
    os.close(write)
    return pid, read


def _reap(pid: int, read: int) -> None:
    """A child that sent everything: waited for; an exit in error raises."""
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ChildFailedError(f"a forked child exited with status {status}")


def _kill(pid: int, read: int) -> None:
    """A child no longer wanted (or that failed): killed and waited for."""
    os.close(read)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass


def _child(blocks: list[Sequence[T]], work: Callable[[T], list[R]], write: int) -> int:
    try:
        with os.fdopen(write, "wb") as out:
            for items_of_block in blocks:
                try:
                    results: list[Any] = [r for item in items_of_block for r in work(item)]
                    message = pickle.dumps((True, results), pickle.HIGHEST_PROTOCOL)
                except Exception:
                    message = pickle.dumps((False, traceback.format_exc()))
                    out.write(_LENGTH.pack(len(message)) + message)
                    return 1
                out.write(_LENGTH.pack(len(message)))
                out.write(message)
        return 0
    except BaseException:  # the parent went away (broken pipe) or anything else: just leave
        return 2


def _receive(read: int) -> list[Any]:
    header = _read_exactly(read, _LENGTH.size)
    ok, payload = pickle.loads(_read_exactly(read, _LENGTH.unpack(header)[0]))
    if not ok:  # the error's own line in the message, its whole traceback in a note
        error = ChildFailedError(f"a forked child failed: {payload.strip().splitlines()[-1]}")
        error.add_note(payload)
        raise error
    results: list[Any] = payload
    return results


def _read_exactly(read: int, size: int) -> bytes:
    parts = []
    while size:
        part = os.read(read, min(size, 1 << 20))
        if not part:
            raise ChildFailedError("a forked child ended before sending its results")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
