"""The interactive API docs, ``/docs`` (Swagger UI) and ``/redoc``, with no CDN.

The Swagger UI and ReDoc bundles come from the ``fastapi-offline`` wheel, the pages start
them with scripts of their own (``api/web/apidocs``), and a Content-Security-Policy keeps
every script, style and request on this service, so the docs work on a host without
internet access.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from kolgraph.errors import UnknownObject

router = APIRouter(include_in_schema=False)
VENDOR = Path(str(files("fastapi_offline") / "static"))
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
_BASE = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
)
# Swagger UI styles through the stylesheet; ReDoc writes its styles into <style> elements
# (styled-components) and renders in a blob: worker, so its page allows those two and no more.
SWAGGER_CSP = _BASE + "style-src 'self'"
REDOC_CSP = _BASE + "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _page(title: str, css: str | None, scripts: list[str], body: str, csp: str) -> HTMLResponse:
    links = f'<link rel="stylesheet" href="{css}">' if css else ""
    tags = "".join(f'<script src="{s}"></script>' for s in scripts)
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="icon" href="/ui/favicon.svg">{links}</head>'
        f"<body>{body}{tags}</body></html>"
    )
    return HTMLResponse(html, headers={**HEADERS, "Content-Security-Policy": csp})


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return _page(
        "kolgraph API",
        "/docs/assets/swagger-ui.css",
        ["/docs/assets/swagger-ui-bundle.js", "/ui/apidocs/swagger-init.js"],
        '<div id="swagger-ui"></div>',
        SWAGGER_CSP,
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    """ReDoc over ``/openapi.json``."""
    return _page(
        "kolgraph API",
        None,
        ["/docs/assets/redoc.standalone.js", "/ui/apidocs/redoc-init.js"],
        '<div id="redoc"></div>',
        REDOC_CSP,
    )


@router.get("/docs/assets/{name}", response_class=FileResponse)
def docs_asset(name: str) -> FileResponse:
    """One file of the Swagger UI or ReDoc bundle; any other name is a 404.

    Examples
    --------
    >>> docs_asset("swagger-ui.css").media_type
    'text/css; charset=utf-8'
    """
    if name not in ASSETS or not (VENDOR / name).is_file():
        raise UnknownObject(f"no docs asset {name!r}; the API docs are at /docs")
    return FileResponse(
        VENDOR / name,
        media_type=ASSETS[name],
        headers={**HEADERS, "Cache-Control": "public, max-age=86400"},
    )
