"""Every error leaves the service as ``application/problem+json``; no stack trace ever does.

kolgraph's exceptions map to statuses here, in one place: unknown HCP or object -> 404,
bad key -> 401, role or department not allowed -> 403, invalid value -> 422 naming the
field, store unreachable -> 503, anything unexpected -> 500 with a generic message.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kolgraph.errors import (
    AccessDenied,
    ConfigError,
    InvalidApiKey,
    InvalidRequest,
    KolgraphError,
    StoreUnavailable,
    UnknownHcp,
    UnknownObject,
)
from kolgraph.krm.access import Viewer
from kolgraph.krm.audit import audit_event

logger = logging.getLogger(__name__)

STORE_UNAVAILABLE = "the graph store is unavailable; retry shortly or check 'kolgraph status'"
PROBLEM = "application/problem+json"
# FastAPI's 400 detail for a request body it cannot decode at all
UNDECODABLE_BODY = "There was an error parsing the body"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    429: "Too many requests",
    422: "Invalid request",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if field is not None:
        body["field"] = field
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "engagements", 3, "npi")`` -> ``"engagements.3.npi"``.

    Examples
    --------
    >>> field_path(("query", "limit")), field_path(("body",))
    ('limit', 'body')
    """
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {
            "field": field_path(e.get("loc", ())),
            "message": str(e.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(422, detail, instance=request.url.path, field=first["field"], errors=errors)


def _allowed_methods(request: Request) -> str:
    """Every method any route serves on this path (asked of the router, included routers too)."""
    methods = set()
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    return ", ".join(sorted(methods))


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 400 and detail == UNDECODABLE_BODY:
        # FastAPI's answer to a body that is not even text (bytes that are not UTF-8): an
        # invalid request like any other malformed JSON, so 422 naming the body.
        message = "not valid JSON (the bytes are not UTF-8 text)"
        return problem(
            422,
            f"body: {message}",
            instance=request.url.path,
            field="body",
            errors=[{"field": "body", "message": message}],
        )
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem(exc.status_code, detail, instance=request.url.path, headers=headers or None)


async def _kolgraph(request: Request, exc: Exception) -> JSONResponse:
    path = request.url.path
    if isinstance(exc, UnknownHcp | UnknownObject):
        return problem(404, str(exc), instance=path)
    if isinstance(exc, InvalidApiKey):
        audit_denied(request, 401, str(exc))
        return problem(401, str(exc), instance=path, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, AccessDenied):
        audit_denied(request, 403, str(exc))
        return problem(403, str(exc), instance=path)
    if isinstance(exc, InvalidRequest):
        field = exc.field or "body"
        return problem(
            422,
            f"{field}: {exc}",
            instance=path,
            field=field,
            errors=[{"field": field, "message": str(exc)}],
        )
    if isinstance(exc, StoreUnavailable):
        logger.error("store unavailable: %s", exc)
        return problem(503, STORE_UNAVAILABLE, instance=path, headers={"Retry-After": "5"})
    if isinstance(exc, ConfigError):  # a capability this installation has not configured
        logger.error("not configured on %s: %s", path, exc)
        return problem(503, f"not configured on this server: {exc}", instance=path)
    logger.error("kolgraph error on %s: %s", path, type(exc).__name__, exc_info=exc)
    return problem(500, "internal error; the server log has the details", instance=path)


ANONYMOUS = Viewer("anonymous", "none", "none")


def audit_denied(request: Request, status: int, reason: str) -> None:
    """A log line and an ``access.denied`` audit event for a refused call (401 or 403).

    The event names the key (for 403) or ``anonymous`` (for 401; a presented key is
    never written anywhere), the method, path and reason. It goes through the app's
    audit buffer, so a burst of refused calls costs batched writes; when the store
    cannot take it, the log line remains.
    """
    viewer = getattr(request.state, "viewer", None) or ANONYMOUS
    logger.warning(
        "denied %d %s %s (key %s)", status, request.method, request.url.path, viewer.key_id
    )
    buffer = getattr(request.app.state, "audit_buffer", None)
    if buffer is None:
        return
    event = audit_event(
        viewer,
        "access.denied",
        request.url.path[:200],
        {"status": status, "method": request.method, "reason": reason[:300]},
    )
    try:
        buffer.add(event)
    except KolgraphError as exc:
        logger.error("denied call not audited: %s", exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details", instance=request.url.path)


def register(app: FastAPI) -> None:
    """Install the problem+json handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(KolgraphError, _kolgraph)
    app.add_exception_handler(Exception, _unexpected)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json for ``statuses``."""
    return {
        s: {
            "description": _TITLES.get(s, "Error"),
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }
