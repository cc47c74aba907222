"""The deployment shape against slow and malformed clients, with real processes: gunicorn with
its production settings (tracker/gunicorn_conf.py) and nginx from docker/nginx.conf.template,
the file the compose file's proxy uses, rendered here as the nginx image renders it.

- Clients that announce a body and never send it starve gunicorn's threads (/healthz goes
  unanswered); behind the proxy /healthz answers at once while they hang, and the proxy closes
  them after its body timeout.
- Requests gunicorn or nginx refuse before Django sees them are answered as problem details
  in the API's shape, not HTML pages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults import conftest as faults
from tests.faults.services import ROOT, Process, app_env, free_port, wait_for, wait_until_serving

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEMPLATE = ROOT / "docker" / "nginx.conf.template"
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
SLOW_CLIENTS = 40
BODY_TIMEOUT = 10  # client_body_timeout in the template

launch = faults.launch  # processes stopped after the test (tests/faults/conftest.py)
test_database_url = faults.test_database_url


def render(template: str, values: dict[str, str]) -> str:
    """What the nginx image does at start (envsubst over the defined variables): each
    ``${NAME}`` given is replaced; nginx's own ``$variables`` stay."""
    names = set(re.findall(r"\$\{([A-Z0-9_]+)\}", template))
    assert names <= values.keys(), sorted(names - values.keys())
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: values[m[1]], template)


def nginx(directory: Path, values: dict[str, str]) -> Process:
    """nginx in the foreground with the rendered template, everything in ``directory``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "The proxy tests need nginx (apt-get install nginx)"
    (directory / "tracker.conf").write_text(render(TEMPLATE.read_text(), values))
    (directory / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # its temp files are in our folder
        + f"""worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/tracker.conf;
}}
"""
    )
    command = [
        binary, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-e",
        str(directory / "error.log"), "-g", "daemon off;",
    ]  # fmt: skip
    return Process("nginx", command, dict(os.environ), directory / "nginx.log")


def gunicorn(env: dict[str, str], log: Path) -> Process:
    """gunicorn as the image runs it, on a free port of the loopback."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "-c", "python:tracker.gunicorn_conf",
        "tracker.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--chdir", str(ROOT),
    ]  # fmt: skip
    return Process("gunicorn", command, env, log)


def exchange(port: int, request: bytes, *, timeout: float = 5) -> bytes:
    """Send raw bytes; read one answer (to its Content-Length, or until the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length: *(\d+)", head)
            if length and len(body) >= int(length[1]):
                break
        return answer


def problem(answer: bytes, status: int, code: str) -> dict[str, object]:
    """The answer is a problem body of that status and code; its members."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), answer[:300]
    assert re.search(rb"(?im)^content-type: application/problem\+json", head), head
    parsed = json.loads(body)
    assert parsed["status"] == status and parsed["code"] == code, parsed
    assert {"status", "code", "title", "detail", "errors"} <= parsed.keys(), parsed
    assert parsed["title"] == HTTPStatus(status).phrase, parsed  # as compliance/api/errors.py
    return dict(parsed)


def healthz_seconds(port: int, *, timeout: float) -> float | None:
    """How long GET /healthz took to answer 200; None when it did not within ``timeout``."""
    started = time.monotonic()
    try:
        answer = exchange(
            port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=timeout
        )
    except OSError:  # no answer in time (TimeoutError), or not listening yet
        return None
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
    return time.monotonic() - started


@pytest.fixture
def slow_clients() -> Iterator[Callable[[int], list[socket.socket]]]:
    """``open(port)``: 40 connections that send headers announcing a body, then nothing."""
    opened: list[socket.socket] = []

    def open_(port: int) -> list[socket.socket]:
        batch = []
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(
                b"POST /api/v1/parties/ HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            )
            batch.append(sock)
        opened.extend(batch)
        return batch

    yield open_
    for sock in opened:
        sock.close()


@pytest.fixture
def served(
    launch: Callable[[Process], Process], test_database_url: str, tmp_path: Path
) -> tuple[int, int, Process]:
    """gunicorn and nginx in front of it: (gunicorn's port, nginx's port, gunicorn)."""
    env = app_env(test_database_url, app_name="proxy")
    web = launch(gunicorn(env, tmp_path / "gunicorn.log"))
    upstream = wait_until_serving(web)
    port = free_port()
    values = {
        "NGINX_LISTEN": f"127.0.0.1:{port}",
        "WEB_UPSTREAM": upstream,
        "API_MAX_BODY_BYTES": str(settings.API_MAX_BODY_BYTES),
    }
    directory = tmp_path / "nginx"
    directory.mkdir()
    proxy = launch(nginx(directory, values))

    def up() -> float | None:
        assert proxy.running(), proxy.tail() + (directory / "error.log").read_text()
        return healthz_seconds(port, timeout=1)

    wait_for(up, timeout=20, what="nginx to serve /healthz")
    return int(upstream.rsplit(":", 1)[1]), port, web


def test_slow_clients_starve_gunicorn_alone_but_not_behind_the_proxy(
    served: tuple[int, int, Process], slow_clients: Callable[[int], list[socket.socket]]
) -> None:
    direct, proxied, _ = served

    # Alone, gunicorn gives each of them a thread (3 workers x 4 threads) until they send.
    held = slow_clients(direct)
    assert healthz_seconds(direct, timeout=3) is None, "gunicorn alone should be starved"
    for sock in held:
        sock.close()
    wait_for(lambda: healthz_seconds(direct, timeout=1), timeout=20, what="gunicorn to recover")

    # Behind the proxy they hold only nginx's connections: /healthz answers at once.
    hanging = slow_clients(proxied)
    started = time.monotonic()
    took = [healthz_seconds(proxied, timeout=5) for _ in range(5)]
    print(f"/healthz through the proxy with {SLOW_CLIENTS} slow clients: {took}")
    assert all(t is not None and t < 1 for t in took), took
    assert healthz_seconds(direct, timeout=5) is not None  # nothing reached gunicorn

    # The proxy gives up on them after its body timeout: each is closed (nginx sends no 408).
    for sock in hanging:
        sock.settimeout(BODY_TIMEOUT + 10 - (time.monotonic() - started))
        assert sock.recv(65536) == b""
    closed_after = time.monotonic() - started
    print(f"slow clients closed by the proxy after {closed_after:.1f} s")
    assert BODY_TIMEOUT - 1 <= closed_after <= BODY_TIMEOUT + 5


MALFORMED = [
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", 400, "bad_request"),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "uri_too_long"),
    (
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
        + b"".join(b"X-%d: 1\r\n" % i for i in range(200))
        + b"\r\n",
        431,
        "request_header_fields_too_large",
    ),
]


def test_gunicorn_refuses_malformed_requests_as_problem_details(
    served: tuple[int, int, Process],
) -> None:
    direct, _, _ = served
    for request, status, code in MALFORMED:
        body = problem(exchange(direct, request), status, code)
        assert body["title"] and body["detail"], body


def test_the_proxy_refuses_as_problem_details(served: tuple[int, int, Process]) -> None:
    _, proxied, web = served
    problem(exchange(proxied, b"GARBAGE\r\n\r\n"), 400, "bad_request")
    problem(exchange(proxied, b"GET /healthz HTTP/1.1\r\n\r\n"), 400, "bad_request")  # no Host
    too_long = b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    problem(exchange(proxied, too_long), 414, "uri_too_long")
    large_header = (
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    )
    problem(exchange(proxied, large_header), 431, "request_header_fields_too_large")
    over = settings.API_MAX_BODY_BYTES + 1
    too_large = (
        b"POST /api/v1/parties/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % over
    )
    problem(exchange(proxied, too_large), 413, "payload_too_large")
    # The application's own errors pass through untouched.
    unknown = exchange(proxied, b"GET /api/v1/nowhere/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert json.loads(unknown.partition(b"\r\n\r\n")[2])["code"] == "not_found"
    # gunicorn gone: a 502 the client may retry.
    web.stop()
    answer = exchange(proxied, HEALTHZ)
    problem(answer, 502, "unavailable")
    assert re.search(rb"(?im)^retry-after: 1\r$", answer.partition(b"\r\n\r\n")[0] + b"\r")
