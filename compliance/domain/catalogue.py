"""The event catalogue as Markdown (docs/events.md), generated from the event types
themselves so the documentation cannot drift from the code."""

from __future__ import annotations

from typing import Any

from compliance.domain import investments, parties, proceedings
from events.types import EventCorrected, EventRetracted, PersonalDataErased, registry

SECTIONS = [
    ("Party streams (`party-<id>`)", parties.PARTY_EVENTS),
    ("Investment streams (`investment-<id>`)", investments.INVESTMENT_EVENTS),
    ("Proceeding streams (`proceeding-<id>`)", proceedings.PROCEEDING_EVENTS),
    ("On every stream", (EventRetracted, EventCorrected)),
    ("Data subject streams (`subject-<id>`, written by `erase_subject`)", (PersonalDataErased,)),
]

HEADER = """# Event catalogue

Generated from `compliance/domain/events.py` by `python manage.py describe_events`; a test
fails when this page and the code disagree. Every event is a past-tense fact, recorded on one
stream, never edited or deleted; a mistake is fixed by `EventRetracted` or `EventCorrected`.

Common to every event:

- `occurred_at` (required): when it happened in the world, an ISO 8601 timestamp with a time
  zone (`2024-02-26T00:00:00Z`). It is the valid time of bitemporal reads (`as_of`).
- The store adds `event_id`, `stream_id`, `version` and the hash, and the database sets
  `recorded_at` (the transaction time of `known_at` reads: the time of the INSERT statement,
  whatever a client sends); the append's metadata carries the `actor` (from the
  authenticated user, never from the client), `correlation_id` and, where the fact comes from a
  document, its `source`: `url` (http or https), `publisher`, `title`, `published_on` (date),
  `reliability` (`official`, `reliable_press` or `unverified`).
- Amounts are `Money`: `amount` (a decimal string, at most 2 decimals, never a float),
  `currency` (ISO 4217), and, for a figure in another currency, the stated conversion to EUR
  (`eur_rate`, `eur_rate_date`, `eur_rate_source`). Without a stated rate a figure is never
  converted: views list it as unconverted.
- Percentages are decimals from 0 to 100 (percent, not fractions), in percentage points of the
  target; unknown values are left out (`null`), never guessed.
- Names of people are personal data: keep them out of these fields (roles and counts only).
"""


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"])
        return f"`{name}`"
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if len(options) == 2 and {o.get("type") for o in options} == {"number", "string"}:
            return "decimal (string)"
        return " or ".join(_type(option, defs) for option in options)
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type")
    if kind == "array":
        return "list of " + _type(schema.get("items", {}), defs)
    if kind == "object":
        values = schema.get("additionalProperties")
        for pattern, by_key in schema.get("patternProperties", {}).items():
            return f"map from keys matching `{pattern}` to {_type(by_key, defs)}"
        return "map of " + (_type(values, defs) if isinstance(values, dict) else "values")
    fmt = schema.get("format")
    if fmt == "date":
        return "date (`YYYY-MM-DD`)"
    if fmt == "date-time":
        return "timestamp with time zone"
    if fmt == "uuid":
        return "UUID"
    return {"string": "text", "integer": "integer", "boolean": "true or false",
            "number": "decimal"}.get(str(kind), str(kind))  # fmt: skip


def _limits(schema: dict[str, Any]) -> str:
    notes = []
    for key, label in [("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")]:
        if key in schema:
            notes.append(f"{label} {schema[key]}")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        notes.append(f"pattern `{schema['pattern']}`")
    if "description" in schema:
        notes.append(schema["description"])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            notes.append(_limits(option))
    return "; ".join(n for n in notes if n)


def render() -> str:
    lines = [HEADER]
    money = registry.get("StakeAcquired").adapter.json_schema()["$defs"]["Money"]
    lines.append("## `Money`\n")
    lines.append(_table(money, {}, set()))
    for title, types in SECTIONS:
        lines.append(f"## {title}\n")
        for cls in types:
            schema = registry.type_of_class(cls).adapter.json_schema()
            defs = schema.get("$defs", {})
            lines.append(f"### `{cls.__name__}` (schema version "
                         f"{registry.type_of_class(cls).schema_version})\n")  # fmt: skip
            doc = (cls.__doc__ or "").strip()
            if doc and not doc.startswith(cls.__name__ + "("):
                lines.append(" ".join(doc.split()) + "\n")
            lines.append(_table(schema, defs, {"occurred_at"}))
    return "\n".join(lines).rstrip() + "\n"


def _table(schema: dict[str, Any], defs: dict[str, Any], skip: set[str]) -> str:
    required = set(schema.get("required", []))
    rows = ["| Field | Type | Required | Notes |", "|---|---|---|---|"]
    for name, field_schema in schema.get("properties", {}).items():
        if name in skip:
            continue
        notes = _limits(field_schema)
        if "default" in field_schema and field_schema["default"] not in (None, [], {}):
            notes = "; ".join(filter(None, [notes, f"default `{field_schema['default']}`"]))
        rows.append(
            f"| `{name}` | {_type(field_schema, defs)} | {'yes' if name in required else 'no'} "
            f"| {notes} |"
        )
    if len(rows) == 2:
        rows.append("| (no fields besides `occurred_at`) | | | |")
    return "\n".join(rows) + "\n"
