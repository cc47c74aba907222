"""What can be checked of docker/ without a Docker engine: the compose file parses, every
long-running service has a health check, every variable it reads is in env.example and every
application setting it passes is documented, and the image runs as an unprivileged user."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DOCKER = Path(__file__).resolve().parents[2] / "docker"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def compose() -> dict:
    return dict(yaml.safe_load((DOCKER / "compose.yaml").read_text()))


def test_the_compose_file_has_every_service_with_a_health_check() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= services.keys()
    for name, service in services.items():
        if name != "migrate":  # a one-shot step
            assert service["healthcheck"]["test"], name
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert {"pgdata", "reports"} <= compose()["volumes"].keys()


def test_every_variable_the_compose_file_reads_is_in_env_example() -> None:
    text = (DOCKER / "compose.yaml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))  # $${...} is for the container
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (DOCKER / "env.example").read_text(), re.M))
    assert used, "no variables found"
    assert used <= listed, sorted(used - listed)


def test_every_application_setting_the_services_get_is_documented() -> None:
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", DOCS.read_text(), re.M))
    environment = compose()["services"]["web"]["environment"]
    assert set(environment) <= documented, sorted(set(environment) - documented)


def test_the_image_is_multi_stage_unprivileged_and_secret_free() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in text
    assert not re.search(r"^ENV .*SECRET_KEY", text, re.M)
    assert not re.search(r"PASSWORD=", text)


def test_only_the_buffering_proxy_is_published_in_front_of_gunicorn() -> None:
    services = compose()["services"]
    assert "ports" not in services["web"], "gunicorn must be reached only through the proxy"
    proxy = services["proxy"]
    assert proxy["ports"] and proxy["depends_on"]["web"]
    template = "./nginx.conf.template:/etc/nginx/templates/default.conf.template:ro"
    assert template in proxy["volumes"]  # the file tests/tracker/test_proxy.py runs
    text = (DOCKER / "nginx.conf.template").read_text()
    assert set(re.findall(r"\$\{([A-Z0-9_]+)\}", text)) <= proxy["environment"].keys()
    # The proxy's body limit is the application's.
    assert proxy["environment"]["API_MAX_BODY_BYTES"] == "${API_MAX_BODY_BYTES:-262144}"
    assert services["web"]["environment"]["API_MAX_BODY_BYTES"] == "${API_MAX_BODY_BYTES:-262144}"
    for directive in [
        "proxy_request_buffering on;",
        "client_max_body_size ${API_MAX_BODY_BYTES};",
        "client_body_timeout",
        "client_header_timeout",
    ]:
        assert directive in text, directive


def test_the_image_runs_gunicorn_with_the_projects_settings() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "python:tracker.gunicorn_conf", "tracker.wsgi"]' in text


def test_the_health_checks_ask_for_a_host_the_site_accepts() -> None:
    """Django answers a Host outside DJANGO_ALLOWED_HOSTS with a 400, so the checks' own
    ``http://127.0.0.1:8000/...`` must be allowed besides the site's names."""
    services = compose()["services"]
    allowed = services["web"]["environment"]["DJANGO_ALLOWED_HOSTS"]
    assert allowed.endswith(",127.0.0.1"), allowed
    assert "http://127.0.0.1:8000/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in (DOCKER / "Dockerfile").read_text()
