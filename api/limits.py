"""Load shedding, a rate limit per API key and the security headers of every answer.

* :class:`Shedding` (ASGI middleware): at most ``max_in_flight`` requests are worked on
  at once in this process; past that a request is answered 503 with ``Retry-After: 1``
  at once instead of queueing without bound (``/health`` and ``/ready`` always pass).
  It also adds ``X-Content-Type-Options: nosniff`` and, on API answers,
  ``Cache-Control: no-store``.
* :class:`KeyRateLimit`: a token bucket per key id (``rate`` requests per second,
  bursts of ``burst``); an exhausted key gets 429 with ``Retry-After``.

Examples
--------
>>> limit = KeyRateLimit(rate=1.0, burst=2)
>>> [limit.wait_for("k", now=0.0) for _ in range(3)]
[0.0, 0.0, 1.0]
"""

from __future__ import annotations

import math
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kolgraph.api import errors

OPEN_PATHS = ("/health", "/ready")
_STATIC = ("/ui", "/static", "/docs", "/redoc", "/openapi.json", "/favicon")


class KeyRateLimit:
    """Token buckets per key id; thread-safe."""

    def __init__(self, rate: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def wait_for(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``: 0.0 when allowed, else seconds until one is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                if len(self._buckets) >= self.max_keys and key not in self._buckets:
                    self._buckets.clear()  # bounded memory; forgetting only lets keys burst
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class Shedding:
    """Refuse work past ``max_in_flight`` concurrent requests with 503; security headers."""

    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        api = not path.startswith(_STATIC) and path != "/"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        if self.in_flight >= self.max_in_flight and path not in OPEN_PATHS:
            self.shed += 1
            response = errors.problem(
                503,
                f"the service is at capacity ({self.max_in_flight} "
                "requests in progress); retry shortly",
                instance=path,
                headers={"Retry-After": "1"},
            )
            await response(scope, receive, with_headers)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, with_headers)
        finally:
            self.in_flight -= 1


def retry_after(seconds: float) -> str:
    """Whole seconds for a ``Retry-After`` header (at least 1).

    Examples
    --------
    >>> retry_after(0.2), retry_after(2.5)
    ('1', '3')
    """
    return str(max(1, math.ceil(seconds)))
