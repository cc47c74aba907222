"""Investments (their positions) and their timelines, behind the ethical walls."""

from __future__ import annotations

from compliance.access import EVERYTHING, Scope
from compliance.models import InvestmentPosition, MatterInvestment, TimelineEntry
from compliance.models import Proceeding as ProceedingRow
from compliance.projections.positions import InvestmentPositionsProjection
from compliance.projections.timeline import TimelineProjection
from compliance.selectors.temporal import NOW, Moment, rows_at, stream_ids


def investment_list(
    *,
    scope: Scope = EVERYTHING,
    moment: Moment = NOW,
    status: str | None = None,
    party_id: str | None = None,
    matter: str | None = None,
) -> list[InvestmentPosition]:
    """Positions the scope sees, by title; ``party_id`` matches investor or target."""
    if moment.live:
        rows = InvestmentPosition.objects.all()
        if not scope.everything:
            rows = rows.filter(stream_id__in=scope.investment_ids)
        found = list(rows)
    else:
        ids = scope.visible(stream_ids("investment", moment))
        found = rows_at(InvestmentPositionsProjection(), ids, moment)
        found.sort(key=lambda i: (i.title, i.stream_id))
    in_matter = None
    if matter is not None:
        in_matter = set(
            MatterInvestment.objects.filter(matter__code=matter).values_list(
                "investment_id", flat=True
            )
        )
    return [
        i
        for i in found
        if (status is None or i.status == status)
        and (party_id is None or party_id in (i.investor_id, i.target_id))
        and (in_matter is None or i.stream_id in in_matter)
    ]


def investment_get(
    *, investment_id: str, scope: Scope = EVERYTHING, moment: Moment = NOW
) -> InvestmentPosition | None:
    """None when it does not exist or is behind the scope's wall: callers answer 404."""
    if not scope.sees_investment(investment_id):
        return None
    if moment.live:
        return InvestmentPosition.objects.filter(stream_id=investment_id).first()
    if not investment_id.startswith("investment-"):
        return None
    rows = rows_at(InvestmentPositionsProjection(), [investment_id], moment)
    return rows[0] if rows else None


def timeline_list(*, investment_id: str, moment: Moment = NOW) -> list[TimelineEntry]:
    """An investment's events merged with those of its proceedings, oldest first. Callers
    check the investment is visible first."""
    if moment.live:
        return list(TimelineEntry.objects.filter(investment_id=investment_id))
    proceedings = [
        stream_id
        for stream_id, concerned in ProceedingRow.objects.values_list("stream_id", "investment_ids")
        if investment_id in concerned
    ]
    rows = [
        row
        for row in rows_at(TimelineProjection(), [investment_id, *proceedings], moment)
        if row.investment_id == investment_id
    ]
    rows.sort(key=lambda r: (r.occurred_at, r.stream_id, r.version))
    return rows
