"""Parties: list, read, register."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors, services
from compliance.api.pagination import Page, paginated
from compliance.api.params import MOMENT_PARAMETERS, PAGE_PARAMS, MomentParams, moment, parse
from compliance.api.serializers import PartySerializer
from compliance.api.views.common import (
    IDEMPOTENCY_PARAMETER,
    errors,
    idempotency_key,
    new_stream_id,
    not_found,
)
from compliance.api.views.inputs import CreatedSerializer, Opening
from compliance.api.views.writes import created
from compliance.domain.values import PartyKind
from events.store import AppendResult


class PartyListApi(APIView):
    pagination_class = Page

    class FilterSerializer(MomentParams):
        ignored = PAGE_PARAMS
        kind = serializers.ChoiceField([k.value for k in PartyKind], required=False)
        country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
        gatekeeper = serializers.BooleanField(required=False, allow_null=True, default=None)
        name = serializers.CharField(required=False, max_length=200, help_text="Contains.")

    class PartyRegistration(Opening):
        name = serializers.CharField(max_length=300)
        kind = serializers.ChoiceField([k.value for k in PartyKind])
        country = serializers.RegexField(r"^[A-Z]{2}$", help_text="ISO 3166-1 alpha-2.")
        group_parent_id = serializers.CharField(required=False, allow_null=True, max_length=200)

    @extend_schema(
        operation_id="parties_list",
        parameters=[FilterSerializer],
        responses={200: PartySerializer(many=True), **errors(400)},
        description="Parties (shared reference data, visible to every role), by name.",
    )
    def get(self, request: Request) -> Response:
        filters = parse(self.FilterSerializer, request)
        rows = selectors.party_list(moment=moment(filters), **filters)
        return paginated(request, self, rows, lambda page: PartySerializer(page, many=True).data)

    @extend_schema(
        operation_id="parties_register",
        request=PartyRegistration,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CreatedSerializer, **errors(400, 413, 422)},
        description="Register a party: records PartyRegistered on a new party stream.",
    )
    def post(self, request: Request) -> Response:
        body = self.PartyRegistration(data=request.data)
        body.is_valid(raise_exception=True)
        key = idempotency_key(request)

        def record(actor: str) -> AppendResult:
            return services.party_register(
                actor=actor,
                party_id=new_stream_id("party", key),
                idempotency_key=key,
                **body.validated_data,
            )

        return created(request, record)


class PartyDetailApi(APIView):
    @extend_schema(
        operation_id="parties_read",
        parameters=MOMENT_PARAMETERS,
        responses={200: PartySerializer, **errors(400, 404)},
    )
    def get(self, request: Request, party_id: str) -> Response:
        when = moment(parse(MomentParams, request))
        party = selectors.party_get(party_id=party_id, moment=when)
        if party is None:
            raise not_found("party", party_id)
        return Response(PartySerializer(party).data)
