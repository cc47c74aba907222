"""Proceedings: authority, status, phase, next deadline, outcome."""

from __future__ import annotations

from compliance.domain import proceedings
from compliance.models import Proceeding
from compliance.projections.history import history_until
from events.projections import Projection
from events.types import CORRECTION_TYPES, RecordedEvent


class ProceedingsProjection(Projection):
    name = "proceedings"
    handles = frozenset(t.__name__ for t in proceedings.PROCEEDING_EVENTS) | frozenset(
        CORRECTION_TYPES
    )

    def handle(self, recorded: RecordedEvent) -> None:
        if recorded.stream_type != "proceeding":
            return
        proceeding = proceedings.fold(recorded.stream_id, history_until(recorded))
        if not proceeding.authority:
            Proceeding.objects.filter(stream_id=proceeding.stream_id).delete()
            return
        dues = proceeding.open_dues()
        Proceeding.objects.update_or_create(
            stream_id=proceeding.stream_id,
            defaults={
                "authority": proceeding.authority,
                "legal_basis": proceeding.legal_basis,
                "kind": proceeding.kind,
                "reference": proceeding.reference,
                "phase": proceeding.phase,
                "status": proceeding.status,
                "outcome": proceeding.outcome,
                "decided_on": proceeding.decided_on,
                "closed_on": proceeding.closed_on,
                "referral": proceeding.referral,
                "investment_ids": list(proceeding.investment_ids),
                "next_deadline": dues[0].due_on if dues else None,
                "anomalies": list(proceeding.anomalies),
                "version": proceeding.version,
            },
        )

    def reset(self) -> None:
        Proceeding.objects.all().delete()
