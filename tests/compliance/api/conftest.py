"""A small world for API tests: two matters, each with a deal, and a user of every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compliance.models import Matter, MatterInvestment
from events import projections
from tests.compliance.scenario import Deal, record_deal


@dataclass
class World:
    a: Deal  # in matter A
    b: Deal  # in matter B
    users: dict[str, User]

    def client(self, who: str | None) -> APIClient:
        """A client signed in with a token (None: anonymous)."""
        client = APIClient()
        if who is not None:
            token, _ = Token.objects.get_or_create(user=self.users[who])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def make_user(name: str, role: str | None, matters: list[Matter]) -> User:
    user = User.objects.create_user(username=name, password="pw-" + name)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for matter in matters:
        matter.members.add(user)
    return user


@pytest.fixture
def world(db: Any) -> World:
    a, b = record_deal(actor="setup"), record_deal(actor="setup")
    matter_a = Matter.objects.create(code="A-1", name="Matter A")
    matter_b = Matter.objects.create(code="B-1", name="Matter B")
    MatterInvestment.objects.create(matter=matter_a, investment_id=a.investment)
    MatterInvestment.objects.create(matter=matter_b, investment_id=b.investment)
    users = {
        "viewer": make_user("viewer", "viewer", [matter_a]),
        "analyst": make_user("analyst", "analyst", [matter_a]),
        "admin": make_user("boss", "admin", []),
        "other": make_user("other", "analyst", [matter_b]),  # behind the wall from A
        "norole": make_user("norole", None, [matter_a]),
    }
    projections.catch_up()
    return World(a=a, b=b, users=users)
