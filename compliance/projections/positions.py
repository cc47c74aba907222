"""Investment positions: stakes by instrument, voting and economic interest, rights held,
agreements in force, money invested in EUR, personnel hired."""

from __future__ import annotations

from pydantic_core import to_jsonable_python

from compliance.domain import investments
from compliance.models import InvestmentPosition
from compliance.projections.base import StreamProjection
from events.types import RecordedEvent


class InvestmentPositionsProjection(StreamProjection):
    name = "investment_positions"
    stream_types = frozenset({"investment"})
    model = InvestmentPosition

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> list[InvestmentPosition]:
        investment = investments.fold(stream_id, history)
        if not investment.investor_id:  # its announcement was retracted
            return []
        return [
            InvestmentPosition(
                stream_id=investment.stream_id,
                investor_id=investment.investor_id,
                target_id=investment.target_id,
                title=investment.title,
                status=investment.status,
                equity_pct=investment.total("equity_pct"),
                voting_pct=investment.total("voting_pct"),
                fully_diluted_pct=investment.total("fully_diluted_pct"),
                holdings=to_jsonable_python(investment.holdings),
                rights=dict(investment.rights),
                agreements_in_force=to_jsonable_python(investment.agreements_in_force),
                invested_eur=investment.invested_eur,
                unconverted=to_jsonable_python(investment.unconverted),
                licence_fees_eur=investment.licence_fees_eur,
                personnel_hired=investment.personnel_hired,
                roles_hired=list(investment.roles_hired),
                anomalies=list(investment.anomalies),
                version=investment.version,
            )
        ]
