"""Rate limits hold under parallel requests: at the production rate (1,200/min per user) no
more than 1,200 requests of one user are let through in a minute, however many processes,
threads and connections they arrive on, and the 429s start right after."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from compliance.access import access_grant
from compliance.api import throttling
from tests.faults import conftest as faults
from tests.faults.services import (
    ApiClient,
    Process,
    RedisServer,
    app_env,
    gunicorn,
    wait_until_serving,
)

RATE = 1200  # API_THROTTLE_USER's production default, per minute
CLIENTS = 16  # parallel keep-alive connections
REQUESTS = 1500  # in all: more than the rate, sent well within the minute

# A private redis-server, and gunicorn on the test database (tests/faults/conftest.py).
redis_server = faults.redis_server
launch = faults.launch
test_database_url = faults.test_database_url


def test_the_production_rate_is_1200_per_minute_for_users() -> None:
    assert api_settings.DEFAULT_THROTTLE_RATES["user"] == f"{RATE}/min"
    assert api_settings.user_settings["DEFAULT_THROTTLE_CLASSES"] == [
        "compliance.api.throttling.AnonRateThrottle",
        "compliance.api.throttling.UserRateThrottle",
    ]


def hammer(allow: Callable[[], bool], *, threads: int, calls: int) -> int:
    """``calls`` calls of ``allow`` spread over ``threads`` threads started together; how
    many were allowed."""
    start = threading.Barrier(threads)

    def run(count: int) -> int:
        start.wait()
        return sum(allow() for _ in range(count))

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(run, [calls // threads] * threads))


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_parallel_threads_are_admitted_exactly_up_to_the_rate(
    store: str, redis_server: RedisServer
) -> None:
    """The counter itself, on the embedded default's per-process store and on Redis."""
    location = redis_server.url if store == "redis" else store
    backend = "redis.RedisCache" if store == "redis" else "locmem.LocMemCache"
    caches = {"default": {"BACKEND": f"django.core.cache.backends.{backend}", "LOCATION": location}}
    request = APIRequestFactory().get("/api/v1/me/")
    request.user = User(pk=time.time_ns() % 2**31)  # a user of its own, never saved
    with override_settings(CACHES=caches):

        def allow() -> bool:
            return throttling.UserRateThrottle().allow_request(request, None)

        assert hammer(allow, threads=CLIENTS, calls=REQUESTS) == RATE
        throttle = throttling.UserRateThrottle()
        assert not throttle.allow_request(request, None)
        wait = throttle.wait()
        assert wait is not None and 50 < wait <= 60


def test_anonymous_clients_are_counted_by_address() -> None:
    factory = APIRequestFactory()
    address = f"10.{time.time_ns() % 250}.{time.time_ns() % 199}.7"
    request = factory.get("/api/v1/schema/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    limit = int(api_settings.DEFAULT_THROTTLE_RATES["anon"].split("/")[0])

    def allow() -> bool:
        return throttling.AnonRateThrottle().allow_request(request, None)

    assert hammer(allow, threads=4, calls=limit + 20) == limit


def test_a_forged_forwarded_for_does_not_make_a_new_client() -> None:
    """Without a proxy in front (API_NUM_PROXIES=0), the socket's address counts, whatever
    X-Forwarded-For a client writes; behind one proxy, the address that proxy saw."""
    factory = APIRequestFactory()

    def ident(forwarded: str) -> str:
        request = factory.get(
            "/api/v1/schema/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded
        )
        return throttling.AnonRateThrottle().get_ident(Request(request))

    assert api_settings.NUM_PROXIES == 0
    assert ident("1.2.3.4") == ident("5.6.7.8") == "10.0.0.9"
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        assert ident("1.2.3.4, 192.0.2.1") == "192.0.2.1"  # what the proxy appended


def test_an_unreachable_redis_lets_requests_through(caplog: Any) -> None:
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    request = APIRequestFactory().get("/api/v1/me/")
    request.user = User(pk=1)
    with override_settings(CACHES=caches):
        assert throttling.UserRateThrottle().allow_request(request, None)
    assert "Redis unavailable" in caplog.text


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_through_gunicorn_never_pass_the_rate(
    redis_server: RedisServer,
    launch: Callable[[Process], Process],
    test_database_url: str,
    tmp_path: Path,
) -> None:
    """Three gunicorn workers of four threads, the throttle counted in Redis: 16 connections
    send 1,500 requests of one user within seconds; exactly 1,200 pass."""
    user = access_grant(username="throttled", role="viewer", create=True)
    token = str(Token.objects.create(user=user).key)
    env = app_env(
        test_database_url,
        app_name="throttling",
        API_THROTTLE_USER=f"{RATE}/min",  # the production rate (app_env raises it)
        DJANGO_CACHE_URL=redis_server.url,
    )
    address = wait_until_serving(launch(gunicorn(env, tmp_path / "gunicorn.log", workers=3)))
    lock = threading.Lock()
    statuses: list[int] = []  # in the order the answers came
    refusals: list[Any] = []
    start = threading.Barrier(CLIENTS)

    def client(count: int) -> None:
        api = ApiClient(address, token)
        start.wait()
        for _ in range(count):
            answer = api.request("GET", "/api/v1/me/")
            with lock:
                statuses.append(answer.status)
                if answer.status == 429:
                    refusals.append(answer)
        api.close()

    began = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, [REQUESTS // CLIENTS] * CLIENTS))
    took = time.monotonic() - began
    sent = REQUESTS // CLIENTS * CLIENTS
    print(f"{sent} requests in {took:.1f} s: {statuses.count(200)} x 200, {len(refusals)} x 429")

    assert took < 50, "the requests must all fall within one window"
    assert set(statuses) == {200, 429}, sorted(set(statuses))
    assert statuses.count(200) == RATE
    # The first refusal comes once the rate is used up: only requests already admitted and
    # still in flight on the other connections can answer 200 after it.
    first = statuses.index(429)
    assert first >= RATE - CLIENTS
    assert statuses[first:].count(200) < CLIENTS
    for answer in refusals:
        assert answer.body["code"] == "throttled" and answer.body["status"] == 429
        assert 0 < int(answer.headers["Retry-After"]) <= 60
