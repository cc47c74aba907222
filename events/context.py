"""The unit of work events are recorded in. An interface (the web middleware, a task) sets
``REQUEST_ID`` for the duration of a request; every event appended meanwhile carries it in its
metadata as ``request_id``, so a log line and the events a request recorded can be matched."""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("events_request_id", default=None)
