"""Who may call what: the roles of compliance/access.py as DRF permissions.

Ethical walls are not here: they are applied by the views' selectors, which only ever
return what the user's scope sees (objects beyond it are answered with a 404).
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from compliance.access import Role, role_of


class CanRead(BasePermission):
    """Any role reads; writing needs analyst. The default for every view."""

    message = "Your account has no role that allows this: ask an admin for one."

    def has_permission(self, request: Any, view: Any) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        return request.method in SAFE_METHODS or role >= Role.ANALYST


class IsAdmin(BasePermission):
    """Matters and staffing: admins only."""

    message = "Only admins manage matters."

    def has_permission(self, request: Any, view: Any) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        return request.method in SAFE_METHODS or role >= Role.ADMIN
