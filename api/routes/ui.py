"""The web pages for KRM managers and medical affairs, served from ``/ui/``.

The pages are static files (``api/web``, shipped as package data) that call the JSON API
with the API key the user signs in with; every query, role and firewall rule is the API's.
No asset comes from anywhere but this service: the Content-Security-Policy says so.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse

from kolgraph.errors import UnknownObject

router = APIRouter(prefix="/ui", include_in_schema=False)
WEB = Path(str(files("kolgraph.api") / "web"))
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def asset_path(name: str, root: Path = WEB) -> Path:
    """The file under ``root`` that ``name`` names.

    Raises
    ------
    UnknownObject
        If ``name`` leaves ``root``, has an unserved suffix or does not exist (-> 404).

    Examples
    --------
    >>> asset_path("index.html").name
    'index.html'
    >>> asset_path("../app.py")
    Traceback (most recent call last):
    kolgraph.errors.UnknownObject: no page asset '../app.py'; the web pages start at /ui/
    """
    candidate = (root / name).resolve()
    if (
        root.resolve() not in candidate.parents
        or candidate.suffix not in TYPES
        or not candidate.is_file()
    ):
        raise UnknownObject(f"no page asset {name!r}; the web pages start at /ui/")
    return candidate


@router.get("", response_class=RedirectResponse)
def ui_root() -> RedirectResponse:
    """Redirect to the pages' entry point."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/", response_class=FileResponse)
def ui_index() -> FileResponse:
    """The single page: sign-in, find KOLs, KOL profile, KRM dashboard."""
    return FileResponse(asset_path("index.html"), media_type=TYPES[".html"], headers=HEADERS)


@router.get("/{name:path}", response_class=FileResponse)
def ui_asset(name: Annotated[str, PathParam(max_length=200)]) -> FileResponse:
    """One stylesheet, script or image of the pages."""
    path = asset_path(name)
    return FileResponse(path, media_type=TYPES[path.suffix], headers=HEADERS)
