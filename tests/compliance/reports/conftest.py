"""Reports are built into a private folder; the API's small world is shared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.compliance.api.conftest import World, world  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def reports_dir(settings: Any, tmp_path: Path) -> Path:
    settings.REPORTS_DIR = tmp_path / "reports"
    return settings.REPORTS_DIR


__all__ = ["World"]
