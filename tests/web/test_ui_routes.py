"""The /ui routes: the page and its assets, served by the API app itself, nothing from outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.api.routes.ui import WEB, asset_path
from kolgraph.config import Settings
from kolgraph.errors import UnknownObject

ASSETS = sorted(p for p in WEB.rglob("*") if p.is_file())


@pytest.fixture
def client(falkor_store, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path / "unused"), store=falkor_store)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_index_is_served_with_a_self_only_content_security_policy(client):
    r = client.get("/ui/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert '<script type="module" src="/ui/js/app.js">' in r.text


def test_bare_ui_redirects_to_the_page(client):
    r = client.get("/ui", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/ui/"


@pytest.mark.parametrize("asset", [p.relative_to(WEB).as_posix() for p in ASSETS])
def test_every_asset_is_served_with_its_type(client, asset):
    r = client.get(f"/ui/{asset}")
    assert r.status_code == 200
    expected = {
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".html": "text/html",
    }[Path(asset).suffix]
    assert r.headers["content-type"].startswith(expected)


@pytest.mark.parametrize(
    "name", ["../app.py", "..%2fapp.py", "js/../../errors.py", "nope.js", "js", "app.css.map"]
)
def test_unknown_or_escaping_asset_is_404_problem(client, name):
    r = client.get(f"/ui/{name}")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in r.text


def test_asset_path_refuses_to_leave_the_web_folder():
    with pytest.raises(UnknownObject, match="the web pages start at /ui/"):
        asset_path("../routes/ui.py")


def test_pages_are_not_part_of_the_openapi_schema(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/ui")]


def test_no_asset_loads_anything_from_another_host():
    # scripts, styles, fonts, images and imports must come from this service only
    loading = re.compile(
        r"""(?:src=|href=|url\(|import\s[^;]*?from\s|import\()\s*["']?(?:https?:)?//"""
    )
    offenders = [
        p.name
        for p in ASSETS
        if p.suffix in {".html", ".css", ".js"} and loading.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_pages_never_write_markup_from_strings():
    # every API value lands as text (dom.js h()/s()), so no injected markup can run
    sinks = re.compile(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|eval\(")
    assert [
        p.name for p in ASSETS if p.suffix == ".js" and sinks.search(p.read_text(encoding="utf-8"))
    ] == []


def test_api_docs_come_from_this_service_under_its_own_csp(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == ["/docs/assets/swagger-ui-bundle.js", "/ui/apidocs/swagger-init.js"]
    assert "<script>" not in page.text  # no inline script
    for url in [*scripts, "/docs/assets/swagger-ui.css", "/docs/assets/redoc.standalone.js"]:
        r = client.get(url)
        assert r.status_code == 200 and len(r.content) > 300, url
    assert client.get("/redoc").status_code == 200
    missing = client.get("/docs/assets/../app.py")
    assert missing.status_code == 404
    assert client.get("/docs/assets/nope.js").headers["content-type"] == "application/problem+json"
