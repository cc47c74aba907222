"""Investment positions: stakes by instrument, voting and economic interest, rights held,
agreements in force, money invested in EUR, personnel hired."""

from __future__ import annotations

from pydantic_core import to_jsonable_python

from compliance.domain import investments
from compliance.models import InvestmentPosition
from compliance.projections.history import history_until
from events.projections import Projection
from events.types import CORRECTION_TYPES, RecordedEvent


class InvestmentPositionsProjection(Projection):
    name = "investment_positions"
    handles = frozenset(t.__name__ for t in investments.INVESTMENT_EVENTS) | frozenset(
        CORRECTION_TYPES
    )

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.stream_type != "investment":
            return
        investment = investments.fold(recorded.stream_id, history_until(recorded))
        if not investment.investor_id:
            InvestmentPosition.objects.filter(stream_id=investment.stream_id).delete()
            return
        InvestmentPosition.objects.update_or_create(
            stream_id=investment.stream_id,
            defaults={
                "investor_id": investment.investor_id,
                "target_id": investment.target_id,
                "title": investment.title,
                "status": investment.status,
                "equity_pct": investment.total("equity_pct"),
                "voting_pct": investment.total("voting_pct"),
                "fully_diluted_pct": investment.total("fully_diluted_pct"),
                "holdings": to_jsonable_python(investment.holdings),
                "rights": dict(investment.rights),
                "agreements_in_force": to_jsonable_python(investment.agreements_in_force),
                "invested_eur": investment.invested_eur,
                "unconverted": to_jsonable_python(investment.unconverted),
                "licence_fees_eur": investment.licence_fees_eur,
                "personnel_hired": investment.personnel_hired,
                "roles_hired": list(investment.roles_hired),
                "anomalies": list(investment.anomalies),
                "version": investment.version,
            },
        )

    def reset(self) -> None:
        InvestmentPosition.objects.all().delete()
