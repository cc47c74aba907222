"""The project's shape: layout, packaging, the README's quickstart, documented settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_top_level_layout_is_in_place() -> None:
    for name in ["manage.py", "pyproject.toml", "README.md", ".ci/run"]:
        assert (ROOT / name).is_file(), name
    for name in ["tracker", "events", "compliance", "tests", "docker", "docs", "docs/decisions"]:
        assert (ROOT / name).is_dir(), name
    assert os.access(ROOT / ".ci/run", os.X_OK)


def test_dependencies_have_sensible_ranges() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = {re.split(r"[\[<>=!~ ]", d, maxsplit=1)[0].lower(): d for d in project["dependencies"]}
    assert deps["django"].endswith(">=5.2,<5.3")  # the 5.2 LTS line
    for name in ["djangorestframework", "celery", "redis", "psycopg"]:
        assert re.search(r">=[\d.]+,<[\d.]+", deps[name]), deps[name]
    assert "psycopg[binary]" in deps["psycopg"]
    assert "celery[redis]" in deps["celery"]
    test_extra = " ".join(project["optional-dependencies"]["test"])
    for tool in ["pytest-django", "hypothesis", "ruff", "mypy", "django-stubs"]:
        assert tool in test_extra
    assert project["requires-python"] == ">=3.11"


def quickstart_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quickstart", 1)[1]
    block = section.split("```", 2)[1]
    lines = block.splitlines()[1:]  # drop the language tag
    return [line for line in lines if line.strip()]


def test_the_quickstart_is_exactly_two_commands() -> None:
    first, second = quickstart_commands()
    assert "python3 -m venv .venv" in first
    assert "pip install" in first
    assert "manage.py quickstart" in first
    assert "pytest" in second


def test_ci_runs_the_readmes_test_command_and_the_sqlite_contract_suite() -> None:
    ci = (ROOT / ".ci/run").read_text()
    _, test_command = quickstart_commands()
    assert test_command in ci
    assert "sqlite:///" in ci and "tests/events" in ci


def test_every_environment_variable_is_documented() -> None:
    settings = (ROOT / "tracker/settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings))
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG"} <= names
    documented = (ROOT / "docs/configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert missing == []


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    clean.pop("CELERY_BROKER_URL", None)
    clean.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_with_nothing_set_it_runs_on_sqlite_with_in_process_tasks() -> None:
    result = run_settings(
        {},
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_a_broker_url_switches_tasks_to_workers_and_database_url_to_postgres() -> None:
    result = run_settings(
        {
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
            "DATABASE_URL": "postgres://u@db.example:5433/tracker",
        },
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "django.db.backends.postgresql", "db.example", "5433", "tracker"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "false"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG must be true or false"),
        ({"DATABASE_CONN_MAX_AGE": "soon"}, "DATABASE_CONN_MAX_AGE must be an integer"),
    ],
)
def test_bad_configuration_fails_at_start_with_a_clear_message(
    env: dict[str, str], message: str
) -> None:
    result = run_settings(env, "")
    assert result.returncode != 0
    assert message in result.stderr
