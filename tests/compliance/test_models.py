"""Constraints of the tables that are not events (matters)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from compliance.models import Matter


@pytest.mark.parametrize("code", ["M-2024-017", "A.1_b"])
def test_a_matter_code_of_letters_digits_and_separators_is_valid(code: str) -> None:
    Matter(code=code, name="x").full_clean(validate_unique=False)


@pytest.mark.parametrize("code", ["M-1\n", "-M", "M 1", "M/1", ""])
def test_a_matter_code_is_checked_whole(code: str) -> None:
    """A trailing newline passed a ``$``-anchored pattern."""
    with pytest.raises(ValidationError):
        Matter(code=code, name="x").full_clean(validate_unique=False)
