"""Fixtures shared with the API tests."""

from tests.compliance.api.conftest import world  # noqa: F401 - two matters, every role
