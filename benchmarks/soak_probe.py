"""A Celery worker with a memory probe in its pool processes, for ``soak_bench.py --probe``.

    python benchmarks/soak_probe.py -A tracker worker ...   # the arguments of ``celery``

Every ``SOAK_PROBE_EVERY`` tasks (50) each pool process appends a JSON line to
``$SOAK_PROBE_DIR/probe-<pid>.jsonl``: tasks run, RSS, glibc's heap (``mallinfo2``: bytes in
use, free inside the heap, mmapped), Python's allocated blocks, the number of objects the
garbage collector tracks and the most numerous types, the prepared statements of the Django
connection. ``SOAK_PROBE_TRACEMALLOC=1`` adds the largest allocation sites that grew since
the first sample. Diagnostics only: the soak's figures are taken without it.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from celery.signals import task_postrun, worker_process_init

EVERY = int(os.environ.get("SOAK_PROBE_EVERY", "50"))
TRACE = os.environ.get("SOAK_PROBE_TRACEMALLOC") == "1"
STATE: dict[str, Any] = {"tasks": 0, "out": None, "first": None, "t0": 0.0}


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_LIBC.mallinfo2.restype = _Mallinfo2


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _prepared() -> int | None:
    from django.db import connection

    raw = connection.connection
    manager = getattr(raw, "_prepared", None)
    names = getattr(manager, "_names", None)
    return len(names) if names is not None else None


@worker_process_init.connect
def _start(**_: Any) -> None:
    out = Path(os.environ["SOAK_PROBE_DIR"]) / f"probe-{os.getpid()}.jsonl"
    STATE.update(out=out, tasks=0, t0=time.monotonic(), first=None)
    if TRACE:
        tracemalloc.start(12)


@task_postrun.connect
def _after(**_: Any) -> None:
    STATE["tasks"] += 1
    if STATE["tasks"] % EVERY:
        return
    info = _LIBC.mallinfo2()
    line: dict[str, Any] = {
        "t": round(time.monotonic() - STATE["t0"], 1),
        "tasks": STATE["tasks"],
        "rss_kib": _status("VmRSS"),
        "heap_in_use": info.uordblks,
        "heap_free": info.fordblks,
        "heap_arena": info.arena,
        "mmapped": info.hblkhd,
        "py_blocks": sys.getallocatedblocks(),
        "gc_objects": len(gc.get_objects()),
        "gc_counts": gc.get_count(),
        "prepared": _prepared(),
    }
    if STATE["tasks"] % (EVERY * 4) == 0:
        counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
        line["types"] = counts.most_common(15)
        line["methods"] = collections.Counter(
            getattr(o.__func__, "__qualname__", "?")
            for o in gc.get_objects()
            if type(o).__name__ == "method"
        ).most_common(8)
        line["weakrefs"] = collections.Counter(
            type(o()).__name__ for o in gc.get_objects() if isinstance(o, __import__("weakref").ref)
        ).most_common(8)
    if TRACE:
        snapshot = tracemalloc.take_snapshot()
        line["traced"] = tracemalloc.get_traced_memory()[0]
        if STATE["first"] is None:
            STATE["first"] = snapshot
        else:
            diff = snapshot.compare_to(STATE["first"], "traceback")
            line["grew"] = [
                [stat.size_diff, stat.count_diff, stat.traceback.format()[-6:]] for stat in diff[:8]
            ]
    with STATE["out"].open("a") as f:
        f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    main()
