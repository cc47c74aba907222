"""The domain and the rules are pure Python: importing them loads no Django."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["compliance.domain", "compliance.rules"])
def test_imports_without_django(package: str) -> None:
    code = (
        f"import sys, pkgutil, importlib, {package} as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'{d.__name__}.{m.name}')\n"
        "print(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
