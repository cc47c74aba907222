"""Token authentication that remembers, for a few seconds per process, whom a token belongs to.

Every API request used to pay two queries before any view code ran: the token with its user,
then the user's role and matters (``compliance.access``). Under load these were a large part
of a request's cost, for an answer that rarely changes. :class:`CachedTokenAuthentication`
keeps the answer (the user, their role and the investments of their matters) per process
for ``API_ACCESS_CACHE_SECONDS`` (5 by default; 0 turns the cache off).

What this means for access control (docs/api.md, "How quickly access changes take effect"):

* **In the process that makes a change** (the API's matter endpoints, the admin, a command
  run in that process) the cache is emptied at once: saving or deleting a token, a user, a
  group or a matter, changing a user's groups, a matter's members or its investments.
* **In other processes** (the other gunicorn workers) a token that was deleted, a user who was
  deactivated, demoted or taken off a matter, or an investment taken out of a matter keeps
  the access it had for at most ``API_ACCESS_CACHE_SECONDS`` after the change.
* **Access granted never waits**: when a remembered scope does not see an investment, the
  user's matters are read again before answering 404 (see
  :meth:`compliance.access.Scope.sees_investment`), so an investment just announced into a
  matter, or a user just staffed on one, is seen at once by single-object reads and writes.
  Only lists and the risk matrix may leave such an investment out for those few seconds (as
  the read models themselves trail the log by a moment). A role raised from viewer to
  analyst may take those seconds to allow writes.

Session (browser) sign-ins are not cached.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from compliance.access import load_access
from compliance.models import Matter, MatterInvestment

# token key -> (expires at, on time.monotonic(); the user, role and matters loaded; the token)
_REMEMBERED: dict[str, tuple[float, Any, Any]] = {}
_LOCK = threading.Lock()
MAX_REMEMBERED = 10_000  # tokens; the whole cache is emptied beyond this


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, with the answer remembered briefly (see the
    module's docstring). Each request gets its own copy of the user object."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds = settings.API_ACCESS_CACHE_SECONDS
        if seconds <= 0:
            return super().authenticate_credentials(key)
        now = time.monotonic()
        found = _REMEMBERED.get(key)
        if found is not None and found[0] > now:
            return copy.copy(found[1]), found[2]
        generation = _generation
        user, token = super().authenticate_credentials(key)  # raises on a bad key or user
        load_access(user)
        remembered = copy.copy(user)
        remembered._compliance_access_remembered = True  # a miss is checked again
        with _LOCK:
            if generation == _generation:  # no access change while this was read
                if len(_REMEMBERED) >= MAX_REMEMBERED:
                    _REMEMBERED.clear()
                _REMEMBERED[key] = (now + seconds, remembered, token)
        return user, token


_generation = 0


def forget_access(**_: Any) -> None:
    """Empty the cache of this process (connected to every change of access below)."""
    global _generation
    with _LOCK:
        _generation += 1
        _REMEMBERED.clear()


_user_model = get_user_model()
for _model in (Token, _user_model, Group, Matter, MatterInvestment):
    post_save.connect(forget_access, sender=_model, dispatch_uid=f"forget_access_save_{_model}")
    post_delete.connect(forget_access, sender=_model, dispatch_uid=f"forget_access_del_{_model}")
for _through in (_user_model.groups.through, Matter.members.through):
    m2m_changed.connect(forget_access, sender=_through, dispatch_uid=f"forget_access_{_through}")
