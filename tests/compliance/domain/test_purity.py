"""The domain is pure Python: importing it loads no Django."""

from __future__ import annotations

import subprocess
import sys


def test_the_domain_imports_without_django() -> None:
    code = (
        "import sys, pkgutil, importlib, compliance.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'{d.__name__}.{m.name}')\n"
        "print(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
