"""Findings and the portfolio risk matrix, behind the ethical walls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from compliance.access import EVERYTHING, Scope
from compliance.domain.errors import DomainError
from compliance.evaluation import findings_evaluate
from compliance.models import InvestmentPosition, RiskFinding
from compliance.rules.base import Finding, urgency
from compliance.selectors.temporal import NOW, Moment, stream_ids


def finding_row(f: Finding, as_of: date) -> RiskFinding:
    """A finding evaluated on the fly as an (unsaved) row of the risk read model."""
    row = RiskFinding(
        investment_id=f.investment_id,
        regime=f.regime,
        status=str(f.status),
        score=f.score,
        rationale=f.rationale,
        citation=f.citation,
        comparisons=[
            {
                "what": c.what,
                "value": None if c.value is None else str(c.value),
                "operator": c.operator,
                "threshold": str(c.threshold),
                "unit": c.unit,
                "citation": c.citation,
                "met": c.met,
            }
            for c in f.comparisons
        ],
        missing=list(f.missing),
        pack_id=f.pack_id,
        pack_version=f.pack_version,
        context_only=f.context_only,
        as_of=as_of,
        procedure=f.procedure,
        decision_event_id=f.decision_event_id,
    )
    row.event_ids = list(f.event_ids)
    return row


def _evaluated(investment_ids: list[str], moment: Moment) -> list[RiskFinding]:
    """Findings evaluated from the log at the moment (unsaved rows, like the read model's)."""
    rows = []
    for investment_id in investment_ids:
        try:
            found = findings_evaluate(
                investment_id=investment_id, as_of=moment.day, known_at=moment.known_at
            )
        except DomainError:
            continue  # not announced yet at that moment
        rows += [finding_row(f, moment.day) for f in found]
    return rows


def finding_list(
    *,
    scope: Scope = EVERYTHING,
    moment: Moment = NOW,
    investment_id: str | None = None,
    regime: str | None = None,
    status: str | None = None,
) -> list[RiskFinding]:
    """Findings per investment and regime: the risk read model now, or evaluated from the
    log at an earlier moment."""
    if investment_id is not None and not scope.sees_investment(investment_id):
        return []
    if moment.live:
        rows = RiskFinding.objects.all()
        if investment_id is not None:
            rows = rows.filter(investment_id=investment_id)
        elif not scope.everything:
            rows = rows.filter(investment_id__in=scope.investment_ids)
        found = list(rows)
    else:
        ids = [investment_id] if investment_id else scope.visible(stream_ids("investment", moment))
        found = _evaluated(ids, moment)
    return [
        f
        for f in found
        if (regime is None or f.regime == regime) and (status is None or f.status == status)
    ]


@dataclass(frozen=True)
class Cell:
    status: str
    score: int
    procedure: str = ""  # where the authority's case stands (rules/decisions.py)


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


def portfolio_matrix(*, scope: Scope = EVERYTHING, moment: Moment = NOW) -> PortfolioMatrix:
    """Investments by regimes: each cell the finding's status and score, each row its most
    pressing finding (for the heat map)."""
    cells: dict[str, dict[str, Cell]] = {}
    titles: dict[str, str] = {}
    if moment.live:  # the columns the matrix needs, with the titles, in one query
        for investment_id, regime, status, score, procedure, title in _live_cells(scope):
            cells.setdefault(investment_id, {})[regime] = Cell(status, score, procedure)
            if title is not None:
                titles[investment_id] = title
    else:
        for f in finding_list(scope=scope, moment=moment):
            cells.setdefault(f.investment_id, {})[f.regime] = Cell(f.status, f.score, f.procedure)
        titles = dict(
            InvestmentPosition.objects.filter(stream_id__in=list(cells)).values_list(
                "stream_id", "title"
            )
        )
    regimes = sorted({regime for row in cells.values() for regime in row})
    matrix = [
        PortfolioRow(
            investment_id=investment_id,
            title=titles.get(investment_id, investment_id),
            cells=row,
            highest=max(
                row.values(), key=lambda c: (urgency(c.status, c.procedure), c.score), default=None
            ),
        )
        for investment_id, row in sorted(cells.items(), key=lambda i: titles.get(i[0], i[0]))
    ]
    return PortfolioMatrix(regimes=regimes, rows=matrix)


def _live_cells(scope: Scope) -> list[tuple[str, str, str, int, str, str | None]]:
    """(investment, regime, status, score, procedure, title) of every finding in the risk read model
    that the scope sees: one plain query (the matrix is read on every dashboard load)."""
    findings = RiskFinding._meta.db_table
    positions = InvestmentPosition._meta.db_table
    sql = (  # table names from the models; the ids are parameters
        "SELECT f.investment_id, f.regime, f.status, f.score, f.procedure, p.title "
        + f"FROM {findings} f LEFT JOIN {positions} p ON p.stream_id = f.investment_id"
    )
    params: list[str] = []
    if not scope.everything:
        if not scope.investment_ids:
            return []
        params = sorted(scope.investment_ids)
        sql += f" WHERE f.investment_id IN ({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
