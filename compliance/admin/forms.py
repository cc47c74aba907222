"""Entry forms for events, generated from each event type's JSON Schema: the very schema the
API publishes at /api/v1/event-types/, so the admin and the API cannot disagree on a field.

A nested object (an amount of ``Money``) becomes a group of fields named ``amount.currency``
and so on; maps and lists of objects, which forms render poorly, are entered as JSON. The form
only shapes the input: the event's own schema and the domain's rules, run by the services,
decide whether it is recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin import widgets

from events.types import registry

SOURCE_FIELDS = ("url", "publisher", "title", "published_on", "reliability")
RELIABILITY = [
    ("official", "Official (the authority or the company itself)"),
    ("reliable_press", "Reliable press"),
    ("unverified", "Unverified report"),
]
LONG_TEXT = 500  # a text field that may hold more than this gets a text area


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return {
            **defs[node["$ref"].rsplit("/", 1)[-1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    return node


def _unwrap(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node without its ``null`` alternative, and whether null was allowed."""
    node = _resolve(node, defs)
    options = node.get("anyOf")
    if options is None:
        return node, False
    others = [o for o in options if o.get("type") != "null"]
    nullable = len(others) < len(options)
    if len(others) == 1:
        inner = _resolve(others[0], defs)
        extra = {k: v for k, v in node.items() if k not in {"anyOf", "default"}}
        merged, _ = _unwrap({**inner, **extra}, defs)
        return merged, nullable
    return {**node, "anyOf": others}, nullable


def _is_decimal(node: dict[str, Any]) -> bool:
    kinds = {o.get("type") for o in node.get("anyOf", [])}
    return kinds == {"number", "string"}


WORDS = {"pct": "(%)", "eur": "EUR", "id": "ID", "ids": "IDs", "eu": "EU"}


def _label(name: str, node: dict[str, Any]) -> str:
    """``equity_pct`` -> "Equity (%)", ``eur_rate`` -> "EUR rate"."""
    words = [WORDS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class JsonField(forms.CharField):
    """A value entered as JSON (maps, lists of objects)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in ("", None):
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}") from None


class LinesField(forms.CharField):
    """A list of texts, one per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _field(name: str, node: dict[str, Any], defs: dict[str, Any], required: bool) -> forms.Field:
    """One form field for one JSON Schema property (not an object with properties)."""
    node, nullable = _unwrap(node, defs)
    required = required and not nullable
    common: dict[str, Any] = {
        "required": required,
        "label": _label(name, node),
        "help_text": node.get("description", ""),
    }
    if "enum" in node:
        choices = [(v, str(v).replace("_", " ")) for v in node["enum"]]
        return forms.ChoiceField(
            choices=([] if required else [("", "---------")]) + choices, **common
        )
    if _is_decimal(node):
        number = next(o for o in node["anyOf"] if o.get("type") == "number")
        return forms.DecimalField(
            min_value=number.get("minimum"), max_value=number.get("maximum"), **common
        )
    kind = node.get("type")
    fmt = node.get("format")
    if kind == "string" and fmt == "date-time":
        return forms.SplitDateTimeField(widget=widgets.AdminSplitDateTime, **common)
    if kind == "string" and fmt == "date":
        return forms.DateField(widget=widgets.AdminDateWidget, **common)
    if kind == "string" and "pattern" in node:  # a code: ISO currency, country, ...
        return forms.RegexField(
            node["pattern"], max_length=node.get("maxLength"), **common,
            error_messages={"invalid": f"Must match {node['pattern']}."},
        )  # fmt: skip
    if kind == "string":
        limit = node.get("maxLength")
        long = (limit or 10**6) > LONG_TEXT
        widget = forms.Textarea(attrs={"rows": 3, "cols": 60}) if long else None
        return forms.CharField(
            max_length=limit, min_length=node.get("minLength"), widget=widget, **common
        )
    if kind == "integer":
        return forms.IntegerField(
            min_value=node.get("minimum"), max_value=node.get("maximum"), **common
        )
    if kind == "number":
        return forms.DecimalField(
            min_value=node.get("minimum"), max_value=node.get("maximum"), **common
        )
    if kind == "boolean":
        if required:
            return forms.BooleanField(**{**common, "required": False})
        return forms.NullBooleanField(**common)
    if kind == "array":
        items, _ = _unwrap(node.get("items", {}), defs)
        if "enum" in items:
            choices = [(v, str(v).replace("_", " ")) for v in items["enum"]]
            return forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                **{**common, "required": False},
            )
        if items.get("type") == "string" and "format" not in items:
            return LinesField(
                **{**common, "help_text": (common["help_text"] + " One per line.").strip()}
            )
    return JsonField(**{**common, "help_text": (common["help_text"] + " As JSON.").strip()})


def _object_fields(
    prefix: str, node: dict[str, Any], defs: dict[str, Any], required: bool
) -> dict[str, forms.Field]:
    """The fields of an object, flattened with dotted names; nested objects with properties
    become groups of fields, optional unless the object is required."""
    found: dict[str, forms.Field] = {}
    needed = set(node.get("required", ()))
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        inner, nullable = _unwrap(child, defs)
        if inner.get("type") == "object" and "properties" in inner:
            group = _object_fields(
                f"{path}.", inner, defs, required and name in needed and not nullable
            )
            for field in group.values():
                field.label = f"{_label(name, child)}: {field.label}"
            found.update(group)
        else:
            found[path] = _field(name, child, defs, required and name in needed)
    return found


def _source_fields() -> dict[str, forms.Field]:
    return {
        "source.url": forms.URLField(
            required=False, max_length=2000, label="Source: URL", assume_scheme="https",
            help_text="Where the fact was published (http or https).",
        ),
        "source.publisher": forms.CharField(
            required=False, max_length=200, label="Source: publisher"
        ),
        "source.title": forms.CharField(required=False, max_length=500, label="Source: title"),
        "source.published_on": forms.DateField(
            required=False, widget=widgets.AdminDateWidget, label="Source: published on"
        ),
        "source.reliability": forms.ChoiceField(
            choices=RELIABILITY, initial="unverified", required=False, label="Source: reliability"
        ),
    }  # fmt: skip


class EventForm(forms.Form):
    """Base of the generated forms. ``expected_version`` is the stream's version when the
    form was shown: saving records at that version or not at all."""

    type_name: str = ""
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("source.url") and not cleaned.get("source.publisher"):
            self.add_error("source.publisher", "Name the publisher of the source.")
        return cleaned

    def payload(self) -> dict[str, Any]:
        """The event's data from the cleaned form, nested again and in JSON terms."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "expected_version" or name.startswith("source.") or name in EXTRA_FIELDS:
                continue
            _put(data, name.split("."), _json(value))
        return _drop_empty(data)

    def source(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("source.url"):
            return None
        return {
            key: _json(self.cleaned_data.get(f"source.{key}"))
            for key in SOURCE_FIELDS
            if self.cleaned_data.get(f"source.{key}") not in (None, "")
        }


EXTRA_FIELDS = {"filing_matter", "correction_reason"}  # asked by the form, not in the event


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _put(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Blank optional fields are left out; a group left wholly blank (an optional amount)
    disappears."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _drop_empty(value)
            if not value:
                continue
        if value in (None, "", []):
            continue
        cleaned[key] = value
    return cleaned


def event_form(type_name: str, *, with_source: bool = True) -> type[EventForm]:
    """A form class for one event type, from its JSON Schema."""
    schema = registry.get(type_name).adapter.json_schema()
    fields = _object_fields("", schema, schema.get("$defs", {}), True)
    if with_source:
        fields.update(_source_fields())
    attrs: dict[str, Any] = {"type_name": type_name, **fields}
    form: type[EventForm] = type(f"{type_name}Form", (EventForm,), attrs)
    form.base_fields.update(fields)  # dotted names are not attribute names
    return form


def initial_from(form: type[EventForm], data: dict[str, Any]) -> dict[str, Any]:
    """A stored payload as the initial values of its form (to correct an event)."""
    found: dict[str, Any] = {}
    for name, field in form.base_fields.items():
        value: Any = data
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        if isinstance(field, LinesField):
            value = "\n".join(value)
        elif isinstance(field, JsonField):
            value = json.dumps(value)
        elif isinstance(field, forms.SplitDateTimeField):
            value = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        found[name] = value
    return found
