"""The HTTP service: ``create_app(settings)`` builds it, ``kolgraph serve`` runs it.

The app opens the graph store in its lifespan (or uses the one it is given), checks
every caller's API key, caps request bodies and answers errors as problem+json.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kolgraph.api import errors
from kolgraph.api.deps import no_nul_characters
from kolgraph.api.limits import KeyRateLimit, Shedding
from kolgraph.api.routes import (
    activity,
    alerts,
    apidocs,
    audit,
    communities,
    contacts,
    engagements,
    hcps,
    health,
    kpis,
    payments,
    plans,
    privacy,
    runs,
    ui,
)
from kolgraph.api.routes import analytics as analytics_routes
from kolgraph.api.schemas import Problem
from kolgraph.config import Settings
from kolgraph.errors import InvalidApiKey, StoreUnavailable
from kolgraph.krm import keys
from kolgraph.krm.audit import AuditBuffer
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import GraphStore, open_store

MAX_BODY_BYTES = 4 * 1024 * 1024  # a bulk of 1,000 engagements fits with room to spare
# the threadpool runs 40 routes at once; more would only queue
MAX_IN_FLIGHT = int(os.environ.get("KOLGRAPH_API_MAX_IN_FLIGHT", "64"))
# requests per second per key and process, and the burst a key may make at once
RATE_PER_KEY = float(os.environ.get("KOLGRAPH_API_RATE_PER_KEY", "1000"))
BURST_PER_KEY = int(os.environ.get("KOLGRAPH_API_BURST_PER_KEY", "1000"))


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed.

    The body is read here (at most ``limit`` bytes are held) and handed on in one piece,
    so a streamed body that turns out too long is refused before any route sees it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or {})
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        if scope.get("method") in ("POST", "PUT", "PATCH") and scope.get("path") not in (
            "/health",
            "/ready",
        ):
            refusal = await key_refusal(scope, headers)
            if refusal is not None:  # the key is checked before a byte of the body is read
                await refusal(scope, _disconnected, send)
                return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > self.limit:
                await self._refuse(scope, send)
                return
        handed_on = False

        async def replay() -> Message:
            nonlocal handed_on
            if handed_on:
                return await receive()
            handed_on = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        response = errors.problem(
            413,
            f"request body over {self.limit} bytes; split bulk "
            "calls into batches of at most 1,000 items",
            instance=scope.get("path"),
        )

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


async def key_refusal(scope: Scope, headers: dict[bytes, bytes]) -> Response | None:
    """The 401 (or 503) for a write whose API key is missing or not valid, else None.

    Runs before the body is read, so a caller without a valid key cannot make the
    server buffer a body at all. The route checks the key again in the usual way.
    """
    raw = headers.get(b"x-api-key") or headers.get(b"authorization", b"")
    presented = raw.decode("latin-1").removeprefix("Bearer ").strip()
    path = scope.get("path")
    try:
        if not presented or len(presented) > 200:
            raise InvalidApiKey("missing or unknown API key; send it as 'X-API-Key: <key>'")
        store = scope["app"].state.store
        if keys.cached_viewer(store, presented) is None:
            await run_in_threadpool(keys.authenticate, store, presented)
    except InvalidApiKey as exc:
        errors.audit_denied(Request(scope), 401, str(exc))
        return errors.problem(401, str(exc), instance=path, headers={"WWW-Authenticate": "Bearer"})
    except StoreUnavailable:
        return errors.problem(
            503, errors.STORE_UNAVAILABLE, instance=path, headers={"Retry-After": "5"}
        )
    return None


def create_app(
    settings: Settings | None = None,
    *,
    store: GraphStore | None = None,
    policy: KrmPolicy | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_in_flight: int = MAX_IN_FLIGHT,
    rate_per_key: float = RATE_PER_KEY,
    burst_per_key: int = BURST_PER_KEY,
) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings : Settings, optional
        Where the store is; defaults to the environment's settings.
    store : GraphStore, optional
        Use this open store instead of opening one (tests); the app then leaves it open.
    policy : KrmPolicy, optional
        Contact-tracking and KPI thresholds; defaults to ``KOLGRAPH_KRM_*``.
    max_in_flight : int
        Requests worked on at once in this process; more are shed with 503.
    rate_per_key, burst_per_key : float, int
        Requests per second each API key may make in this process (token bucket);
        past it, 429 with ``Retry-After``.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = (
            store
            if store is not None
            else open_store(
                settings.model_copy(update={"query_timeout": settings.api_query_timeout})
            )
        )
        app.state.audit_buffer = AuditBuffer(app.state.store)
        try:
            yield
        finally:
            app.state.audit_buffer.close()  # pending audit events reach the store
            app.state.audit_buffer = None
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="kolgraph",
        summary="KOL profiles, networks, engagements, cross-department contact tracking, "
        "KRM plans and KPIs for the CRM.",
        version="1",
        lifespan=lifespan,
        dependencies=[Depends(no_nul_characters)],
        docs_url=None,  # served by routes.apidocs from local assets, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.policy = policy or KrmPolicy()
    app.state.key_rate_limit = KeyRateLimit(rate_per_key, burst_per_key)
    if store is not None:
        app.state.store = store
    errors.register(app)
    for module in (
        health,
        hcps,
        engagements,
        contacts,
        plans,
        kpis,
        runs,
        audit,
        privacy,
        ui,
        apidocs,
        communities,
        alerts,
        activity,
        payments,
    ):
        app.include_router(module.router)
    app.include_router(analytics_routes.router)
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    app.add_middleware(Shedding, max_in_flight=max_in_flight)  # outermost: sheds first

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
