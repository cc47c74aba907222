"""Proceedings: authority, status, phase, next deadline, outcome."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.models import Proceeding
from compliance.projections.base import StreamProjection
from events.types import RecordedEvent


class ProceedingsProjection(StreamProjection):
    name = "proceedings"
    stream_types = frozenset({"proceeding"})
    model = Proceeding

    def rows(self, stream_id: str, history: list[RecordedEvent]) -> list[Proceeding]:
        proceeding = proceedings.fold(stream_id, history)
        if not proceeding.authority:  # its opening was retracted
            return []
        dues = proceeding.open_dues()
        return [
            Proceeding(
                stream_id=proceeding.stream_id,
                authority=proceeding.authority,
                legal_basis=proceeding.legal_basis,
                kind=proceeding.kind,
                reference=proceeding.reference,
                phase=proceeding.phase,
                status=proceeding.status,
                outcome=proceeding.outcome,
                decided_on=proceeding.decided_on,
                closed_on=proceeding.closed_on,
                referral=proceeding.referral,
                investment_ids=list(proceeding.investment_ids),
                next_deadline=dues[0].due_on if dues else None,
                anomalies=list(proceeding.anomalies),
                version=proceeding.version,
            )
        ]
