"""Test settings: the project's settings plus speed-ups, and the test database.

Tests run against PostgreSQL by default (``DATABASE_URL``, else the standard local port) and
Redis (``CELERY_BROKER_URL``, else the standard local port). Set ``DATABASE_URL`` to a
``sqlite://`` URL to run the store's contract tests on SQLite.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EVENTS_PROJECTIONS = [*EVENTS_PROJECTIONS, "tests.events.example_projection.StreamCounter"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "tests.events.apps.EventsTestsConfig"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so tests can reach it through a raw sqlite3 connection too.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"tracker-test-{os.getpid()}.sqlite3")
    }

# Tests catch projections up explicitly; the ones about dispatch switch it back on.
EVENTS_DISPATCH_ON_COMMIT = False
