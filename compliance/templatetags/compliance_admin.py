"""Small template filters for the admin pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: Any) -> Any:
    """``mapping[str(key)]``, or None."""
    return mapping.get(str(key)) if mapping else None


@register.filter
def stream_url(stream_id: str) -> str:
    """The admin page of a party, investment or proceeding stream."""
    from compliance.admin.recording import stream_page

    return stream_page(stream_id)


@register.simple_tag(takes_context=True)
def recorded_by(context: Any, metadata: dict[str, Any]) -> Any:
    """Who recorded an event, as far as the page's reader may know (compliance.access)."""
    from compliance.access import audience_for

    return audience_for(context["request"]).shown_actor(metadata) or ""
