"""grant_access: a role and a matter from the command line; then a token."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from compliance.access import Role, role_of, scope_for
from compliance.models import Matter, MatterInvestment

pytestmark = pytest.mark.django_db


def test_a_new_analyst_staffed_on_a_matter_gets_a_working_token() -> None:
    out = io.StringIO()
    call_command("grant_access", "jane", "--role", "analyst", "--matter", "M-1", "--create",
                 stdout=out)  # fmt: skip
    assert "jane is now analyst, staffed on matter M-1." in out.getvalue()
    user = User.objects.get(username="jane")
    assert role_of(user) is Role.ANALYST
    MatterInvestment.objects.create(
        matter=Matter.objects.get(code="M-1"), investment_id="investment-x"
    )
    assert scope_for(User.objects.get(pk=user.pk)).investment_ids == {"investment-x"}
    call_command("drf_create_token", "jane", stdout=io.StringIO())
    assert Token.objects.filter(user=user).exists()


def test_a_new_role_replaces_the_old_one() -> None:
    call_command("grant_access", "joe", "--role", "admin", "--create", stdout=io.StringIO())
    call_command("grant_access", "joe", "--role", "viewer", stdout=io.StringIO())
    assert role_of(User.objects.get(username="joe")) is Role.VIEWER


def test_an_unknown_user_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("grant_access", "ghost", "--role", "viewer")
