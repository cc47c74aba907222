"""Parties, with their latest turnover and designations."""

from __future__ import annotations

from pydantic_core import to_jsonable_python

from compliance.domain import parties
from compliance.models import Party
from compliance.projections.base import StreamProjection
from events.types import RecordedEvent


class PartiesProjection(StreamProjection):
    name = "parties"
    stream_types = frozenset({"party"})
    model = Party

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> list[Party]:
        party = parties.fold(stream_id, history)
        if not party.name:  # its registration was retracted
            return []
        latest = party.latest_turnover()
        return [
            Party(
                stream_id=party.stream_id,
                name=party.name,
                kind=party.kind,
                country=party.country,
                group_parent_id=party.group_parent_id,
                latest_fiscal_year=latest.fiscal_year if latest else None,
                worldwide_turnover_eur=latest.worldwide.in_eur()
                if latest and latest.worldwide
                else None,
                eu_turnover_eur=latest.eu.in_eur() if latest and latest.eu else None,
                turnovers=to_jsonable_python(
                    {str(year): t for year, t in sorted(party.turnovers.items())}
                ),
                designations=to_jsonable_python(party.designations),
                is_gatekeeper=party.is_gatekeeper("DMA"),
                version=party.version,
            )
        ]
