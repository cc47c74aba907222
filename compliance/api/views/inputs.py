"""Input shapes shared by the write endpoints."""

from __future__ import annotations

from rest_framework import serializers

from compliance.api.params import Instant, Strict


class SourceSerializer(Strict):
    """Where the fact comes from: kept in the event's metadata."""

    url = serializers.URLField(max_length=2000, help_text="http or https.")
    publisher = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True)
    reliability = serializers.ChoiceField(
        ["official", "reliable_press", "unverified"], required=False
    )


class Opening(Strict):
    """Common to the endpoints that open a stream."""

    occurred_at = Instant(help_text="When it happened in the world (with a time zone).")
    source = SourceSerializer(required=False, allow_null=True)  # type: ignore[assignment]


class CreatedSerializer(serializers.Serializer):
    """What a write returns. A retry with the same Idempotency-Key returns the same body
    (with the header ``Idempotent-Replayed: true``)."""

    stream_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The stream's version after the write.")
    event_id = serializers.UUIDField()
