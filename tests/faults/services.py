"""Real processes for the fault tests: a private Redis, gunicorn serving the app, Celery
workers and beat, all on the PostgreSQL test database, started and stopped by the tests.

The app's processes run the production settings module (``tracker.settings``, debug off) with
the test database's URL, and each sets ``PGAPPNAME`` so a test can find its connections in
``pg_stat_activity`` (to terminate them, or to see a projection batch in flight).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, *, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll until ``predicate()`` is truthy and return it; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def scalar(connection: Any, query: str, params: list[Any] | None = None) -> Any:
    """The one value a query returns, on a plain psycopg connection."""
    row = connection.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


def app_env(
    database_url: str, *, app_name: str, broker_url: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of an app process: production settings on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "fault-tests-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
        "API_THROTTLE_USER": "1000000/min",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PGAPPNAME": app_name,
        "CELERY_BROKER_URL": broker_url or "memory://localhost/",
        "CELERY_TASK_ALWAYS_EAGER": "false" if broker_url else "true",
        "CELERY_TASK_DEFAULT_QUEUE": "tracker",
        "EVENTS_DISPATCH_ON_COMMIT": "true" if broker_url else "false",
    }
    env.update(extra)
    return env


@dataclass(eq=False)
class Process:
    """A started process in a session of its own (so its children are stopped with it),
    its output in a file."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        assert self.popen is None or self.popen.poll() is not None, f"{self.name} is running"
        with self.log.open("ab") as output:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and every process of its session: no chance to clean up."""
        assert self.popen is not None
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM: gunicorn and Celery shut down gracefully)."""
        if self.running():
            assert self.popen is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)

    def stop(self, timeout: float = 15) -> None:
        """Terminate the process and wait for it; SIGKILL its session after ``timeout``."""
        if self.popen is None:
            return
        self.terminate()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class RedisServer:
    """A private redis-server on a port of its own (never the shared one), without
    persistence: stopping it loses every queued message, as a crashed Redis would."""

    port: int
    process: Process

    @classmethod
    def create(cls, directory: Path) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary, "The fault tests need redis-server (apt-get install redis-server)"
        port = free_port()
        command = [
            binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
            "no", "--dir", str(directory), "--protected-mode", "no",
        ]  # fmt: skip
        return cls(port, Process("redis", command, dict(os.environ), directory / "redis.log"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process.start()
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        self.process.stop()
        wait_for(lambda: not self.answers(), timeout=10, what="redis-server to stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 4) -> Process:
    port = free_port()
    command = [
        str(BIN / "gunicorn"), "tracker.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        "--keep-alive", "30", "--backlog", "256", "--graceful-timeout", "2",
        "--no-control-socket", "--chdir", str(ROOT),
    ]  # fmt: skip
    return Process("gunicorn", command, env, log)


def gunicorn_base(process: Process) -> str:
    return process.command[process.command.index("--bind") + 1]


def celery_worker(env: dict[str, str], log: Path, *, concurrency: int = 1) -> Process:
    command = [
        sys.executable, "-m", "celery", "-A", "tracker", "worker", "-Q", "tracker",
        "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-l", "info",
    ]  # fmt: skip
    return Process("worker", command, env, log)


def celery_beat(env: dict[str, str], log: Path, directory: Path) -> Process:
    command = [
        sys.executable, "-m", "celery", "-A", "tracker", "beat", "-l", "warning",
        "--pidfile", str(directory / "beat.pid"),
    ]  # fmt: skip
    return Process("beat", command, env, log)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class ApiClient:
    """One keep-alive HTTP connection to the app, authenticated with a token. A request that
    gets no answer raises ``OSError`` or ``http.client.HTTPException``; the next one opens a
    new connection."""

    def __init__(self, address: str, token: str, *, timeout: float = 30) -> None:
        host, port = address.rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"unparsed": raw[:500].decode(errors="replace")}
        if not isinstance(parsed, dict):
            parsed = {"results": parsed}
        return Answer(response.status, parsed, dict(response.getheaders()))

    def close(self) -> None:
        self.connection.close()


def wait_until_serving(process: Process, *, timeout: float = 60) -> str:
    """Wait for gunicorn to answer /healthz; return its address."""
    address = gunicorn_base(process)
    host, port = address.rsplit(":", 1)

    def answers() -> bool:
        if not process.running():
            raise AssertionError(f"gunicorn exited:\n{process.tail()}")
        connection = http.client.HTTPConnection(host, int(port), timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    wait_for(answers, timeout=timeout, what="gunicorn to serve /healthz", interval=0.2)
    return address
