"""Reads over the read models. Interfaces call these; they never replay streams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from compliance.models import (
    Deadline,
    InvestmentPosition,
    RiskFinding,
    TimelineEntry,
)


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
    today: date | None = None,
    overdue: bool | None = None,
    due_before: date | None = None,
    proceeding_id: str | None = None,
) -> list[OpenDeadline]:
    """Open due dates, soonest first, with days left counted from ``today``."""
    today = today or timezone.localdate()
    rows = Deadline.objects.all()
    if due_before is not None:
        rows = rows.filter(due_on__lt=due_before)
    if proceeding_id is not None:
        rows = rows.filter(proceeding_id=proceeding_id)
    if overdue is True:
        rows = rows.filter(due_on__lt=today)
    elif overdue is False:
        rows = rows.filter(due_on__gte=today)
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
    ]


def timeline_list(*, investment_id: str) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(investment_id=investment_id)


@dataclass(frozen=True)
class Cell:
    status: str
    score: int


@dataclass(frozen=True)
class PortfolioRow:
    investment_id: str
    title: str
    cells: dict[str, Cell]  # by regime
    highest: Cell | None


@dataclass(frozen=True)
class PortfolioMatrix:
    regimes: list[str]
    rows: list[PortfolioRow]


def portfolio_matrix() -> PortfolioMatrix:
    """Investments by regimes: each cell the finding's status and score, each row its most
    pressing finding (for the heat map)."""
    from compliance.rules.base import SEVERITY, Status

    titles = dict(InvestmentPosition.objects.values_list("stream_id", "title"))
    cells: dict[str, dict[str, Cell]] = {}
    for investment_id, regime, status, score in RiskFinding.objects.values_list(
        "investment_id", "regime", "status", "score"
    ):
        cells.setdefault(investment_id, {})[regime] = Cell(status, score)
    regimes = sorted({regime for row in cells.values() for regime in row})
    rows = [
        PortfolioRow(
            investment_id=investment_id,
            title=titles.get(investment_id, investment_id),
            cells=row,
            highest=max(
                row.values(), key=lambda c: (SEVERITY[Status(c.status)], c.score), default=None
            ),
        )
        for investment_id, row in sorted(cells.items(), key=lambda i: titles.get(i[0], i[0]))
    ]
    return PortfolioMatrix(regimes=regimes, rows=rows)
