"""Proceedings and their open deadlines, behind the ethical walls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.access import EVERYTHING, Scope
from compliance.models import Deadline
from compliance.models import Proceeding as ProceedingRow
from compliance.projections.deadlines import DeadlinesProjection
from compliance.projections.proceedings import ProceedingsProjection
from compliance.selectors.temporal import NOW, Moment, histories_at, rows_at, stream_ids


def proceeding_list(
    *,
    scope: Scope = EVERYTHING,
    moment: Moment = NOW,
    authority: str | None = None,
    status: str | None = None,
    investment_id: str | None = None,
) -> list[ProceedingRow]:
    """Proceedings concerning at least one investment the scope sees."""
    if moment.live:
        found = list(ProceedingRow.objects.all())
    else:
        found = rows_at(ProceedingsProjection(), stream_ids("proceeding", moment), moment)
        found.sort(key=lambda p: (p.authority, p.stream_id))
    return [
        p
        for p in found
        if scope.sees_any(p.investment_ids)
        and (authority is None or authority.casefold() in p.authority.casefold())
        and (status is None or p.status == status)
        and (investment_id is None or investment_id in p.investment_ids)
    ]


def proceeding_get(
    *, proceeding_id: str, scope: Scope = EVERYTHING, moment: Moment = NOW
) -> ProceedingRow | None:
    """None when it does not exist or concerns no investment the scope sees."""
    if moment.live:
        row = ProceedingRow.objects.filter(stream_id=proceeding_id).first()
    elif proceeding_id.startswith("proceeding-"):
        rows = rows_at(ProceedingsProjection(), [proceeding_id], moment)
        row = rows[0] if rows else None
    else:
        row = None
    if row is None or not scope.sees_any(row.investment_ids):
        return None
    return row


@dataclass(frozen=True)
class OpenDeadline:
    proceeding_id: str
    key: str
    kind: str
    description: str
    due_on: date
    days_left: int  # negative when overdue
    overdue: bool


def deadline_list(
    *,
    scope: Scope = EVERYTHING,
    moment: Moment = NOW,
    today: date | None = None,
    overdue: bool | None = None,
    due_before: date | None = None,
    proceeding_id: str | None = None,
) -> list[OpenDeadline]:
    """Open due dates of the proceedings the scope sees, soonest first, with days left
    counted from ``today`` (the moment's day unless given)."""
    today = today or moment.day
    if moment.live:
        visible = scope.proceeding_ids()
        rows = list(Deadline.objects.all())
    else:  # the proceedings as they stood then decide what is visible
        ids = [proceeding_id] if proceeding_id else stream_ids("proceeding", moment)
        rows, visible = [], set()
        for stream_id, history in histories_at(ids, moment).items():
            opened = ProceedingsProjection().rows(stream_id, history)
            if opened and scope.sees_any(opened[0].investment_ids):
                visible.add(stream_id)
                rows += DeadlinesProjection().rows(stream_id, history)
        rows.sort(key=lambda d: (d.due_on, d.proceeding_id, d.key))
    return [
        OpenDeadline(
            proceeding_id=row.proceeding_id,
            key=row.key,
            kind=row.kind,
            description=row.description,
            due_on=row.due_on,
            days_left=(row.due_on - today).days,
            overdue=row.due_on < today,
        )
        for row in rows
        if (visible is None or row.proceeding_id in visible)
        and (due_before is None or row.due_on < due_before)
        and (proceeding_id is None or row.proceeding_id == proceeding_id)
        and (overdue is None or (row.due_on < today) == overdue)
    ]
