"""The ledger: the global, gap-free order of events and the hash chain over it.

Writers never wait for each other to extend the chain. Each event is hashed on its own at
append time; the *sealer* (one at a time, serialized by a row lock on ``events_sealstate``)
later gives committed events their positions 1, 2, 3, ... and chains them:
``chain_hash(n) = SHA-256(chain_hash(n-1) + event_hash(n))``. Positions are handed out only
to committed events, by one sealer at a time, so a reader of the ledger can never see
position q while a lower position is still to come.

The sealer takes the committed events that are not sealed yet in ``seq`` order. An event's
``seq`` is drawn when it is inserted, and anything that depends on an event (the next
version of its stream, say) is inserted after that event committed, so ``seq`` order
respects every such dependency. To find unsealed events without scanning the whole log, the
sealer keeps a *horizon* on PostgreSQL: every event whose writing transaction id (``txid``,
xid8) is below the horizon is sealed. After a complete pass the horizon moves to
``pg_snapshot_xmin(pg_current_snapshot())`` taken before the pass: those transactions had all
finished, so the pass saw and sealed their events. On SQLite, writers are serialized by the
database, so insertion order is commit order and appends seal in their own transaction.
See docs/decisions/0001-gap-free-reading.md and 0002-hash-chain.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from events import hashing, merkle, schema, signatures
from events.backends import sqlite

logger = logging.getLogger(__name__)

SEAL_BATCH = 5000
VERIFY_BATCH = 5000


def tolerance() -> timedelta:
    """How far ``recorded_at`` may go back along positions (``EVENTS_CLOCK_TOLERANCE_SECONDS``):
    the database's clock is read when an INSERT starts, and positions follow commits."""
    return timedelta(seconds=settings.EVENTS_CLOCK_TOLERANCE_SECONDS)


def _backwards(recorded_at: datetime, latest: datetime | None) -> str | None:
    """Why ``recorded_at`` may not follow ``latest`` (the latest time at a lower position)."""
    if latest is None or recorded_at >= latest - tolerance():
        return None
    return (
        f"recorded_at {hashing.format_time(recorded_at)} is "
        f"{(latest - recorded_at).total_seconds():.6f} s before {hashing.format_time(latest)} "
        f"recorded at a lower position: time goes back by more than the clock tolerance "
        f"({settings.EVENTS_CLOCK_TOLERANCE_SECONDS} s)"
    )


def seal(*, limit: int = SEAL_BATCH, wait: bool = True) -> int:
    """Give committed, unsealed events their ledger positions; return how many were sealed.

    Safe to call from any number of processes at once: they queue on one row lock, or with
    ``wait=False`` return at once when another sealer is at work (it will seal what there is).
    Call it outside other work's transactions: it holds that lock until its transaction ends.

    An event recorded more than the clock tolerance before the newest sealed event (or one
    before it in the same batch; :func:`verify` compares with every lower position) is
    refused: it and every later event stay unsealed (logged as an error; ``verify_ledger``
    names it) until someone looks. Such an event was back-dated behind the database's trigger
    or the database's clock stepped back.
    """
    total = 0
    while True:
        with transaction.atomic():
            sealed = _seal_batch(limit, wait)
        total += max(sealed, 0)
        if sealed < limit:
            return total


# Candidates: events of transactions at or above the horizon that have no position yet. The
# CTE keeps the scan on the txid index however stale the planner's statistics are.
CANDIDATES = (
    "WITH recent AS MATERIALIZED (SELECT seq, hash, recorded_at, event_id FROM events_event "
    "WHERE txid >= %s::xid8 AND seq > %s) "
    "SELECT r.seq, r.hash, r.recorded_at, r.event_id FROM recent r "
    "WHERE NOT EXISTS (SELECT 1 FROM events_ledger l WHERE l.event_seq = r.seq) "
    "ORDER BY r.seq LIMIT %s"
)


def _seal_batch(limit: int, wait: bool) -> int:
    """One batch in the caller's transaction; -1 when another sealer holds the lock."""
    postgres = connection.vendor == "postgresql"
    with _cursor() as cursor:
        lock = (" FOR UPDATE" if wait else " FOR UPDATE SKIP LOCKED") if postgres else ""
        cursor.execute(
            f"SELECT frontier_txid, frontier_seq FROM events_sealstate WHERE id = 1{lock}"
        )
        state = cursor.fetchone()
        if state is None:
            return -1
        horizon, floor = state
        restored = False
        if postgres:
            cursor.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, "
                "%s::xid8 >= pg_snapshot_xmax(pg_current_snapshot())",
                [horizon],
            )
            xmin, restored = cursor.fetchone()
            if restored:
                # A logical dump restored into another cluster carries that cluster's
                # transaction ids, possibly above this one's counter: new events would sort
                # below the horizon. Scan everything once, then continue from here.
                horizon = "0"
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(CANDIDATES, [horizon, floor, limit])
        else:
            cursor.execute(
                "SELECT seq, hash, recorded_at, event_id FROM events_event WHERE seq > %s "
                "ORDER BY seq LIMIT %s",
                [floor, limit],
            )
        pending = cursor.fetchall()
        complete = len(pending) < limit
        latest = _head_time(cursor) if pending else None
        for index, (_seq, _hash, recorded, event_id) in enumerate(pending):
            recorded = sqlite.from_db(recorded)
            problem = _backwards(recorded, latest)
            if problem is not None:
                logger.error("Sealing stopped at event %s: %s", _uuid_text(event_id), problem)
                pending, complete = pending[:index], False
                break
            latest = max(latest or recorded, recorded)
        if pending:
            position, chain = _head(cursor)
            now = timezone.now()
            sealed_at = now if postgres else sqlite.to_db(now)
            rows = []
            for seq, event_hash, _recorded, _event_id in pending:
                position += 1
                chain = hashing.chain_hash(chain, event_hash)
                rows.append((position, seq, chain, sealed_at))
            cursor.executemany(
                "INSERT INTO events_ledger (position, event_seq, chain_hash, sealed_at) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )
        if not postgres:
            new_horizon, new_floor = "0", pending[-1][0] if pending else floor
        elif complete and restored:
            cursor.execute("SELECT coalesce(max(seq), 0) FROM events_event")
            new_horizon, new_floor = xmin, cursor.fetchone()[0]
        elif complete:
            new_horizon, new_floor = xmin, floor
        else:
            new_horizon, new_floor = horizon, floor
        if (new_horizon, new_floor) != (state[0], state[1]):
            cursor.execute(
                "UPDATE events_sealstate SET frontier_txid = %s, frontier_seq = %s WHERE id = 1",
                [new_horizon, new_floor],
            )
        return len(pending)  # below the limit when stopped: seal() does not go on


def _cursor() -> Any:
    """Prepared statements on PostgreSQL (psycopg's own cursor), Django's cursor elsewhere."""
    if connection.vendor == "postgresql":
        from events.backends.postgres import cursor

        return contextlib.nullcontext(cursor())  # shared per connection: never closed
    return connection.cursor()


def _head(cursor: Any) -> tuple[int, str]:
    cursor.execute("SELECT position, chain_hash FROM events_ledger ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, hashing.GENESIS)


def _head_time(cursor: Any) -> datetime | None:
    cursor.execute(
        "SELECT e.recorded_at FROM events_ledger l JOIN events_event e ON e.seq = l.event_seq "
        "ORDER BY l.position DESC LIMIT 1"
    )
    row = cursor.fetchone()
    return sqlite.from_db(row[0]) if row else None


def head() -> tuple[int, str]:
    """The ledger's last position and chain hash: ``(0, GENESIS)`` when it is empty."""
    with connection.cursor() as cursor:
        return _head(cursor)


def unsealed_count() -> int:
    """Events recorded but not yet given a position."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM events_event e "
            "WHERE NOT EXISTS (SELECT 1 FROM events_ledger l WHERE l.event_seq = e.seq)"
        )
        return int(cursor.fetchone()[0])


# ---------------------------------------------------------------- verification


@dataclass
class Failure:
    """The first place where the log does not verify."""

    position: int | None
    reason: str
    event_id: str | None = None
    stream_id: str | None = None


@dataclass
class CheckpointCheck:
    """How the log compares with one signed checkpoint.

    ``status``: ``matches`` (the log holds exactly the history it signed), ``fork`` (the
    log's chain or Merkle root at its position differ: that history was rewritten),
    ``truncated`` (the log ends before its position: signed events were removed),
    ``not_reached`` (the log fails to verify before its position), ``invalid`` (its signature
    or shape is wrong: forged or damaged) or ``untrusted`` (signed by a key that is not
    trusted)."""

    source: str
    position: int | None
    created_at: str | None
    key_id: str | None
    status: str
    detail: str = ""


@dataclass
class Fork:
    """The log no longer holds the history a checkpoint signed. The rewrite began after
    ``after`` (the last position a checkpoint confirmed, 0 for none) and at or before
    ``position``; ``first_difference`` is the first position whose chain link differs from
    the one a stored checkpoint signed (``located_by``), when one can tell."""

    position: int
    after: int
    source: str
    reason: str
    first_difference: int | None = None
    located_by: str | None = None


@dataclass
class Verification:
    """The outcome of :func:`verify`. ``ok`` is False when ``failure`` or ``fork`` is set,
    the log's tables or triggers differ from what the migrations installed
    (``schema_changes``), or a checkpoint is invalid or untrusted; ``outcome`` names which
    came first."""

    ok: bool
    checked: int
    head_position: int
    head_hash: str
    unsealed: int
    failure: Failure | None = None
    warnings: list[str] = field(default_factory=list)
    fork: Fork | None = None
    checkpoints: list[CheckpointCheck] = field(default_factory=list)
    schema_changes: list[str] = field(default_factory=list)
    outcome: str = "intact"  # intact, bad_position, fork, schema_changed, bad_checkpoint
    started_after: int = 0  # 0 for a full pass; else the checkpoint position it resumed from
    resumed_from: str | None = None  # that checkpoint's source

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ledger_rows(
    cursor: Any, *, after: int = 0, upto: int | None = None
) -> Iterator[Sequence[Any]]:
    """Ledger rows joined with their events, in position order: ``(position, chain_hash,
    seq, event_id, stream_id, stream_type, version, type, schema_version, occurred_at,
    recorded_at, data, metadata, hash)``. Read in windows of positions (dense, so a window
    holds at most ``VERIFY_BATCH`` rows): an index range scan whatever the statistics."""
    text = "::text" if connection.vendor == "postgresql" else ""
    cursor.execute("SELECT coalesce(max(position), 0) FROM events_ledger")
    last = int(cursor.fetchone()[0])
    if upto is not None:
        last = min(last, upto)
    while after < last:
        cursor.execute(
            "SELECT l.position, l.chain_hash, e.seq, e.event_id, e.stream_id, e.stream_type, "
            "e.version, e.type, e.schema_version, e.occurred_at, e.recorded_at, "
            f"e.data{text}, e.metadata{text}, e.hash "
            "FROM events_ledger l LEFT JOIN events_event e ON e.seq = l.event_seq "
            "WHERE l.position > %s AND l.position <= %s ORDER BY l.position",
            [after, min(after + VERIFY_BATCH, last)],
        )
        rows = cursor.fetchall()
        yield from rows
        after = min(after + VERIFY_BATCH, last)
        if not rows and after < last:  # a hole wider than a window: go to the next row
            cursor.execute(
                "SELECT min(position) - 1 FROM events_ledger WHERE position > %s", [after]
            )
            after = int(cursor.fetchone()[0])


# The hashed content (events/hashing.py) spelled by PostgreSQL, so a row reaches Python as
# one string: Python still hashes it (the database is not trusted to hash), and a row whose
# spelling differs from Python's (a year before 1000, say) is hashed again from its columns.
_UTC_TEXT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_VERIFY_SELECT = (
    "SELECT l.position, l.chain_hash, e.seq, e.event_id::text, e.stream_id, e.version, "
    "e.event_id::text || E'\\n' || e.stream_id || E'\\n' || e.stream_type || E'\\n' || "
    "e.version::text || E'\\n' || e.type || E'\\n' || e.schema_version::text || E'\\n' || "
    f"{_UTC_TEXT.format('e.occurred_at')} || E'\\n' || {_UTC_TEXT.format('e.recorded_at')} "
    "|| E'\\n' || e.data::text || E'\\n' || e.metadata::text, e.hash, "
    f"{_UTC_TEXT.format('e.recorded_at')}, "
    f"{_UTC_TEXT.format('(e.recorded_at + make_interval(secs => %s::float8))')} "
    "FROM events_ledger l LEFT JOIN events_event e ON e.seq = l.event_seq "
    "WHERE l.position > %s AND l.position <= %s ORDER BY l.position"
)


def _verify_rows(cursor: Any, *, after: int = 0) -> Iterator[tuple[Any, ...]]:
    """Ledger rows after ``after`` for verification, in position order: ``(position,
    chain_hash, seq, event_id, stream_id, version, content_hash, stored_hash, recorded_at,
    recorded_at + tolerance)``, the hash recomputed here and both times as
    ``hashing.format_time`` text (which sorts as time does)."""
    if connection.vendor != "postgresql":
        late = tolerance()
        for row in _ledger_rows(cursor, after=after):
            recorded = None if row[2] is None else sqlite.from_db(row[10])
            yield (
                *row[:3], _uuid_text(row[3]), row[4], row[6],
                None if row[2] is None else _content_hash(row[2:13]), row[13],
                None if recorded is None else hashing.format_time(recorded),
                None if recorded is None else hashing.format_time(recorded + late),
            )  # fmt: skip
        return
    seconds = settings.EVENTS_CLOCK_TOLERANCE_SECONDS
    cursor.execute("SELECT coalesce(max(position), 0) FROM events_ledger")
    last = int(cursor.fetchone()[0])
    sha256 = hashlib.sha256
    while after < last:
        upto = min(after + VERIFY_BATCH, last)
        cursor.execute(_VERIFY_SELECT, [seconds, after, upto])
        for row in cursor.fetchall():
            position, link, seq, event_id, stream_id, version, content, stored, *times = row
            computed = None
            if content is not None:
                computed = sha256(content.encode()).hexdigest()
                if computed != stored:  # spelled otherwise than Python does? Hash its columns.
                    computed = _content_hash(_event_row(cursor, seq))
            yield position, link, seq, event_id, stream_id, version, computed, stored, *times
        if upto < last:
            cursor.execute(
                "SELECT coalesce(min(position), %s) - 1 FROM events_ledger WHERE position > %s",
                [last + 1, upto],
            )
            after = max(upto, int(cursor.fetchone()[0]))  # over a hole wider than a window
        else:
            after = upto


def _event_row(cursor: Any, seq: int) -> Sequence[Any]:
    cursor.execute(
        "SELECT seq, event_id, stream_id, stream_type, version, type, schema_version, "
        "occurred_at, recorded_at, data::text, metadata::text FROM events_event WHERE seq = %s",
        [seq],
    )
    return cursor.fetchone()


def _content_hash(row: Sequence[Any]) -> str:
    (_seq, event_id, stream_id, stream_type, version, type_name, schema_version,
     occurred_at, recorded_at, data, metadata) = row  # fmt: skip
    return hashing.event_hash(
        event_id=str(_uuid_text(event_id)),
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        type=type_name,
        schema_version=schema_version,
        occurred_at=sqlite.from_db(occurred_at),
        recorded_at=sqlite.from_db(recorded_at),
        data_json=data,
        metadata_json=metadata,
    )


def _uuid_text(value: Any) -> str | None:
    """An event id as text with dashes (SQLite stores 32 hex digits)."""
    if value is None:
        return None
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the log for a whole verification: on PostgreSQL a REPEATABLE
    READ, READ ONLY transaction (at READ COMMITTED each statement sees a newer state, and an
    event sealed between the walk of the ledger and the look at unsealed events was in
    neither). Inside a caller's transaction, that transaction's view is used."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def verify(
    checkpoints: Sequence[tuple[str, Any]] = (),
    *,
    trusted_keys: Collection[str] | None = None,
    resume: bool = False,
) -> Verification:
    """Recompute every hash and link of the log; report the first position that fails, and
    compare the log with every signed checkpoint given as ``(source, signed statement)``.

    Everything is read in one snapshot (see ``_snapshot``), so writers and sealers may run
    meanwhile: the result is about the log as it stood at one moment, whose head it reports.

    Checks, in ledger order: positions are dense from 1; each position's event exists; the
    event's stored hash equals the hash of its content; the chain link equals
    SHA-256(previous link + event hash); each stream's versions run 1, 2, 3, ...; no
    recorded_at is more than the clock tolerance before one at a lower position. Then every
    event not yet sealed must hash correctly and sort after the sealed frontier (an event
    slipped in below it was inserted behind the sealer's back). At each checkpoint's position
    the recomputed link and the Merkle root over the links must be the signed ones; a log
    that ends before a checkpoint's position has lost events it signed. A checkpoint counts
    only when its signature verifies and, when ``trusted_keys`` (base64 public keys) is
    given, its key is one of them. The log's tables, trigger functions and triggers must be
    as the migrations installed them (:mod:`events.schema`).

    With ``resume`` (and ``trusted_keys``), the walk starts after the newest stored
    checkpoint that a trusted key signed and the log still links to (see ``_resume_point``):
    from its signed chain hash and Merkle compact range, each stream's last version and the
    latest recorded_at at its position read from the log. Below it the log is not
    recomputed; a checkpoint there is compared with the stored link at its position.
    """
    with _snapshot():
        start = _resume_point(trusted_keys) if resume and trusted_keys else None
        return _verify(checkpoints, trusted_keys, *(start or (None, None)))


def _resume_point(trusted_keys: Collection[str]) -> tuple[Any, str] | None:
    """The newest stored checkpoint whose signature verifies by a trusted key, whose compact
    range gives the Merkle root it signed, and whose chain hash is the log's link at its
    position, recomputed from its event (see ``_time_at``), with that event's recorded_at;
    None when there is none (among the newest 20)."""
    from events import checkpoints as stored_checkpoints
    from events.models import Checkpoint

    trusted = {signatures.key_id(k) for k in trusted_keys}
    with connection.cursor() as cursor:
        for candidate in Checkpoint.objects.defer("leaves").order_by("-position", "-id")[:20]:
            signed = stored_checkpoints.signed_of(candidate)
            if (
                candidate.key_id not in trusted
                or signatures.check(signed, expected_format=signatures.CHECKPOINT_FORMAT)
                or candidate.position <= 0
            ):
                continue
            try:
                compact = merkle.CompactRange(candidate.position, candidate.frontier)
            except (ValueError, TypeError):
                continue
            cursor.execute(
                "SELECT chain_hash FROM events_ledger WHERE position = %s", [candidate.position]
            )
            row = cursor.fetchone()
            if compact.root() == candidate.merkle_root and row and row[0] == candidate.chain_hash:
                time = _time_at(cursor, candidate)
                if time is not None:
                    return candidate, time
    return None


class _Versions(dict[str, int]):
    """Each stream's last version seen; for a resumed pass, a stream first met after the
    start is looked up at the start's position (0 when it had none there)."""

    def __init__(self, start: int = 0) -> None:
        super().__init__()
        self.start = start

    def __missing__(self, stream_id: str) -> int:
        version = 0
        if self.start:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT e.version FROM events_event e JOIN events_ledger l "
                    "ON l.event_seq = e.seq WHERE e.stream_id = %s AND l.position <= %s "
                    "ORDER BY e.version DESC LIMIT 1",
                    [stream_id, self.start],
                )
                row = cursor.fetchone()
                version = int(row[0]) if row else 0
        self[stream_id] = version
        return version


def _time_at(cursor: Any, checkpoint: Any) -> str | None:
    """The recorded_at of the event at a checkpoint's position, once its hash and link are
    recomputed and give the signed chain hash (so the time is the signed one); else None."""
    position = checkpoint.position
    row = next(_verify_rows(cursor, after=position - 1), None)
    cursor.execute("SELECT chain_hash FROM events_ledger WHERE position = %s", [position - 1])
    previous = cursor.fetchone()
    link = previous[0] if previous else hashing.GENESIS if position == 1 else None
    if (
        row is None
        or row[0] != position
        or link is None
        or row[6] != row[7]
        or hashing.chain_hash(link, row[7]) != checkpoint.chain_hash
    ):
        return None
    return str(row[8])


def _verify(
    checkpoints: Sequence[tuple[str, Any]],
    trusted_keys: Collection[str] | None,
    start: Any = None,
    start_time: str | None = None,
) -> Verification:
    expected_position = 0
    chain = before = hashing.GENESIS  # the links at the previous two positions
    failure: Failure | None = None
    previous_event_id: str | None = None
    checks, pending = _checkpoint_checks(checkpoints, trusted_keys)
    tree = merkle.CompactRange() if pending else None
    confirmed = 0
    fork: Fork | None = None
    latest: str | None = None  # the latest recorded_at at a lower position (format_time text)
    started_after = 0 if start is None else start.position
    with connection.cursor() as cursor:
        versions = _Versions(0 if start is None else start.position)
        if start is not None:
            expected_position = confirmed = start.position
            chain = before = start.chain_hash
            tree = merkle.CompactRange(start.position, start.frontier) if pending else None
            latest = start_time  # compared from there on: see docs/ledger.md
            for at in [at for at in pending if 0 < at <= start.position]:
                cursor.execute("SELECT chain_hash FROM events_ledger WHERE position = %s", [at])
                row = cursor.fetchone()
                for check, statement in pending.pop(at):
                    fork = _compare_link(check, statement, row[0] if row else None, fork)
    with _cursor() as cursor:
        for row in _verify_rows(cursor, after=expected_position):
            expected_position += 1
            position, link, seq, event_id, stream_id, version, computed, stored_hash = row[:8]
            ident = {"event_id": event_id, "stream_id": stream_id}
            if position != expected_position:
                failure = Failure(
                    expected_position,
                    f"ledger position {expected_position} is missing (next is {position})",
                )
                break
            if seq is None:
                failure = Failure(position, "the event at this position is missing")
                break
            if computed != stored_hash:
                failure = Failure(position, "the event's content does not match its hash", **ident)
                break
            if hashing.chain_hash(chain, stored_hash) != link:
                if position > 1 and hashing.chain_hash(before, stored_hash) == link:
                    failure = Failure(
                        position - 1,
                        "an event was inserted at this position: the next link skips it",
                        event_id=previous_event_id,
                    )
                else:
                    failure = Failure(position, "the chain link does not match", **ident)
                break
            before, chain = chain, link
            previous_event_id = event_id
            if version != versions[stream_id] + 1:
                failure = Failure(
                    position,
                    f"stream version {version} follows {versions[stream_id]}",
                    **ident,
                )
                break
            versions[stream_id] = version
            recorded_at, late = row[8], row[9]
            if latest is not None and late < latest:
                problem = _backwards(_parse_time(recorded_at), _parse_time(latest))
                failure = Failure(position, str(problem), **ident)
                break
            if latest is None or recorded_at > latest:
                latest = recorded_at
            if tree is not None:
                tree.append(link)
                for check, statement in pending.pop(position, ()):
                    confirmed, fork = _compare(
                        check, statement, chain, tree.root(), confirmed, fork
                    )
    with connection.cursor() as cursor:
        for at in sorted(pending):
            for check, statement in pending[at]:
                if failure is not None and at >= (failure.position or 0):
                    check.status = "not_reached"
                    check.detail = "the log does not verify before this position"
                elif at == 0:
                    confirmed, fork = _compare(
                        check, statement, hashing.GENESIS, merkle.EMPTY_ROOT, confirmed, fork
                    )
                else:
                    check.status = "truncated"
                    check.detail = (
                        f"the log ends at position {expected_position}: signed events were removed"
                    )
                    if fork is None:
                        fork = Fork(at, confirmed, check.source, check.detail)
        if fork is not None:
            from events.checkpoints import first_difference

            located = first_difference(fork.after, trusted_keys)
            if located is not None:
                fork.first_difference, fork.located_by = located
        head_position, head_hash = _head(cursor)
        if failure is None:
            failure = _verify_unsealed(
                cursor, versions, None if latest is None else _parse_time(latest)
            )
        schema_changes = schema.changes(cursor, connection.vendor)
        warnings = []
        if checkpoints and trusted_keys is None:
            warnings.append(
                "no trusted checkpoint key is configured: signatures were checked against "
                "the keys the checkpoints name"
            )
        unsealed = unsealed_count()
    bad_checkpoint = any(c.status in {"invalid", "untrusted"} for c in checks)
    if fork is not None and (
        failure is None or failure.position is None or fork.position <= failure.position
    ):
        outcome = "fork"
    elif failure is not None:
        outcome = "bad_position"
    elif schema_changes:
        outcome = "schema_changed"
    elif bad_checkpoint:
        outcome = "bad_checkpoint"
    else:
        outcome = "intact"
    return Verification(
        ok=outcome == "intact",
        checked=expected_position - started_after - (failure is not None),
        head_position=head_position,
        head_hash=head_hash,
        unsealed=unsealed,
        failure=failure,
        warnings=warnings,
        fork=fork,
        checkpoints=checks,
        schema_changes=schema_changes,
        outcome=outcome,
        started_after=started_after,
        resumed_from=None if start is None else f"database checkpoint #{start.pk}",
    )


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _checkpoint_checks(
    checkpoints: Sequence[tuple[str, Any]], trusted_keys: Collection[str] | None
) -> tuple[list[CheckpointCheck], dict[int, list[tuple[CheckpointCheck, dict[str, Any]]]]]:
    """One check per checkpoint; the valid, trusted ones grouped by position to compare."""
    checks: list[CheckpointCheck] = []
    pending: dict[int, list[tuple[CheckpointCheck, dict[str, Any]]]] = {}
    trusted = None if trusted_keys is None else {signatures.key_id(k) for k in trusted_keys}
    for source, signed in checkpoints:
        problem = signatures.check(signed, expected_format=signatures.CHECKPOINT_FORMAT)
        statement = signed.get("statement", {}) if isinstance(signed, dict) else {}
        statement = statement if isinstance(statement, dict) else {}
        position = statement.get("position")
        check = CheckpointCheck(
            source=source,
            position=position if isinstance(position, int) else None,
            created_at=statement.get("created_at"),
            key_id=statement.get("key_id"),
            status="invalid",
        )
        checks.append(check)
        if problem is None and (
            not isinstance(position, int)
            or isinstance(position, bool)
            or position < 0
            or not all(isinstance(statement.get(k), str) for k in ("chain_hash", "merkle_root"))
        ):
            problem = "the statement lacks a position, chain hash or Merkle root"
        if problem is not None:
            check.detail = problem
        elif trusted is not None and statement["key_id"] not in trusted:
            check.status = "untrusted"
            check.detail = f"signed by key {statement['key_id']}, which is not trusted"
        else:
            pending.setdefault(int(statement["position"]), []).append((check, statement))
    return checks, pending


def _compare(
    check: CheckpointCheck,
    statement: dict[str, Any],
    chain: str,
    root: str,
    confirmed: int,
    fork: Fork | None,
) -> tuple[int, Fork | None]:
    """Compare the log at a checkpoint's position with what it signed."""
    position = int(statement["position"])
    if statement["chain_hash"] == chain and statement["merkle_root"] == root:
        check.status = "matches"
        return max(confirmed, position), fork
    check.status = "fork"
    check.detail = (
        f"at position {position} the checkpoint signed chain hash {statement['chain_hash']}, "
        f"the log has {chain}"
        if statement["chain_hash"] != chain
        else f"at position {position} the checkpoint signed Merkle root "
        f"{statement['merkle_root']}, the log gives {root}"
    )
    if fork is None:
        fork = Fork(position, confirmed, check.source, check.detail)
    return confirmed, fork


def _compare_link(
    check: CheckpointCheck, statement: dict[str, Any], link: str | None, fork: Fork | None
) -> Fork | None:
    """Compare a checkpoint below a resumed pass's start with the log's stored link at its
    position (not recomputed: only a full pass recomputes the log below the start)."""
    position = int(statement["position"])
    if statement["chain_hash"] == link:
        check.status = "matches"
        check.detail = "compared with the stored link at its position (resumed pass)"
        return fork
    check.status = "fork"
    check.detail = (
        f"at position {position} the checkpoint signed chain hash {statement['chain_hash']}, "
        f"the log stores {link}"
    )
    return fork or Fork(position, 0, check.source, check.detail)


def _verify_unsealed(
    cursor: Any, versions: dict[str, int], latest: datetime | None
) -> Failure | None:
    postgres = connection.vendor == "postgresql"
    text = "::text" if postgres else ""
    cursor.execute("SELECT frontier_txid, frontier_seq FROM events_sealstate WHERE id = 1")
    horizon, floor = cursor.fetchone()
    # An unsealed event the sealer has already passed was inserted behind its back.
    passed = "(e.txid < %s::xid8 OR e.seq <= %s)" if postgres else "e.seq <= %s"
    cursor.execute(
        "SELECT e.seq, e.event_id, e.stream_id, e.stream_type, e.version, e.type, "
        "e.schema_version, e.occurred_at, e.recorded_at, "
        f"e.data{text}, e.metadata{text}, e.hash, {passed} "
        "FROM events_event e "
        "WHERE NOT EXISTS (SELECT 1 FROM events_ledger l WHERE l.event_seq = e.seq) "
        "ORDER BY e.seq",
        [horizon, floor] if postgres else [floor],
    )
    for row in cursor.fetchall():
        event_id, stream_id, version, stored_hash, was_passed = (
            _uuid_text(row[1]),
            row[2],
            row[4],
            row[11],
            row[12],
        )
        if was_passed:
            return Failure(
                _position_after(cursor, row[0]),
                "an event was slipped in behind the sealer (it sorts before events already sealed)",
                event_id=event_id,
                stream_id=stream_id,
            )
        if _content_hash(row[:11]) != stored_hash:
            return Failure(
                None,
                "an unsealed event's content does not match its hash",
                event_id=event_id,
                stream_id=stream_id,
            )
        if version != versions[stream_id] + 1:
            return Failure(
                None,
                f"stream version {version} follows {versions[stream_id]}",
                event_id=event_id,
                stream_id=stream_id,
            )
        versions[stream_id] = version
        recorded_at = sqlite.from_db(row[8])
        problem = _backwards(recorded_at, latest)
        if problem is not None:
            return Failure(None, f"an unsealed event's {problem}", event_id, stream_id)
        latest = max(latest or recorded_at, recorded_at)
    return None


def _position_after(cursor: Any, seq: int) -> int | None:
    """The first sealed position of an event inserted after ``seq``: where it was slipped in."""
    cursor.execute("SELECT min(position) FROM events_ledger WHERE event_seq > %s", [seq])
    row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None
