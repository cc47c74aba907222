"""The API tests' world (two matters, a user of every role), signed in to the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.compliance.api.conftest import World, world  # noqa: F401 - the shared fixture


@pytest.fixture
def browse(world: World) -> Any:  # noqa: F811
    """A signed-in admin client for one of the world's users."""

    def client(who: str) -> Client:
        user = world.users[who]
        user.is_staff = True
        user.save()
        c = Client()
        c.force_login(user)
        return c

    return client
