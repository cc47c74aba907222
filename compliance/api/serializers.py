"""Output shapes shared by several endpoints and exports. Input shapes live with the view
that takes them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from compliance import models
from compliance.access import Audience
from events.personal import reveal_json


class PartySerializer(serializers.ModelSerializer[models.Party]):
    class Meta:
        model = models.Party
        fields = [
            "stream_id", "name", "kind", "country", "group_parent_id", "latest_fiscal_year",
            "worldwide_turnover_eur", "eu_turnover_eur", "turnovers", "designations",
            "is_gatekeeper", "version",
        ]  # fmt: skip


class PositionSerializer(serializers.ModelSerializer[models.InvestmentPosition]):
    class Meta:
        model = models.InvestmentPosition
        fields = [
            "stream_id", "investor_id", "target_id", "title", "status", "equity_pct",
            "voting_pct", "fully_diluted_pct", "holdings", "rights", "agreements_in_force",
            "invested_eur", "unconverted", "licence_fees_eur", "personnel_hired", "roles_hired",
            "anomalies", "version",
        ]  # fmt: skip


class ProceedingSerializer(serializers.ModelSerializer[models.Proceeding]):
    class Meta:
        model = models.Proceeding
        fields = [
            "stream_id", "authority", "legal_basis", "kind", "reference", "phase", "status",
            "outcome", "decided_on", "closed_on", "referral", "investment_ids", "next_deadline",
            "anomalies", "version",
        ]  # fmt: skip


class DeadlineSerializer(serializers.Serializer):
    proceeding_id = serializers.CharField()
    key = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    due_on = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negative when overdue.")
    overdue = serializers.BooleanField()


class TimelineEntrySerializer(serializers.ModelSerializer[models.TimelineEntry]):
    class Meta:
        model = models.TimelineEntry
        fields = [
            "stream_id", "event_id", "version", "position", "type", "occurred_at",
            "recorded_at", "summary", "corrected",
        ]  # fmt: skip


class ComparisonSerializer(serializers.Serializer):
    what = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="A decimal, or null if unknown.")
    operator = serializers.CharField()
    threshold = serializers.CharField()
    unit = serializers.CharField()
    citation = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)


class FindingSerializer(serializers.ModelSerializer[models.RiskFinding]):
    """The schema of a finding; :func:`finding` writes it (the busiest read of the API, so
    without DRF's per-field machinery; the schema fuzz checks the two agree)."""

    comparisons = ComparisonSerializer(many=True)
    event_ids = serializers.ListField(child=serializers.UUIDField())
    missing = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = models.RiskFinding
        fields = [
            "investment_id", "regime", "status", "score", "rationale", "citation",
            "comparisons", "event_ids", "missing", "pack_id", "pack_version", "context_only",
            "as_of", "procedure", "decision_event_id",
        ]  # fmt: skip


class RecordedSerializer(serializers.Serializer):
    """One event of the log as stored (its data at the schema version it was written in)."""

    position = serializers.IntegerField(help_text="Global, gap-free order in the ledger.")
    event_id = serializers.UUIDField()
    stream_id = serializers.CharField()
    stream_type = serializers.CharField()
    version = serializers.IntegerField()
    type = serializers.CharField()
    schema_version = serializers.IntegerField()
    data = serializers.DictField(help_text="The payload, with occurred_at.")  # type: ignore[assignment]
    metadata = serializers.DictField(
        help_text="source; actor (other matters' users withheld); your own idempotency_key, "
        "request_id and correlation_id (all of them for admins)."
    )
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    hash = serializers.CharField(help_text="SHA-256 of the stored event.")
    chain_hash = serializers.CharField(help_text="The ledger's hash chain at this position.")


def recorded(entry: Any, audience: Audience) -> dict[str, Any]:
    """A ledger entry (with its event) as RecordedSerializer's shape, its metadata as much
    as ``audience`` may be shown."""
    event = entry.event
    return {
        "position": entry.position,
        "event_id": str(event.event_id),
        "stream_id": event.stream_id,
        "stream_type": event.stream_type,
        "version": event.version,
        "type": event.type,
        "schema_version": event.schema_version,
        "data": reveal_json(event.data),  # personal data in clear, or marked erased
        "metadata": audience.metadata(event.metadata),
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "recorded_at": event.recorded_at.isoformat().replace("+00:00", "Z"),
        "hash": event.hash,
        "chain_hash": entry.chain_hash,
    }


def finding(row: models.RiskFinding) -> dict[str, Any]:
    """A finding row in FindingSerializer's shape."""
    return {
        "investment_id": row.investment_id,
        "regime": row.regime,
        "status": row.status,
        "score": row.score,
        "rationale": row.rationale,
        "citation": row.citation,
        "comparisons": row.comparisons,
        "event_ids": row.event_ids,
        "missing": row.missing,
        "pack_id": row.pack_id,
        "pack_version": row.pack_version,
        "context_only": row.context_only,
        "as_of": row.as_of.isoformat(),
        "procedure": row.procedure,
        "decision_event_id": row.decision_event_id,
    }
