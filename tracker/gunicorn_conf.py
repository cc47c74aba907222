"""gunicorn's settings for the web service: ``gunicorn -c python:tracker.gunicorn_conf
tracker.wsgi`` (docker/Dockerfile). Options given on the command line or in
``GUNICORN_CMD_ARGS`` (``--workers 5``) override these.

gunicorn answers a request it cannot parse (a malformed request line or header, a request
line or header over its limits) itself, before Django sees it, with an HTML page. Here those
answers are problem details in the API's shape instead (compliance/api/errors.py), served as
``application/problem+json``.

Each gthread worker thread serves one connection at a time and waits for a slow client as
long as it takes: run gunicorn behind the buffering proxy of docker/nginx.conf.template
(docs/operations.md, "Slow clients").
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

from gunicorn import util  # type: ignore[import-untyped]

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = 3
threads = 4
timeout = 30  # a worker whose main loop is stuck this long is replaced
graceful_timeout = 30
keepalive = 5
control_socket_disable = True  # no control socket in the home directory
accesslog = "-"

CODES = {403: "forbidden", 500: "server_error"}


def problem_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """What ``gunicorn.util.write_error`` writes, as problem details."""
    code = CODES.get(status_int) or re.sub(r"\W+", "_", reason.lower()).strip("_")
    try:
        title = HTTPStatus(status_int).phrase  # as compliance/api/errors.py titles them
    except ValueError:
        title = reason
    body = json.dumps(
        {
            "status": status_int,
            "code": code,
            "title": title,
            "detail": mesg or reason,
            "errors": [],
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def on_starting(server: Any) -> None:
    """In the arbiter, before the workers are forked (they inherit it)."""
    util.write_error = problem_error
