"""Parties, with their latest turnover and designations."""

from __future__ import annotations

from pydantic_core import to_jsonable_python

from compliance.domain import parties
from compliance.models import Party
from compliance.projections.history import history_until
from events.projections import Projection
from events.types import CORRECTION_TYPES, RecordedEvent


class PartiesProjection(Projection):
    name = "parties"
    handles = frozenset(t.__name__ for t in parties.PARTY_EVENTS) | frozenset(CORRECTION_TYPES)

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.stream_type != "party":
            return
        party = parties.fold(recorded.stream_id, history_until(recorded))
        if not party.registered or not party.name:
            Party.objects.filter(stream_id=party.stream_id).delete()
            return
        latest = party.latest_turnover()
        Party.objects.update_or_create(
            stream_id=party.stream_id,
            defaults={
                "name": party.name,
                "kind": party.kind,
                "country": party.country,
                "group_parent_id": party.group_parent_id,
                "latest_fiscal_year": latest.fiscal_year if latest else None,
                "worldwide_turnover_eur": latest.worldwide.in_eur()
                if latest and latest.worldwide
                else None,
                "eu_turnover_eur": latest.eu.in_eur() if latest and latest.eu else None,
                "turnovers": to_jsonable_python(
                    {str(year): t for year, t in sorted(party.turnovers.items())}
                ),
                "designations": to_jsonable_python(party.designations),
                "is_gatekeeper": party.is_gatekeeper("DMA"),
                "version": party.version,
            },
        )

    def reset(self) -> None:
        Party.objects.all().delete()
