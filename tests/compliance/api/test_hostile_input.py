"""Hostile input to every write endpoint (every POST and PATCH of the schema, so a new one
cannot be forgotten): each bad input is a 4xx in the one error shape (application/problem+json,
a code, and the field at fault), and nothing is written: not to the log, not to the tables
beside it. The production limits hold (256 KiB bodies); nothing is lowered here."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compliance.access import access_grant
from compliance.models import Matter, Report
from events.models import IdempotencyRecord, StoredEvent
from tests.compliance.api.conftest import World
from tests.faults.conftest import launch, test_database_url  # noqa: F401
from tests.faults.services import Process, app_env, gunicorn, wait_until_serving
from tests.tracker.test_proxy import exchange, served  # noqa: F401

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "title", "detail", "errors"}
WHEN = "2024-03-01T00:00:00Z"


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # with its parameters filled in; NUL goes before the last "/"
    body: dict[str, Any]


def writes(world: World) -> dict[tuple[str, str], Write]:
    """A valid call of each write endpoint, keyed as the schema names it."""
    a = world.a
    source = {"url": "https://example.org/filing", "publisher": "Example registry"}
    return {
        ("post", "/api/v1/parties/"): Write("post", "/api/v1/parties/", {
            "occurred_at": WHEN, "name": "Table Party", "kind": "company", "country": "FR",
            "source": source,
        }),
        ("post", "/api/v1/investments/"): Write("post", "/api/v1/investments/", {
            "occurred_at": WHEN, "matter": "A-1", "investor_id": a.investor,
            "target_id": a.target, "title": "Table deal", "description": "A deal.",
        }),
        ("post", "/api/v1/proceedings/"): Write("post", "/api/v1/proceedings/", {
            "occurred_at": WHEN, "authority": "European Commission",
            "legal_basis": "Article 22 EUMR", "kind": "invitation_to_comment",
            "investment_ids": [a.investment], "reference": "M.11111",
        }),
        ("post", "/api/v1/streams/{stream_id}/events/"): Write(
            "post", f"/api/v1/streams/{a.investment}/events/", {
                "type": "GovernanceRightGranted",
                "data": {"occurred_at": WHEN, "right": "board_seat"},
                "expected_version": 3, "source": source,
            },
        ),
        ("post", "/api/v1/matters/"): Write("post", "/api/v1/matters/", {
            "code": "T-1", "name": "Table matter", "members": ["analyst"],
            "investment_ids": [a.investment],
        }),
        ("patch", "/api/v1/matters/{code}/"): Write("patch", "/api/v1/matters/A-1/", {
            "name": "Renamed", "members": ["analyst"], "investment_ids": [a.investment],
        }),
        ("post", "/api/v1/reports/"): Write("post", "/api/v1/reports/", {
            "matter": "A-1", "as_of": "2024-05-01", "known_at": WHEN, "formats": ["csv"],
        }),
    }  # fmt: skip


def schema_writes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"post", "put", "patch", "delete"}
    }


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every scalar in a JSON value, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def replaced(body: Any, path: tuple[Any, ...], new: Any) -> Any:
    copy = json.loads(json.dumps(body))
    place = copy
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = new
    return copy


@dataclass(frozen=True)
class Bad:
    name: str
    text: str  # the body as sent
    extra: dict[str, Any]  # WSGI environ, e.g. a chunked body's headers
    nul_in_path: bool = False


def bad_inputs(body: dict[str, Any]) -> Iterator[Bad]:
    text = json.dumps(body)
    first = next(iter(body))
    yield Bad("oversized", text[:-1] + ', "pad": "' + "x" * (256 * 1024) + '"}', {})
    yield Bad("deep nesting", "[" * 1000 + "]" * 1000, {})
    yield Bad("deep in a field", json.dumps({**body, first: None}).replace(
        "null", "[" * 1000 + "]" * 1000, 1), {})  # fmt: skip
    yield Bad(
        "duplicate key", text[:-1] + f", {json.dumps(first)}: {json.dumps(body[first])}}}", {}
    )
    yield Bad("chunked", text, {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": ""})
    yield Bad("NUL in the path", text, {}, nul_in_path=True)
    yield Bad("not JSON", text[:-1], {})
    yield Bad("not UTF-8", text.replace(json.dumps(body[first]), '"\\u00e9"').encode()
              .replace(b"\\u00e9", b"\xe9").decode("latin-1"), {})  # fmt: skip
    yield Bad("NaN", text[:-1] + ', "x": NaN}', {})
    yield Bad("unknown field", json.dumps({**body, "x-unknown": 1}), {})
    wrong: Any
    for wrong in [[], "x", None, 0]:
        yield Bad(f"body {wrong!r}", json.dumps(wrong), {})
    for path, value in leaves(body):
        where = ".".join(map(str, path))
        if isinstance(value, str):
            for label, new in [
                ("NUL", value + "\x00"), ("lone surrogate", value + "\ud800"), ("blank", ""),
                ("whitespace", "   "), ("number", 0), ("list", [value]), ("object", {"a": 1}),
                ("huge", "x" * 70_000),
            ]:  # fmt: skip
                yield Bad(f"{label} in {where}", json.dumps(replaced(body, path, new)), {})
            if where.endswith("occurred_at") or where == "known_at":
                for instant in ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]:
                    yield Bad(
                        f"{instant} in {where}", json.dumps(replaced(body, path, instant)), {}
                    )
        elif isinstance(value, int):
            for label, new in [("huge", 2**63), ("larger", 10**400), ("negative", -1),
                               ("string", "3"), ("float", 3.5)]:  # fmt: skip
                yield Bad(f"{label} in {where}", json.dumps(replaced(body, path, new)), {})
            yield Bad(f"1e400 in {where}", json.dumps(body).replace(": 3,", ": 1e400,"), {})


def snapshot() -> tuple[Any, ...]:
    return (
        StoredEvent.objects.count(),
        IdempotencyRecord.objects.count(),
        list(Matter.objects.values_list("code", "name").order_by("code")),
        sorted(Matter.members.through.objects.values_list("matter_id", "user_id")),
        Report.objects.count(),
    )


def send(client: APIClient, write: Write, bad: Bad) -> Any:
    path = write.path[:-1] + "%00/" if bad.nul_in_path else write.path
    encoding = "latin-1" if bad.name == "not UTF-8" else "utf-8"
    data = bad.text.encode(encoding, "surrogatepass")  # a lone surrogate as JSON escapes it
    return client.generic(
        write.method.upper(),
        path,
        data,  # type: ignore[arg-type]  # bytes: Django's client sends them as they are
        content_type="application/json",
        **bad.extra,
    )


def test_the_table_covers_every_write_endpoint(world: World) -> None:
    assert set(writes(world)) == schema_writes()


def test_the_valid_writes_are_accepted(world: World) -> None:
    """The table's bodies are right: what follows is refused for what was changed."""
    client = world.client("admin")
    for write in writes(world).values():
        response = getattr(client, write.method)(write.path, write.body, format="json")
        assert response.status_code in {200, 201, 202}, (write.path, response.json())


@pytest.mark.parametrize("endpoint", sorted(schema_writes()), ids=" ".join)
def test_every_bad_input_is_a_4xx_in_the_one_shape_and_writes_nothing(
    world: World, endpoint: tuple[str, str]
) -> None:
    write = writes(world)[endpoint]
    client = world.client("admin")
    client.raise_request_exception = False
    before = snapshot()
    failures = []
    sent = 0
    for bad in bad_inputs(write.body):
        sent += 1
        response = send(client, write, bad)
        shaped = response["Content-Type"] == "application/problem+json"
        problem = response.json() if shaped else {}
        if not (
            400 <= response.status_code < 500
            and problem.keys() >= SHAPE
            and problem["status"] == response.status_code
            and problem["code"]
            and problem["errors"]
            and all(e.get("field") and e.get("reason") for e in problem["errors"])
        ):
            failures.append((bad.name, response.status_code, response.content[:300]))
    assert failures == [], failures
    assert snapshot() == before
    assert sent > 30


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_hostile_input_under_gunicorn_with_the_production_settings(
    launch: Callable[[Process], Process],  # noqa: F811
    test_database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """What a real server hands over: gunicorn's environ (a chunked body has no
    Content-Length), Django's body limit as DRF reads it, debug off."""
    token = str(Token.objects.create(user=access_grant(username="w", role="admin", create=True)))
    env = app_env(test_database_url, app_name="hostile")
    host, port = wait_until_serving(launch(gunicorn(env, tmp_path / "g.log"))).rsplit(":", 1)
    body = {"occurred_at": WHEN, "name": "P", "kind": "company", "country": "FR"}
    text = json.dumps(body)

    def answer(method: str, path: str, data: Any = None, **headers: str) -> tuple[int, Any]:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            sent = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            chunked = headers.pop("chunked", None) is not None
            connection.request(
                method, path, body=data, headers={**sent, **headers}, encode_chunked=chunked
            )
            response = connection.getresponse()
            assert response.getheader("Content-Type") == "application/problem+json"
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    before = StoredEvent.objects.count()
    pad = "x" * (256 * 1024 + 1 - len(text) - len(', "pad": ""'))
    oversized = text[:-1] + f', "pad": "{pad}"}}'
    assert len(oversized) == 256 * 1024 + 1
    assert answer("POST", "/api/v1/parties/", oversized)[0] == 413
    status, problem = answer("POST", "/api/v1/parties/", iter([text.encode()]), chunked="1")
    assert (status, problem["code"]) == (411, "length_required")
    assert answer("GET", "/api/v1/parties/%00/")[0] == 400
    assert answer("POST", "/api/v1/parties/", "[" * 5000 + "]" * 5000)[0] == 400
    assert answer("POST", "/api/v1/parties/", text[:-1] + ', "name": "Q"}')[0] == 400
    assert StoredEvent.objects.count() == before


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_is_read_behind_the_proxy_and_refused_without_it(
    served: tuple[int, int, Process],  # noqa: F811
) -> None:
    """The compose file's nginx buffers a chunked body and hands gunicorn its length, so it
    is recorded; gunicorn reached directly answers 411 rather than read it as empty."""
    direct, proxied, _ = served
    token = Token.objects.create(user=access_grant(username="c", role="admin", create=True))
    body = json.dumps({"occurred_at": WHEN, "name": "Chunked", "kind": "company", "country": "FR"})
    request = (
        "POST /api/v1/parties/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        f"Authorization: Token {token.key}\r\nContent-Type: application/json\r\n"
        f"Transfer-Encoding: chunked\r\n\r\n{len(body):x}\r\n{body}\r\n0\r\n\r\n"
    ).encode()
    before = StoredEvent.objects.count()
    assert exchange(proxied, request).startswith(b"HTTP/1.1 201 ")
    refused = exchange(direct, request)
    assert refused.startswith(b"HTTP/1.1 411 ") and b'"length_required"' in refused
    assert StoredEvent.objects.count() == before + 1  # the proxied one only
