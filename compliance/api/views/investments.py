"""Investments: list, read the position, announce (into a matter), timeline."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors, services
from compliance.access import Role, role_of
from compliance.api.errors import ApiError
from compliance.api.pagination import Page, paginated
from compliance.api.params import MOMENT_PARAMETERS, PAGE_PARAMS, MomentParams, moment, parse
from compliance.api.serializers import PositionSerializer, TimelineEntrySerializer
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
from compliance.models import Matter, MatterInvestment
from events.store import AppendResult


def visible_investment(request: Request, investment_id: str) -> None:
    """404 unless the investment exists and is on the user's side of the wall."""
    if not scope(request).sees_investment(investment_id) or not _recorded(investment_id):
        raise not_found("investment", investment_id)


def _recorded(investment_id: str) -> bool:
    from events import store
    from events.errors import EventStoreError

    try:
        return investment_id.startswith("investment-") and store.current_version(investment_id) > 0
    except EventStoreError:
        return False


class InvestmentListApi(APIView):
    pagination_class = Page

    class FilterSerializer(MomentParams):
        ignored = PAGE_PARAMS
        status = serializers.ChoiceField(["announced", "completed", "abandoned"], required=False)
        party_id = serializers.CharField(
            required=False, max_length=200, help_text="Investor or target."
        )
        matter = serializers.CharField(required=False, max_length=50, help_text="Matter code.")

    class InvestmentAnnouncement(Opening):
        matter = serializers.CharField(
            max_length=50, help_text="Code of the matter the investment belongs to."
        )
        investor_id = serializers.CharField(max_length=200)
        target_id = serializers.CharField(max_length=200)
        title = serializers.CharField(max_length=300)
        description = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=5000
        )

    @extend_schema(
        operation_id="investments_list",
        parameters=[FilterSerializer],
        responses={200: PositionSerializer(many=True), **errors(400)},
        description="The positions of the investments in the user's matters, by title.",
    )
    def get(self, request: Request) -> Response:
        filters = parse(self.FilterSerializer, request)
        rows = selectors.investment_list(scope=scope(request), moment=moment(filters), **filters)
        return paginated(request, self, rows, lambda page: PositionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="investments_announce",
        request=InvestmentAnnouncement,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CreatedSerializer, **errors(400, 413, 422)},
        description="Announce an investment (InvestmentAnnounced on a new investment stream) "
        "and put it in one of the user's matters.",
    )
    def post(self, request: Request) -> Response:
        body = self.InvestmentAnnouncement(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        matter = _staffed_matter(request, data.pop("matter"))
        key = idempotency_key(request)
        investment_id = new_stream_id("investment", key)

        def record(actor: str) -> AppendResult:
            return services.investment_announce(
                actor=actor, investment_id=investment_id, idempotency_key=key, **data
            )

        def file(result: AppendResult) -> None:
            MatterInvestment.objects.get_or_create(matter=matter, investment_id=result.stream_id)

        return created(request, record, after=file)


def _staffed_matter(request: Request, code: str) -> Matter:
    """The matter, if the user may file into it (staffed on it, or an admin)."""
    matter = Matter.objects.filter(code=code).first()
    if matter is not None and (
        role_of(request.user) is Role.ADMIN
        or matter.members.filter(pk=request.user.pk or 0).exists()
    ):
        return matter
    raise ApiError(
        "unknown_reference", f"No matter {code!r} you are staffed on.", status_code=422,
        field="matter",
    )  # fmt: skip


class InvestmentDetailApi(APIView):
    @extend_schema(
        operation_id="investments_read",
        parameters=MOMENT_PARAMETERS,
        responses={200: PositionSerializer, **errors(400, 404)},
        description="The investment's position: holdings, rights, agreements, money, staff.",
    )
    def get(self, request: Request, investment_id: str) -> Response:
        when = moment(parse(MomentParams, request))
        position = selectors.investment_get(
            investment_id=investment_id, scope=scope(request), moment=when
        )
        if position is None:
            raise not_found("investment", investment_id)
        return Response(PositionSerializer(position).data)


class TimelineApi(APIView):
    @extend_schema(
        operation_id="investments_timeline",
        parameters=MOMENT_PARAMETERS,
        responses={200: TimelineEntrySerializer(many=True), **errors(400, 404)},
        description="The investment's events merged with its proceedings', oldest first.",
    )
    def get(self, request: Request, investment_id: str) -> Response:
        when = moment(parse(MomentParams, request))
        visible_investment(request, investment_id)
        rows = selectors.timeline_list(investment_id=investment_id, moment=when)
        return Response(TimelineEntrySerializer(rows, many=True).data)
