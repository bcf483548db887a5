"""The service over real sockets: uvicorn on 127.0.0.1, and ``kolgraph serve`` with CLI keys."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import uvicorn

from kolgraph.api.app import create_app
from kolgraph.cli import main
from kolgraph.config import Settings


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def test_uvicorn_on_loopback_serves_profiles_and_problems(api_store, ids, api_keys, tmp_path):
    app = create_app(Settings(data_dir=tmp_path), store=api_store)
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as http:
            profile = http.get(f"/hcps/{ids['star']}", headers={"X-API-Key": api_keys["krm"]})
            assert profile.status_code == 200
            assert profile.json()["classification"]["tier"] == "strategic"
            missing = http.get("/hcps/npi:404", headers={"X-API-Key": api_keys["krm"]})
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"
            assert http.get("/openapi.json").json()["info"]["title"] == "kolgraph"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def _cli(capsys, *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_kolgraph_serve_with_keys_from_the_cli(tmp_path, capsys):
    data = str(tmp_path / "kg")
    key = (
        _cli(
            capsys,
            "keys",
            "create",
            "--role",
            "compliance",
            "--department",
            "compliance",
            "--data-dir",
            data,
        )
        .strip()
        .splitlines()[-1]
    )
    assert key.startswith("kg_")
    listed = _cli(capsys, "keys", "list", "--json", "--data-dir", data)
    assert '"role": "compliance"' in listed and key not in listed
    bad = main(["keys", "create", "--role", "ceo", "--department", "sales", "--data-dir", data])
    assert bad == 1 and "unknown role 'ceo'" in capsys.readouterr().out
    sock = _free_socket()
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kolgraph.cli", "serve", "--data-dir", data, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        healthy = False
        while not healthy and proc.poll() is None and time.monotonic() < deadline:
            try:
                healthy = httpx.get(f"{base}/health", timeout=1).status_code == 200
            except httpx.TransportError:
                pass
            if not healthy:
                time.sleep(0.1)  # not up yet, or up and not healthy: ask again shortly
        assert healthy, f"kolgraph serve did not become healthy (exit {proc.poll()})"
        me = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200 and me.json()["role"] == "compliance"
        key_id = me.json()["key_id"]
        _cli(capsys, "keys", "revoke", key_id, "--data-dir", data)
        assert httpx.get(f"{base}/me", headers={"X-API-Key": key}).status_code == 401
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        main(["stop", "--data-dir", data])
