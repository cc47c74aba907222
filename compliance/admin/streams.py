"""Parties, investments and proceedings: lists from the read models, and for each a page
folded from the log at the chosen moment (as of a date, as known at a time), with the
button that records the next fact. An investment's page is its dossier: position, merged
timeline, findings with their rationale and the events they used, open deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html

from compliance import selectors
from compliance.access import Role, Scope
from compliance.admin import recording
from compliance.admin.base import ReadOnlyAdmin, WalledAdmin, may, scope
from compliance.models import InvestmentPosition, MatterInvestment, Party, Proceeding
from compliance.selectors import Moment
from events import store
from events.models import StoredEvent


def moment_of(request: HttpRequest) -> Moment:
    """The page's moment from ``?as_of=YYYY-MM-DD&known_at=...``; now when absent, and a
    message (not an error page) when a value does not parse."""
    as_of = known_at = None
    raw_as_of, raw_known = request.GET.get("as_of", ""), request.GET.get("known_at", "")
    if raw_as_of:
        as_of = parse_date(raw_as_of)
        if as_of is None:
            messages.error(request, f"“{raw_as_of}” is not a date (YYYY-MM-DD): showing today.")
    if raw_known:
        day = parse_date(raw_known)
        parsed = datetime.combine(day, time.max, tzinfo=UTC) if day else parse_datetime(raw_known)
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed is None:
            messages.error(
                request, f"“{raw_known}” is not a date or time: showing what is known now."
            )
        known_at = parsed
    return Moment(as_of=as_of or timezone.localdate(), known_at=known_at or timezone.now())


def _context(request: HttpRequest, title: str, when: Moment, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "title": title,
        "moment": when,
        "as_of": when.as_of.isoformat() if when.as_of else "",
        "known_at": when.known_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
        if when.known_at
        else "",
        "may_record": may(request, Role.ANALYST),
        **extra,
    }


def _event_links(event_ids: list[str]) -> dict[str, int]:
    """Event id -> its row in the log admin, for links."""
    rows = StoredEvent.objects.filter(event_id__in=event_ids).values_list("event_id", "seq")
    return {str(event_id): seq for event_id, seq in rows}


class StreamAdmin(ReadOnlyAdmin):
    """A list from a read model; each object's page is folded from the log."""

    kind = ""
    change_list_template = "admin/compliance/change_list_record.html"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "record_new": reverse("admin:compliance_record_choose", args=[f"{self.kind}-new"])
            if may(request, Role.ANALYST) else None,
            "record_label": f"Record a new {self.kind}",
        }  # fmt: skip
        return super().changelist_view(request, context)

    def _visible(self, request: HttpRequest, stream_id: str) -> None:
        from compliance.access import stream_visible

        try:
            known = store.current_version(stream_id) > 0
        except Exception:
            known = False
        if not known or not stream_visible(scope(request), stream_id):
            raise Http404(f"No {self.kind} {stream_id}.")


@admin.register(Party)
class PartyAdmin(StreamAdmin):
    kind = "party"
    list_display = ("name", "kind", "country", "is_gatekeeper", "latest_fiscal_year",
                    "worldwide_turnover_eur", "eu_turnover_eur")  # fmt: skip
    list_filter = ("kind", "country", "is_gatekeeper")
    search_fields = ("name", "stream_id")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        stream_id = unquote(object_id)
        self._visible(request, stream_id)
        when = moment_of(request)
        party = selectors.party_get(party_id=stream_id, moment=when)
        events = store.read_stream(stream_id, effective=False)
        return TemplateResponse(
            request,
            "admin/compliance/party_detail.html",
            _context(
                request, party.name if party else stream_id, when, stream_id=stream_id,
                party=party, events=events, seqs=_event_links([str(e.event_id) for e in events]),
                investments=selectors.investment_list(scope=scope(request), party_id=stream_id),
            ),
        )  # fmt: skip


@admin.register(InvestmentPosition)
class InvestmentAdmin(StreamAdmin, WalledAdmin):
    kind = "investment"
    list_display = ("title", "investor_link", "target_link", "status", "equity_pct",
                    "voting_pct", "invested_eur", "personnel_hired")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("title", "stream_id", "investor_id", "target_id")

    def walled(self, rows: QuerySet[Any], seen: Scope) -> QuerySet[Any]:
        return rows.filter(stream_id__in=seen.investment_ids)

    @admin.display(description="investor", ordering="investor_id")
    def investor_link(self, row: InvestmentPosition) -> str:
        return _party_link(row.investor_id)

    @admin.display(description="target", ordering="target_id")
    def target_link(self, row: InvestmentPosition) -> str:
        return _party_link(row.target_id)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        stream_id = unquote(object_id)
        self._visible(request, stream_id)
        when = moment_of(request)
        seen = scope(request)
        position = selectors.investment_get(investment_id=stream_id, scope=seen, moment=when)
        findings = selectors.finding_list(scope=seen, moment=when, investment_id=stream_id)
        proceedings = selectors.proceeding_list(scope=seen, moment=when, investment_id=stream_id)
        deadlines = [
            d
            for p in proceedings
            for d in selectors.deadline_list(scope=seen, moment=when, proceeding_id=p.stream_id)
        ]
        used = sorted({e for f in findings for e in f.event_ids})
        timeline = selectors.timeline_list(investment_id=stream_id, moment=when)
        timeline_events = [e.event_id for e in timeline]
        return TemplateResponse(
            request,
            "admin/compliance/investment_detail.html",
            _context(
                request, position.title if position else stream_id, when,
                stream_id=stream_id, position=position, findings=findings,
                proceedings=proceedings, deadlines=sorted(deadlines, key=lambda d: d.due_on),
                timeline=timeline,
                seqs=_event_links(used + [str(e) for e in timeline_events]),
                matters=MatterInvestment.objects.filter(investment_id=stream_id).select_related("matter"),
            ),
        )  # fmt: skip


@admin.register(Proceeding)
class ProceedingAdmin(StreamAdmin, WalledAdmin):
    kind = "proceeding"
    list_display = ("authority", "reference", "kind", "phase", "status", "outcome",
                    "next_deadline", "decided_on")  # fmt: skip
    list_filter = ("authority", "status", "kind", "phase", "outcome", "next_deadline")
    search_fields = ("authority", "reference", "stream_id", "legal_basis")

    def walled(self, rows: QuerySet[Any], seen: Scope) -> QuerySet[Any]:
        return rows.filter(stream_id__in=seen.proceeding_ids() or ())

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        stream_id = unquote(object_id)
        self._visible(request, stream_id)
        when = moment_of(request)
        seen = scope(request)
        proceeding = selectors.proceeding_get(proceeding_id=stream_id, scope=seen, moment=when)
        events = store.read_stream(stream_id, effective=False)
        return TemplateResponse(
            request,
            "admin/compliance/proceeding_detail.html",
            _context(
                request, str(proceeding) if proceeding else stream_id, when,
                stream_id=stream_id, proceeding=proceeding, events=events,
                deadlines=selectors.deadline_list(scope=seen, moment=when, proceeding_id=stream_id),
                investments=seen.visible(proceeding.investment_ids if proceeding else []),
                seqs=_event_links([str(e.event_id) for e in events]),
            ),
        )  # fmt: skip


def _party_link(party_id: str) -> str:
    return format_html('<a href="{}">{}</a>', recording.stream_page(party_id), party_id)
