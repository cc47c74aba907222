"""The API's rate limits, counted atomically.

DRF's own throttles keep each client's request times in the cache as one list that every
request reads, extends and writes back: parallel requests read the same list and all but one
of their additions are lost (10 parallel connections were let through 2,286 requests of a
1,200/min rate). These keep DRF's scopes, rates and keys, and count:

- on Redis (``DJANGO_CACHE_URL``) with the ``limits`` library's moving window: one Lua script
  per request, atomic, shared by every process and host;
- on the embedded default (a local-memory cache, one per process) with DRF's own moving
  window under one lock per process, so each process admits exactly the rate. (``limits``'
  memory store is not exact under threads: it let 1,212 of 1,488 through at 1,200/min.)

A Redis that cannot be reached lets requests through (and logs it): the log is in
PostgreSQL, and a broken counter should not take the API down with it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _redis_limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(RedisStorage(url, socket_connect_timeout=1, socket_timeout=1))


def redis_limiter() -> MovingWindowRateLimiter | None:
    """The shared counter on the default cache's Redis; None on a per-process cache."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return None
    return _redis_limiter(str(cache["LOCATION"]))


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """DRF's ``SimpleRateThrottle`` (scope, rate, ``get_cache_key``) counted atomically."""

    local_lock = threading.Lock()
    num_requests: int
    duration: int
    limiter: MovingWindowRateLimiter | None = None
    item: RateLimitItem

    def allow_request(self, request: Any, view: Any) -> bool:
        self.limiter = redis_limiter()
        if self.limiter is None:
            with self.local_lock:  # the history's read and write, one request at a time
                return bool(super().allow_request(request, view))
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.item = RateLimitItemPerSecond(self.num_requests, self.duration)
        try:
            return self.limiter.hit(self.item, self.key)
        except RedisError as exc:
            log.warning("API throttling: Redis unavailable, request let through: %s", exc)
            return True

    def wait(self) -> float | None:
        """Seconds until a request leaves the window."""
        if self.limiter is None:
            return super().wait()
        assert self.key is not None
        try:
            reset, _remaining = self.limiter.get_window_stats(self.item, self.key)
        except RedisError:
            return None
        return max(reset - time.time(), 0.0)


class AnonRateThrottle(AtomicRateThrottle, throttling.AnonRateThrottle):
    """``API_THROTTLE_ANON`` per client address, for requests without a user."""


class UserRateThrottle(AtomicRateThrottle, throttling.UserRateThrottle):
    """``API_THROTTLE_USER`` per signed-in user."""
