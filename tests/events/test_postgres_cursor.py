"""The store's psycopg cursor lives as long as Django's connection, not longer.

A Celery worker closes Django's connection before and after every task (Celery's Django
fix-up), so each task opens a new one; a cursor kept past its connection kept that connection,
its adapters and its prepared statements alive for the life of the process (the soak
benchmark's pool process grew about 40 KB a task)."""

from __future__ import annotations

import gc
import weakref

import pytest
from django.db import connection

from events import ledger
from events.backends.postgres import cursor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_cursor_is_reused_while_the_connection_lasts() -> None:
    first = cursor()
    assert cursor() is first
    assert first.connection is connection.connection


def test_a_closed_connection_and_its_cursor_are_freed() -> None:
    freed = []
    for _ in range(3):  # as a worker does around each task
        ledger.seal()  # uses the cursor
        raw = weakref.ref(connection.connection)
        kept = weakref.ref(cursor())
        connection.close()
        freed.append((raw, kept))
    ledger.seal()  # a new connection and cursor: the previous ones are no longer needed
    gc.collect()
    assert [(raw() is None, kept() is None) for raw, kept in freed] == [(True, True)] * 3
    assert cursor().connection is connection.connection
