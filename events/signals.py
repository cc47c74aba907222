"""The store's announcement of committed appends: how the rest of a project learns that
the log grew, without the store knowing who listens (it imports no task module).

``events_committed`` is sent once per append, after the transaction holding it commits
(``transaction.on_commit``; an append made outside a transaction has committed when its
one statement returns), and never for an append that rolls back. Nothing is sent while
``EVENTS_DISPATCH_ON_COMMIT`` is off. The sender is ``None`` and there are no arguments:
a receiver reads what it needs from the log (``read_all(after=...)`` from its own
checkpoint), so a lost or merged announcement only delays it.

Receivers run in the appending process, synchronously, after the commit: keep them quick
(queue work, do not do it). A receiver's exception is logged and never reaches the caller:
the events are committed whatever a receiver does. This project connects the projection
catch-up task in :meth:`events.apps.EventsConfig.ready`.
"""

from __future__ import annotations

from django.dispatch import Signal

events_committed = Signal()
