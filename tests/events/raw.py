"""A raw database connection to the test database, beside Django's."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from django.db import connection


def raw_connection() -> Any:
    """A new DB-API connection in autocommit mode, not through Django."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            autocommit=True,
        )
    raw = sqlite3.connect(settings["NAME"], isolation_level=None)
    return raw
