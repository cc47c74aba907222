"""Roles and ethical walls: who may read and record what.

Roles are Django groups (created by a migration):

- ``viewer`` reads;
- ``analyst`` reads and records events;
- ``admin`` does everything, sees every matter, and manages matters and users.

A superuser counts as an admin. A user with none of these roles may do nothing.

Ethical walls: an investment belongs to one or more matters; a user who is not an admin
sees and writes only the investments of the matters they are staffed on, the proceedings
that concern at least one of them, and their findings, deadlines, timelines and events.
Parties are shared reference data (a company's name, turnover and designations are the
same in every matter): every user with a role sees them, and analysts may record on them.
An object behind a wall is reported as not found, never as forbidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Any

from django.db import connection

from compliance.domain.errors import DomainError
from compliance.domain.events import ProceedingOpened
from compliance.models import Matter, MatterInvestment
from compliance.models import Proceeding as ProceedingRow
from events.errors import EventStoreError


class Role(IntEnum):
    """Ordered: each role may do what the ones below it may."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3


GROUPS = {"viewer": Role.VIEWER, "analyst": Role.ANALYST, "admin": Role.ADMIN}


def role_of(user: Any) -> Role | None:
    """The highest role of a user, or None (anonymous, inactive, or no role group)."""
    return _access(user)[0]


def load_access(user: Any) -> None:
    """Read a user's role and matters now and keep them on the user object."""
    _access(user)


def _access(user: Any, *, fresh: bool = False) -> tuple[Role | None, frozenset[str]]:
    """A user's role and the investments of their matters, read in one query and kept on
    the user object for the rest of the request (every API call needs both). ``fresh``
    reads them again even so."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None, frozenset()
    cached: tuple[Role | None, frozenset[str]] | None = getattr(user, "_compliance_access", None)
    if cached is not None and not fresh:
        return cached
    groups = user._meta.get_field("groups").remote_field.through._meta.db_table
    members = Matter.members.through._meta.db_table
    sql = (
        f"SELECT 'role', g.name FROM auth_group g JOIN {groups} ug ON ug.group_id = g.id "
        "WHERE ug.user_id = %s AND g.name IN ('viewer', 'analyst', 'admin') "
        "UNION ALL "
        f"SELECT 'investment', mi.investment_id FROM {MatterInvestment._meta.db_table} mi "
        f"JOIN {members} mm ON mm.matter_id = mi.matter_id WHERE mm.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = cursor.fetchall()
    role = max((GROUPS[name] for kind, name in rows if kind == "role"), default=None)
    if user.is_superuser:
        role = Role.ADMIN
    found = (role, frozenset(value for kind, value in rows if kind == "investment"))
    user._compliance_access = found
    return found


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything (admins), or the investments of their matters.

    A scope built from access remembered for a few seconds (the API's token cache,
    compliance/api/authentication.py) carries ``recheck``: when it does not see an
    investment, the user's access is read again, once, before answering no. So access just
    granted is never refused; access just revoked may last as long as the cache's window.
    """

    everything: bool
    investment_ids: frozenset[str]
    recheck: Callable[[], Scope] | None = field(default=None, compare=False, repr=False)
    _rechecked: list[Scope] = field(default_factory=list, compare=False, repr=False)

    def sees_investment(self, investment_id: str) -> bool:
        if self.everything or investment_id in self.investment_ids:
            return True
        fresh = self._fresh()
        return fresh is not None and fresh.sees_investment(investment_id)

    def sees_any(self, investment_ids: Iterable[str]) -> bool:
        """A proceeding is visible when it concerns at least one visible investment."""
        investment_ids = list(investment_ids)
        if self.everything or not self.investment_ids.isdisjoint(investment_ids):
            return True
        fresh = self._fresh() if investment_ids else None
        return fresh is not None and fresh.sees_any(investment_ids)

    def _fresh(self) -> Scope | None:
        """The scope read again (once), if this one was remembered."""
        if self.recheck is None:
            return None
        if not self._rechecked:
            self._rechecked.append(self.recheck())
        return self._rechecked[0]

    def visible(self, investment_ids: Iterable[str]) -> list[str]:
        return [i for i in investment_ids if self.sees_investment(i)]

    def proceeding_ids(self) -> set[str] | None:
        """The proceedings (in the read model) this scope sees; None for every one."""
        if self.everything:
            return None
        return {
            stream_id
            for stream_id, concerned in ProceedingRow.objects.values_list(
                "stream_id", "investment_ids"
            )
            if self.sees_any(concerned)
        }


EVERYTHING = Scope(everything=True, investment_ids=frozenset())
NOTHING = Scope(everything=False, investment_ids=frozenset())


def scope_for(user: Any, *, fresh: bool = False) -> Scope:
    role, investment_ids = _access(user, fresh=fresh)
    if role is None:
        return NOTHING
    if role is Role.ADMIN:
        return EVERYTHING
    if not fresh and getattr(user, "_compliance_access_remembered", False):
        return Scope(
            everything=False,
            investment_ids=investment_ids,
            recheck=lambda: scope_for(user, fresh=True),
        )
    return Scope(everything=False, investment_ids=investment_ids)


def stream_visible(scope: Scope, stream_id: str, *, state: Any = None) -> bool:
    """Whether a stream (of any kind) is on this side of the wall. Proceedings are folded
    from the log (or judged by ``state``, the caller's fold), so a proceeding opened a
    moment ago is judged before it is projected."""
    if scope.everything:
        return True
    kind = stream_id.split("-", 1)[0]
    if kind == "party":
        return True
    if kind == "investment":
        return scope.sees_investment(stream_id)
    if kind == "proceeding":
        if state is None:
            from compliance.services import stream_state

            try:
                state = stream_state(stream_id)
            except (DomainError, EventStoreError):  # a malformed id is simply not visible
                return False
        return scope.sees_any(getattr(state, "investment_ids", ()))
    return False


WITHHELD = "user:(withheld)"


class Audience:
    """Who reads events' metadata, and so how much of it they are shown.

    The fact's ``source`` is shown to everyone who sees the event. Who recorded it
    (``actor``) is shown when it is the reader, a user who shares a matter with them, or a
    process (``cli:...``, the scenario); other users are withheld (``user:(withheld)``): a
    party is shared by every matter, and so is a proceeding about deals of several. Request,
    correlation and causation ids are shown to admins and to the user who made the request.
    Idempotency keys only ever to their own user, as sent. Nothing else is shown.
    """

    def __init__(self, user: Any) -> None:
        self.user = user
        self.everything = _access(user)[0] is Role.ADMIN
        self.actor = f"user:{user.get_username()}"
        self._own_keys = f"api:{user.pk}:"

    @cached_property
    def colleagues(self) -> frozenset[str]:
        """The usernames of the users staffed on a matter with this one."""
        members = Matter.members.through._meta.db_table
        users = self.user._meta.db_table
        sql = (
            f"SELECT DISTINCT u.username FROM {users} u JOIN {members} theirs "
            f"ON theirs.user_id = u.id JOIN {members} mine ON mine.matter_id = theirs.matter_id "
            "WHERE mine.user_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.user.pk])
            return frozenset(row[0] for row in cursor.fetchall())

    def knows(self, actor: Any) -> bool:
        if not isinstance(actor, str):
            return False
        if self.everything or actor == self.actor or not actor.startswith("user:"):
            return True
        return actor.removeprefix("user:") in self.colleagues

    def shown_actor(self, metadata: Mapping[str, Any]) -> Any:
        actor = metadata.get("actor")
        return actor if actor is None or self.knows(actor) else WITHHELD

    def metadata(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        if "actor" in metadata:
            shown["actor"] = self.shown_actor(metadata)
        if "source" in metadata:
            shown["source"] = metadata["source"]
        if self.everything or metadata.get("actor") == self.actor:
            for name in ("correlation_id", "causation_id", "request_id"):
                if name in metadata:
                    shown[name] = metadata[name]
        key = metadata.get("idempotency_key")
        if isinstance(key, str) and key.startswith(self._own_keys):
            shown["idempotency_key"] = key.removeprefix(self._own_keys)
        return shown


def audience_for(request: Any) -> Audience:
    """The audience of a request's user (made once per request)."""
    found = getattr(request, "_compliance_audience", None)
    if found is None:
        found = request._compliance_audience = Audience(request.user)
    return found


def hidden_references(scope: Scope, event: Any) -> list[tuple[str, str]]:
    """The investments an event names that are behind this scope's wall, as (field, id).
    A proceeding's opening names its investments; parties are shared reference data."""
    if scope.everything or not isinstance(event, ProceedingOpened):
        return []
    return [
        (f"investment_ids.{index}", investment_id)
        for index, investment_id in enumerate(event.investment_ids)
        if not scope.sees_investment(investment_id)
    ]


def access_grant(
    *,
    username: str,
    role: str,
    matter_code: str | None = None,
    matter_name: str | None = None,
    create: bool = False,
) -> Any:
    """Give a user a role (replacing their other roles) and, optionally, staff them on a
    matter (opened if it does not exist). Returns the user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from compliance.models import Matter

    if role not in GROUPS:
        raise ValueError(f"The role must be one of {', '.join(GROUPS)}, not {role!r}.")
    model = get_user_model()
    with transaction.atomic():
        user = model.objects.filter(username=username).first()
        if user is None:
            if not create:
                raise ValueError(f"No user {username!r} (pass create to make one).")
            user = model.objects.create_user(username=username)
        user.groups.remove(*Group.objects.filter(name__in=GROUPS))
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if not user.is_staff:  # the admin lets in staff only; the role decides the rest
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if matter_code is not None:
            matter, _ = Matter.objects.get_or_create(
                code=matter_code, defaults={"name": matter_name or matter_code}
            )
            matter.members.add(user)
    return user
