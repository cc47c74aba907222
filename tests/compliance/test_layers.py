"""The layers import one way (docs/architecture in ../shared/STYLE.md; issue 16 point 10): the
projections, the selectors, the reports and the rules never import the services, and the one
place that evaluates a deal from the log (``compliance.evaluation``) sits below all of them.

Read with ``ast``, not by importing: every ``import`` statement counts, including those inside
functions (a late import still calls back up a layer)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW_SERVICES = ("compliance/projections", "compliance/selectors", "compliance/reports",
                  "compliance/rules")  # fmt: skip
SERVICES = "compliance.services"
ABOVE_EVALUATION = (SERVICES, "compliance.projections", "compliance.selectors",
                    "compliance.reports", "compliance.api", "compliance.management")  # fmt: skip
# (module file, imported module, name) allowed to cross: none. The real-case suite, which
# records a case's facts through the recording service, is a service (services/cases.py).
ALLOWED: set[tuple[str, str, str]] = set()


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str) -> list[tuple[str, str]]:
    """``(imported module, name)`` for every import in ``source`` (``module``'s text, relative
    imports resolved); a plain ``import x`` gives ``(x, "")``."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(base, alias.name) for alias in node.names]
    return found


def _reaches(imported: tuple[str, str], layer: str) -> bool:
    """Whether an import reaches ``layer``: its module, or the module it names
    (``from compliance import services``)."""
    module, name = imported
    return any(m == layer or m.startswith(layer + ".") for m in (module, f"{module}.{name}"))


def violations(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        for module, name in imports(path.read_text(), _module_of(path)):
            if (relative, module, name) in ALLOWED:
                continue
            if any(_reaches((module, name), layer) for layer in forbidden):
                found.append(f"{relative} imports {module}{' ' + name if name else ''}")
    return sorted(set(found))


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_nothing_below_the_services_imports_them() -> None:
    files = _files(*BELOW_SERVICES)
    assert len(files) > 20  # the folders were found
    assert violations(files, (SERVICES,)) == []


def test_the_evaluation_of_a_deal_imports_no_layer_above_it() -> None:
    assert violations([ROOT / "compliance" / "evaluation.py"], ABOVE_EVALUATION) == []


@pytest.mark.parametrize(
    "source",
    [
        "from compliance.services import findings_evaluate",
        "from compliance.services.risk import facts_from",
        "import compliance.services.risk",
        "from compliance import services",
        "def f():\n    from compliance.services import findings_evaluate\n",
        "from ..services import risk",
        "from ..services.recording import event_record",
    ],
)
def test_an_import_of_the_services_is_seen_however_it_is_written(source: str) -> None:
    found = imports(source, "compliance.selectors.risk")
    assert any(_reaches(imported, SERVICES) for imported in found), found
