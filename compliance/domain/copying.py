"""A faster ``dataclasses.replace`` for the domain's plain frozen dataclasses.

``dataclasses.replace`` runs the generated ``__init__``, which on a frozen dataclass sets every
field through ``object.__setattr__``: folding a stream calls it once or twice per event, and it
was the largest single item of a risk rebuild. The states folded here have no
``__post_init__``, no ``init=False`` fields and no ``__slots__``, so copying the instance dict
gives the same object; unknown field names are refused as ``dataclasses.replace`` does.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")
_FIELDS: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in fields(cls))
    return names


def replace(obj: T, /, **changes: Any) -> T:
    """``obj`` with ``changes`` applied, like ``dataclasses.replace``."""
    cls = type(obj)
    if not _field_names(cls).issuperset(changes):
        unknown = sorted(set(changes) - _field_names(cls))
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    new = object.__new__(cls)
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new
