"""Settings of the worker and beat processes of the report end-to-end test: the test
settings, with mail written to files (the locmem backend does not cross processes)."""

import os

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
