"""Authentication: an API key in ``X-API-Key`` or as an OAuth2-style bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from kolgraph.api.limits import retry_after
from kolgraph.errors import InvalidApiKey
from kolgraph.krm import keys
from kolgraph.krm.access import Viewer

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A key from 'kolgraph keys create'."
)
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")


async def current_viewer(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Viewer:
    """The caller behind the presented key.

    A key verified recently is answered from the in-process cache without leaving the
    event loop; otherwise the store is read in the threadpool.

    Raises
    ------
    InvalidApiKey
        If no key is presented, it is unknown or revoked, the Authorization header is not a
        bearer token, or two different keys are presented (-> 401).
    """
    if token is None and request.headers.get("authorization") is not None:
        raise InvalidApiKey(
            "malformed Authorization header; send 'Authorization: Bearer <key>' "
            "or the key alone as 'X-API-Key: <key>'"
        )
    if api_key and token and token.credentials != api_key:
        raise InvalidApiKey("X-API-Key and the bearer token are different keys; send one key")
    presented = api_key or (token.credentials if token else None)
    if not presented:
        raise InvalidApiKey(
            "missing API key; send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>' "
            "(create one with 'kolgraph keys create')"
        )
    if len(presented) > 200:
        raise InvalidApiKey("unknown API key; create one with 'kolgraph keys create'")
    store = request.app.state.store
    viewer = keys.cached_viewer(store, presented)
    if viewer is None:
        viewer = await run_in_threadpool(keys.authenticate, store, presented)
    request.state.viewer = viewer
    limit = getattr(request.app.state, "key_rate_limit", None)
    wait = limit.wait_for(viewer.key_id) if limit is not None else 0.0
    if wait:
        raise HTTPException(
            429,
            f"key {viewer.key_id} is over its rate of {limit.rate:g} "
            "requests per second; retry after the Retry-After seconds",
            headers={"Retry-After": retry_after(wait)},
        )
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
