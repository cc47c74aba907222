"""Recording facts from the admin: choose an event type that applies to the stream, fill in
its form, save one event at the version the form was shown at. Retract and correct an event
with a mandatory reason. Everything goes through compliance.services, like the API."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from compliance import services
from compliance.access import Role, stream_visible
from compliance.admin.base import may, scope
from compliance.admin.forms import EventForm, event_form, initial_from
from compliance.domain import catalogue
from compliance.domain.errors import DomainError
from compliance.models import Matter, MatterInvestment
from events import store
from events.errors import EventStoreError, WrongExpectedVersionError
from events.models import StoredEvent
from events.types import EventCorrected, EventRetracted, registry

OPENING = {"party": "PartyRegistered", "investment": "InvestmentAnnounced",
           "proceeding": "ProceedingOpened"}  # fmt: skip
KINDS = {
    kind: [cls.__name__ for cls in classes if cls.__name__ != OPENING[kind]]
    for heading, classes in catalogue.SECTIONS
    for kind in OPENING
    if f"`{kind}-" in heading
}
PAGES = {"party": "compliance_party_change", "investment": "compliance_investmentposition_change",
         "proceeding": "compliance_proceeding_change"}  # fmt: skip
NEW = "new"  # the stream id part of the URL that asks for a new stream


def stream_page(stream_id: str) -> str:
    kind = stream_id.split("-", 1)[0]
    return reverse(f"admin:{PAGES[kind]}", args=[quote(stream_id)])


def event_page(seq: int) -> str:
    return reverse("admin:events_storedevent_change", args=[seq])


def _kind(stream_id: str) -> str:
    kind = stream_id.split("-", 1)[0]
    if kind not in OPENING:
        raise Http404("No such stream.")
    return kind


def _check_writer(request: HttpRequest, stream_id: str) -> None:
    """Analysts and admins record; nobody records beyond their walls (a 404, as if the
    stream did not exist)."""
    if not may(request, Role.ANALYST):
        raise PermissionDenied("Viewers cannot record events.")
    if not stream_id.endswith(f"-{NEW}") and not stream_visible(scope(request), stream_id):
        raise Http404("No such stream.")


def record_choose(request: HttpRequest, stream_id: str) -> HttpResponse:
    """The event types that apply to this stream."""
    _check_writer(request, stream_id)
    kind = _kind(stream_id)
    if stream_id.endswith(f"-{NEW}"):
        return HttpResponseRedirect(
            reverse("admin:compliance_record_form", args=[stream_id, OPENING[kind]])
        )
    if store.current_version(stream_id) == 0:
        raise Http404("No such stream.")
    types = [
        (name, " ".join((registry.get(name).cls.__doc__ or "").split())) for name in KINDS[kind]
    ]
    return TemplateResponse(
        request,
        "admin/compliance/record_choose.html",
        {
            **admin.site.each_context(request),
            "title": f"Record an event on {stream_id}",
            "stream_id": stream_id,
            "types": types,
            "back": stream_page(stream_id),
        },
    )


def _matter_field(request: HttpRequest) -> forms.ModelChoiceField:
    matters = Matter.objects.all()
    if not scope(request).everything:
        matters = matters.filter(members__pk=request.user.pk or 0)
    return forms.ModelChoiceField(
        queryset=matters, label="Matter", help_text="The matter this investment is filed in."
    )


def record_form(request: HttpRequest, stream_id: str, type_name: str) -> HttpResponse:
    """One event type's form; saving records exactly one event at the version shown."""
    _check_writer(request, stream_id)
    kind = _kind(stream_id)
    new = stream_id.endswith(f"-{NEW}")
    allowed = [OPENING[kind]] if new else KINDS[kind]
    if type_name not in allowed:
        raise Http404("That event type does not apply to this stream.")
    form_class = event_form(type_name)
    if new and kind == "investment":
        form_class = type(form_class.__name__, (form_class,), {})
        form_class.base_fields["filing_matter"] = _matter_field(request)
    version = 0 if new else store.current_version(stream_id)
    if not new and version == 0:
        raise Http404("No such stream.")
    form = form_class(request.POST or None, initial={"expected_version": version})
    if request.method == "POST" and form.is_valid():
        target = f"{kind}-{uuid.uuid4().hex}" if new else stream_id
        saved = _save(request, form, target, lambda: registry.build(type_name, form.payload()))
        if saved is not None:
            return saved
    return TemplateResponse(
        request,
        "admin/compliance/record_form.html",
        {
            **admin.site.each_context(request),
            "title": f"Record {type_name}",
            "stream_id": None if new else stream_id,
            "type_name": type_name,
            "form": form,
            "description": " ".join((registry.get(type_name).cls.__doc__ or "").split()),
            "history": [] if new else store.read_stream(stream_id, effective=False)[-10:],
            "back": reverse("admin:index") if new else stream_page(stream_id),
        },
    )


def _save(request: HttpRequest, form: EventForm, stream_id: str, build: Any) -> HttpResponse | None:
    """Record; on a refusal put the reason on the form (its field when it names one)."""
    try:
        event = build()
        with transaction.atomic():
            result = services.event_record(
                stream_id=stream_id,
                event=event,
                actor=f"user:{request.user.get_username()}",
                source=form.source(),
                expected_version=form.cleaned_data["expected_version"],
                scope=scope(request),
            )
            matter = form.cleaned_data.get("filing_matter")
            if matter is not None:
                MatterInvestment.objects.get_or_create(matter=matter, investment_id=stream_id)
    except WrongExpectedVersionError as exc:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["expected_version"] = str(exc.current)
        form.data = data
        messages.warning(
            request,
            f"Someone recorded on this stream while you were typing: it is now at version "
            f"{exc.current}, not {exc.expected}. Nothing was saved. Check its latest events "
            "below, then save again if your entry still holds.",
        )
        return None
    except (DomainError, EventStoreError) as exc:
        field = _form_field(form, getattr(exc, "field", None))
        form.add_error(field, exc.message)
        return None
    messages.success(
        request, f"Recorded {type(event).__name__} on {stream_id} (version {result.version})."
    )
    return HttpResponseRedirect(stream_page(stream_id))


def _form_field(form: forms.Form, field: str | None) -> str | None:
    """The form field an error of the store or domain names, if the form has it."""
    if not field:
        return None
    bare = field.removeprefix("data.")
    for candidate in (field, bare, bare.split(".")[0], field.replace("metadata.", "")):
        if candidate in form.fields:
            return candidate
    return None


class ReasonForm(forms.Form):
    correction_reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000,
        help_text="Why the event is retracted or corrected: it stays in the log with it.",
    )  # fmt: skip
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def source(self) -> dict[str, Any] | None:
        return None  # a retraction's source is its reason


def _original(request: HttpRequest, seq: int) -> StoredEvent:
    row = StoredEvent.objects.filter(seq=seq).first()
    if row is None or row.type in ("EventRetracted", "EventCorrected"):
        raise Http404("No such event.")
    _check_writer(request, row.stream_id)
    return row


def retract(request: HttpRequest, seq: int) -> HttpResponse:
    row = _original(request, seq)
    version = store.current_version(row.stream_id)
    form = ReasonForm(request.POST or None, initial={"expected_version": version})
    if request.method == "POST" and form.is_valid():

        def build() -> EventRetracted:
            return EventRetracted(
                occurred_at=timezone.now(),
                target_event_id=row.event_id,
                reason=form.cleaned_data["correction_reason"],
            )

        saved = _save(request, form, row.stream_id, build)  # type: ignore[arg-type]
        if saved is not None:
            return HttpResponseRedirect(event_page(seq))
    return TemplateResponse(
        request,
        "admin/compliance/correct.html",
        {
            **admin.site.each_context(request),
            "title": f"Retract {row.type} (version {row.version})",
            "event": row,
            "form": form,
            "action": "retract",
            "back": event_page(seq),
        },
    )


class CorrectionMixin(EventForm):
    correction_reason = forms.CharField(
        label="Reason for the correction", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )  # fmt: skip

    def source(self) -> dict[str, Any] | None:
        return None  # the correction's source is its reason; the original keeps its own


def correct(request: HttpRequest, seq: int) -> HttpResponse:
    """The original's form, filled with its data; saving records EventCorrected with the
    whole corrected payload and the reason."""
    row = _original(request, seq)
    base = event_form(row.type, with_source=False)
    form_class: type[EventForm] = type(f"Correct{row.type}", (CorrectionMixin, base), {})
    form_class.base_fields.update(base.base_fields)
    version = store.current_version(row.stream_id)
    initial = {**initial_from(form_class, row.data), "expected_version": version}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def build() -> EventCorrected:
            payload = form.payload()
            registry.build(row.type, payload)  # the corrected data must fit the type
            return EventCorrected(
                occurred_at=timezone.now(),
                target_event_id=row.event_id,
                reason=form.cleaned_data["correction_reason"],
                data=payload,
            )

        saved = _save(request, form, row.stream_id, build)
        if saved is not None:
            return HttpResponseRedirect(event_page(seq))
    return TemplateResponse(
        request,
        "admin/compliance/correct.html",
        {
            **admin.site.each_context(request),
            "title": f"Correct {row.type} (version {row.version})",
            "event": row,
            "form": form,
            "action": "correct",
            "back": event_page(seq),
        },
    )
