"""Proceedings and deadlines."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors, services
from compliance.api.pagination import Page, paginated
from compliance.api.params import MOMENT_PARAMETERS, PAGE_PARAMS, MomentParams, moment, parse
from compliance.api.serializers import DeadlineSerializer, ProceedingSerializer
from compliance.api.views.common import (
    IDEMPOTENCY_PARAMETER,
    errors,
    idempotency_key,
    new_stream_id,
    not_found,
    scope,
)
from compliance.api.views.inputs import CreatedSerializer, Opening
from compliance.api.views.writes import created
from compliance.domain.values import ProceedingKind
from events.store import AppendResult


class ProceedingListApi(APIView):
    pagination_class = Page

    class FilterSerializer(MomentParams):
        ignored = PAGE_PARAMS
        authority = serializers.CharField(required=False, max_length=300, help_text="Contains.")
        status = serializers.ChoiceField(["open", "closed"], required=False)
        investment_id = serializers.CharField(required=False, max_length=200)

    class ProceedingOpening(Opening):
        authority = serializers.CharField(max_length=300)
        legal_basis = serializers.CharField(max_length=2000)
        kind = serializers.ChoiceField([k.value for k in ProceedingKind])
        investment_ids = serializers.ListField(
            child=serializers.CharField(max_length=200), min_length=1, max_length=100
        )
        reference = serializers.CharField(required=False, allow_null=True, max_length=200)

    @extend_schema(
        operation_id="proceedings_list",
        parameters=[FilterSerializer],
        responses={200: ProceedingSerializer(many=True), **errors(400)},
        description="Proceedings about at least one investment of the user's matters.",
    )
    def get(self, request: Request) -> Response:
        filters = parse(self.FilterSerializer, request)
        rows = selectors.proceeding_list(scope=scope(request), moment=moment(filters), **filters)
        return paginated(
            request, self, rows, lambda page: ProceedingSerializer(page, many=True).data
        )

    @extend_schema(
        operation_id="proceedings_open",
        request=ProceedingOpening,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CreatedSerializer, **errors(400, 413, 422)},
        description="Open a proceeding (ProceedingOpened on a new stream) about investments "
        "of the user's matters.",
    )
    def post(self, request: Request) -> Response:
        body = self.ProceedingOpening(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        key = idempotency_key(request)

        def record(actor: str) -> AppendResult:
            return services.proceeding_open(
                actor=actor,
                proceeding_id=new_stream_id("proceeding", key),
                idempotency_key=key,
                scope=scope(request),
                **data,
            )

        return created(request, record)


class ProceedingDetailApi(APIView):
    @extend_schema(
        operation_id="proceedings_read",
        parameters=MOMENT_PARAMETERS,
        responses={200: ProceedingSerializer, **errors(400, 404)},
    )
    def get(self, request: Request, proceeding_id: str) -> Response:
        when = moment(parse(MomentParams, request))
        row = selectors.proceeding_get(
            proceeding_id=proceeding_id, scope=scope(request), moment=when
        )
        if row is None:
            raise not_found("proceeding", proceeding_id)
        return Response(ProceedingSerializer(row).data)


class DeadlineFilterSerializer(MomentParams):
    ignored = PAGE_PARAMS
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only overdue, or only not."
    )
    due_before = serializers.DateField(required=False, help_text="Due strictly before.")
    proceeding_id = serializers.CharField(required=False, max_length=200)


class DeadlineListApi(APIView):
    pagination_class = Page

    @extend_schema(
        operation_id="deadlines_list",
        parameters=[DeadlineFilterSerializer],
        responses={200: DeadlineSerializer(many=True), **errors(400)},
        description="Open due dates of the user's proceedings, soonest first; days left and "
        "overdue are counted from `as_of` (default today).",
    )
    def get(self, request: Request) -> Response:
        filters = parse(DeadlineFilterSerializer, request)
        rows = selectors.deadline_list(scope=scope(request), moment=moment(filters), **filters)
        return paginated(request, self, rows, lambda page: DeadlineSerializer(page, many=True).data)
