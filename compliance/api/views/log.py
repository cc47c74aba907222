"""The event log: read it (filtered, by position), record on a stream, and the catalogue of
event types with their JSON schemas."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors, services
from compliance.access import audience_for, stream_visible
from compliance.api.pagination import log_page
from compliance.api.params import Instant, Strict, parse
from compliance.api.serializers import RecordedSerializer, recorded
from compliance.api.views.common import (
    IDEMPOTENCY_PARAMETER,
    errors,
    idempotency_key,
    not_found,
    scope,
)
from compliance.api.views.inputs import CreatedSerializer, SourceSerializer
from compliance.api.views.writes import created
from compliance.domain import catalogue
from compliance.domain.events import InvestmentAnnounced
from compliance.selectors.events import LogFilter
from events import store
from events.store import AppendResult
from events.types import registry

STREAM_TYPES = ["party", "investment", "proceeding"]


class LogFilterSerializer(Strict):
    stream_id = serializers.CharField(required=False, max_length=200)
    stream_type = serializers.ChoiceField(STREAM_TYPES, required=False)
    type = serializers.ChoiceField(registry.names(), required=False)
    occurred_after = Instant(required=False, help_text="occurred_at at or after.")
    occurred_before = Instant(required=False, help_text="occurred_at strictly before.")
    recorded_after = Instant(required=False, help_text="recorded_at at or after.")
    recorded_before = Instant(required=False, help_text="recorded_at strictly before.")


class LogParams(LogFilterSerializer):
    after = serializers.IntegerField(
        required=False, default=0, min_value=0, help_text="The cursor: positions after this."
    )
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)


class LogPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    last_position = serializers.IntegerField(allow_null=True)
    results = RecordedSerializer(many=True)


class EventListApi(APIView):
    @extend_schema(
        operation_id="events_list",
        parameters=[LogParams],
        responses={200: LogPageSerializer, **errors(400)},
        description="The log in ledger order (gap-free positions), filtered, behind the "
        "user's walls; follow `next` (a cursor by position) to read on.",
    )
    def get(self, request: Request) -> Response:
        params = parse(LogParams, request)
        after, limit = params.pop("after"), params.pop("limit")
        entries = selectors.event_list(
            scope=scope(request), where=LogFilter(**params), after=after, limit=limit
        )
        return Response(
            log_page(request, [recorded(e, audience_for(request)) for e in entries], limit=limit)
        )


class EventDetailApi(APIView):
    @extend_schema(
        operation_id="events_read",
        responses={200: RecordedSerializer, **errors(404)},
    )
    def get(self, request: Request, event_id: uuid.UUID) -> Response:
        entry = selectors.event_get(event_id=event_id, scope=scope(request))
        if entry is None:
            raise not_found("event", event_id)
        return Response(recorded(entry, audience_for(request)))


class StreamSerializer(serializers.Serializer):
    stream_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The expected_version of the next write.")
    events = RecordedSerializer(many=True)


class StreamEventsApi(APIView):
    class EventRecording(Strict):
        type = serializers.ChoiceField(registry.names(), help_text="See /api/v1/event-types/.")
        data = serializers.DictField(help_text="The payload, with occurred_at.")  # type: ignore[assignment]
        expected_version = serializers.IntegerField(
            min_value=0, help_text="The stream's version the write was decided on (0: new)."
        )
        source = SourceSerializer(required=False, allow_null=True)  # type: ignore[assignment]

    @extend_schema(
        operation_id="streams_read",
        responses={200: StreamSerializer, **errors(404)},
        description="A stream's events, in version order, and its current version.",
    )
    def get(self, request: Request, stream_id: str) -> Response:
        _check_stream_id(stream_id)
        if not stream_visible(scope(request), stream_id):
            raise not_found("stream", stream_id)
        entries = selectors.event_list(
            scope=scope(request), where=LogFilter(stream_id=stream_id), limit=1000
        )
        version = store.current_version(stream_id)
        if version == 0:
            raise not_found("stream", stream_id)
        return Response(
            {
                "stream_id": stream_id,
                "version": version,
                "events": [recorded(e, audience_for(request)) for e in entries],
            }
        )

    @extend_schema(
        operation_id="streams_record",
        request=EventRecording,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CreatedSerializer, **errors(400, 404, 409, 413, 422)},
        description="Record one event on a stream, if the stream is at `expected_version` "
        "(else 409 with `current_version`). The acting user is the authenticated one. New "
        "investments are announced through POST /api/v1/investments/ (they need a matter).",
    )
    def post(self, request: Request, stream_id: str) -> Response:
        _check_stream_id(stream_id)
        body = self.EventRecording(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        event = registry.build(data["type"], data["data"])
        if isinstance(event, InvestmentAnnounced) and not scope(request).everything:
            raise not_found("stream", stream_id)  # through POST /investments/, into a matter
        key = idempotency_key(request)

        def record(actor: str) -> AppendResult:
            return services.event_record(
                stream_id=stream_id,
                event=event,
                actor=actor,
                source=data.get("source"),
                expected_version=data["expected_version"],
                idempotency_key=key,
                scope=scope(request),
            )

        return created(request, record)


def _check_stream_id(stream_id: str) -> None:
    kind = stream_id.split("-", 1)[0]
    if kind not in STREAM_TYPES:
        raise not_found("stream", stream_id)
    store.stream_type_of(stream_id)  # raises a 400 naming the problem


class EventTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    streams = serializers.ListField(child=serializers.CharField())
    schema_version = serializers.IntegerField()
    description = serializers.CharField()
    json_schema = serializers.DictField(help_text="JSON Schema of the event's data.")


def _event_types() -> list[dict[str, Any]]:
    found = []
    for heading, classes in catalogue.SECTIONS:
        streams = [k for k in STREAM_TYPES if f"`{k}-" in heading] or STREAM_TYPES
        for cls in classes:
            event_type = registry.type_of_class(cls)
            found.append(
                {
                    "name": event_type.name,
                    "streams": streams,
                    "schema_version": event_type.schema_version,
                    "description": " ".join((cls.__doc__ or "").split()),
                    "json_schema": event_type.adapter.json_schema(),
                }
            )
    return sorted(found, key=lambda t: t["name"])


class EventTypeListApi(APIView):
    @extend_schema(
        operation_id="event_types_list",
        responses={200: EventTypeSerializer(many=True), **errors()},
        description="Every event type: the streams it is recorded on, its schema version and "
        "the JSON Schema of its data.",
    )
    def get(self, request: Request) -> Response:
        return Response(_event_types())


class EventTypeDetailApi(APIView):
    @extend_schema(
        operation_id="event_types_read",
        responses={200: EventTypeSerializer, **errors(404)},
    )
    def get(self, request: Request, name: str) -> Response:
        for event_type in _event_types():
            if event_type["name"] == name:
                return Response(event_type)
        raise not_found("event type", name)
