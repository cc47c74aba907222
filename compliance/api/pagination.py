"""Pagination: limit and offset over lists of state, and a position cursor over the log."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination


class Page(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


def log_page(request: Any, results: list[Any], *, limit: int) -> dict[str, Any]:
    """The log's page: the next page starts after the last position returned. Positions
    are gap-free and never reused, so a cursor stays valid while the log grows."""
    last = results[-1]["position"] if results else None
    following = None
    if last is not None and len(results) == limit:
        query = request.query_params.copy()
        query["after"] = str(last)
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"next": following, "last_position": last, "results": results}
