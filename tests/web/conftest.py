"""Browser-test fixtures: a seeded store served by a real ``kolgraph serve``, and Chromium.

The browser is Debian's ``chromium`` package (``tests/web/install_chromium.sh`` installs
it), driven by Playwright; Playwright's own browser download is never used.
Screenshots land in ``tests/web/artifacts/``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store
from tests.web.seed import seed_store

CHROMIUM = Path(os.environ.get("KOLGRAPH_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _neo4j_settings(data_dir: Path, server: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        backend="neo4j",
        neo4j_uri=server.uri,
        neo4j_user=server.user,
        neo4j_password=server.password,
    )


@pytest.fixture(scope="session", params=["falkordb", "neo4j"])
def scenario(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The seeded, scored store's data directory, ids and API keys, on each backend.

    The embedded server outlives a store handle (as for ``kolgraph init``), so it is
    stopped after seeding, leaving the data to ``kolgraph serve``, and again at the end.
    On Neo4j the scenario is the session's Neo4j database (emptied before and after), and
    ``env`` tells ``kolgraph serve`` where it is.
    """
    data_dir = tmp_path_factory.mktemp("web") / "kg"
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        settings = _neo4j_settings(data_dir, server)
        with open_store(settings) as store:
            store.clear()
            ids = seed_store(store)
        env = {
            "KOLGRAPH_BACKEND": "neo4j",
            "KOLGRAPH_NEO4J_URI": server.uri,
            "KOLGRAPH_NEO4J_USER": server.user,
            "KOLGRAPH_NEO4J_PASSWORD": server.password,
        }
        try:
            yield {**ids, "data_dir": data_dir, "backend": "neo4j", "env": env}
        finally:
            with open_store(settings) as store:
                store.clear()
        return
    settings = Settings(data_dir=data_dir, appendfsync="everysec")
    try:
        with open_store(settings) as store:
            ids = seed_store(store)
        EmbeddedFalkorDB(data_dir).stop()
        yield {**ids, "data_dir": data_dir, "backend": "falkordb", "env": {}}
    finally:
        EmbeddedFalkorDB(data_dir).stop()


@pytest.fixture(scope="session")
def server(scenario: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kolgraph serve`` on 127.0.0.1 over the scenario; yields its base URL."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "serve",
            "--data-dir",
            str(scenario["data_dir"]),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **scenario["env"]},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"kolgraph serve exited with {process.returncode}; see {log.name}"
                )
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kolgraph serve did not become ready; see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if scenario["backend"] == "falkordb":
            EmbeddedFalkorDB(scenario["data_dir"]).stop()  # the one serve started
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing; install it with 'sh tests/web/install_chromium.sh' "
            "(or point KOLGRAPH_TEST_CHROMIUM at a Chromium binary)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh tab at laptop size; fails the test on any page error or CSP violation."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=server)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "status of 4" not in msg.text
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
    assert not problems, problems


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
