"""What a report says, computed from its pins only (no clock, no read model, sorted)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings

from compliance.models import Deadline, Proceeding, RiskFinding
from compliance.projections import forked
from compliance.reports.snapshot import Progress, Snapshot
from compliance.rules.base import NOTHING_TO_DO, Status, urgency

DUE_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Pins:
    """Everything a report's content is a function of."""

    position: int
    chain_hash: str
    as_of: date
    known_at: datetime
    pack_versions: dict[str, str]
    matter_code: str | None  # None: every matter
    investment_ids: tuple[str, ...] | None  # the matter's investments when it was built


@dataclass
class Change:
    investment_id: str
    title: str
    regime: str
    change: str  # appeared, disappeared, changed
    before: str | None
    after: str | None


@dataclass
class Content:
    pins: Pins
    previous: Pins | None
    regimes: list[str]
    investments: list[dict[str, Any]]
    findings: list[RiskFinding]
    proceedings: list[Proceeding]
    due_soon: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    changes: list[Change] = field(default_factory=list)
    events_by_type: list[tuple[str, int]] = field(default_factory=list)
    events_since: int = 0
    checkpoint: dict[str, Any] | None = None  # the signed checkpoint covering the position


def present(status: str | None) -> bool:
    """A finding counts as present unless it says there is nothing to do (a regime's "no":
    ``not_notifiable``, ``not_eligible``, ``not_reviewable``; or ``not_applicable``), as in
    findings_compare: ``outside_coverage`` is present."""
    if status is None:
        return False
    try:
        return Status(status) not in NOTHING_TO_DO  # "not_triggered" of older reports too
    except ValueError:
        return True


def _scope_ids(snapshot: Snapshot, pins: Pins, known: dict[str, Any]) -> list[str]:
    if pins.investment_ids is None:
        return sorted(known)
    return sorted(i for i in pins.investment_ids if i in known)


def _in_scope(proceedings: list[Proceeding], ids: set[str]) -> list[Proceeding]:
    return [p for p in proceedings if ids.intersection(p.investment_ids)]


def _streams_in_scope(
    pins: Pins, ids: set[str], proceedings: list[Proceeding], investments: dict[str, Any]
) -> set[str] | None:
    """The streams whose events count as "new events" for the scope: None for all."""
    if pins.investment_ids is None:
        return None
    parties = {p for i in ids for p in (investments[i].investor_id, investments[i].target_id)}
    return {*ids, *(p.stream_id for p in proceedings), *parties}


def _deadline(row: Deadline, titles: dict[str, str], today: date) -> dict[str, Any]:
    return {
        "proceeding_id": row.proceeding_id,
        "proceeding": titles.get(row.proceeding_id, row.proceeding_id),
        "key": row.key,
        "kind": row.kind,
        "description": row.description,
        "due_on": row.due_on,
        "days_left": (row.due_on - today).days,
        "days_overdue": (today - row.due_on).days,
    }


def build(
    log: list[Any], pins: Pins, previous: Pins | None, progress: Progress | None = None
) -> Content:
    """The report's content from the log up to its position (``log``, in position order)."""

    def step(start: int, end: int) -> Progress | None:
        if progress is None:
            return None
        return lambda pct, stage: progress(start + (end - start) * pct // 100, stage)

    snapshot = Snapshot.of(log, position=pins.position, known_at=pins.known_at, as_of=pins.as_of)
    investments = snapshot.investments()
    parties = snapshot.parties()
    ids = _scope_ids(snapshot, pins, investments)
    proceedings = _in_scope(snapshot.proceedings(), set(ids))

    def evaluate(moment: str) -> list[Any]:
        """The findings now, or the statuses at the previous report's pins (in a child)."""
        if moment == "before":
            assert previous is not None
            return [_statuses_before(log, previous, ids)]
        return snapshot.findings(
            ids,
            pack_versions=pins.pack_versions,
            proceedings=proceedings,
            progress=step(0, 90),
        )

    # The previous report's moment is evaluated in a forked child while this process
    # evaluates the report's own (one core each); in this process after it where a fork is
    # not possible or one process is configured.
    moments = ["now", "before"] if previous is not None else ["now"]
    evaluated = list(
        forked.in_order(
            moments, evaluate, processes=settings.RISK_REBUILD_PROCESSES, block=1, minimum=0
        )
    )
    old: dict[tuple[str, str], str] | None = evaluated.pop() if previous is not None else None
    findings: list[RiskFinding] = evaluated
    by_investment: dict[str, list[RiskFinding]] = {}
    for f in findings:
        by_investment.setdefault(f.investment_id, []).append(f)

    def name(party_id: str) -> str:
        party = parties.get(party_id)
        return party.name if party is not None else party_id

    rows = []
    for investment_id in ids:
        position = investments[investment_id]
        found = by_investment.get(investment_id, [])
        highest = max(
            found,
            key=lambda f: (urgency(f.status, getattr(f, "procedure", "")), f.score, f.regime),
            default=None,
        )
        rows.append(
            {
                "id": investment_id,
                "title": position.title,
                "investor": name(position.investor_id),
                "target": name(position.target_id),
                "status": position.status,
                "findings": found,
                "cells": {f.regime: f for f in found},
                "highest": highest,
            }
        )
    rows.sort(key=lambda r: (r["title"], r["id"]))
    regimes = sorted({f.regime for f in findings})

    titles = {p.stream_id: f"{p.authority} {p.reference or p.kind}" for p in proceedings}
    visible = {p.stream_id for p in proceedings}
    open_dues = [
        _deadline(d, titles, pins.as_of)
        for d in snapshot.deadlines()
        if d.proceeding_id in visible and d.due_on <= pins.as_of + timedelta(days=DUE_WITHIN_DAYS)
    ]
    content = Content(
        pins=pins,
        previous=previous,
        regimes=regimes,
        investments=rows,
        findings=findings,
        proceedings=[p for p in proceedings if p.status != "closed"],
        due_soon=[d for d in open_dues if d["days_left"] >= 0],
        overdue=[d for d in open_dues if d["days_left"] < 0],
    )
    streams = _streams_in_scope(pins, set(ids), proceedings, investments)
    since = previous.position if previous is not None else 0
    new_events = [
        e
        for e in snapshot.events
        if (e.position or 0) > since and (streams is None or e.stream_id in streams)
    ]
    counts = Counter(e.type for e in new_events)
    content.events_by_type = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    content.events_since = len(new_events)
    if old is not None:
        content.changes = _changes(old, content)
    return content


def _statuses_before(log: list[Any], previous: Pins, ids: list[str]) -> dict[tuple[str, str], str]:
    """The status of each of these investments' findings at the previous report's pins."""
    before = Snapshot.of(
        log, position=previous.position, known_at=previous.known_at, as_of=previous.as_of
    )
    return before.statuses(
        ids, pack_versions=previous.pack_versions, proceedings=before.proceedings()
    )


def _changes(old: dict[tuple[str, str], str], now: Content) -> list[Change]:
    """Findings that appeared, disappeared or changed status since the previous report
    (``old``: the statuses at the previous report's own pins), for this report's
    investments."""
    new = {(f.investment_id, f.regime): f.status for f in now.findings}
    titles = {row["id"]: row["title"] for row in now.investments}
    changes = []
    for key in sorted(set(old) | set(new)):
        was, is_ = old.get(key), new.get(key)
        if present(was) and not present(is_):
            kind = "disappeared"
        elif present(is_) and not present(was):
            kind = "appeared"
        elif was is not None and is_ is not None and was != is_:
            kind = "changed"
        else:
            continue
        changes.append(Change(key[0], titles.get(key[0], key[0]), key[1], kind, was, is_))
    return changes
