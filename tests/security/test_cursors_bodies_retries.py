"""Forged cursors are 422, the key is checked before a body is read, retried audit writes
add nothing."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from kolgraph.krm import audit
from kolgraph.krm.access import Viewer


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


FORGED = [
    '[1e400,"x"]',
    '[NaN,"x"]',
    '[Infinity,"x"]',
    '["\\ud800","x"]',
    '[1,"\\ud800"]',
    '[true,"x"]',
    '[[1],"x"]',
    '[{"a":1},"x"]',
    "[1,2]",
    '["x"]',
    '[1,"x",3]',
    '"x"',
    "[" * 5000 + "]" * 5000,
    '[1,"' + "x" * 300 + '"]',
]


@pytest.mark.parametrize("raw", FORGED)
def test_forged_cursors_are_422_never_500(sec_client, sec_ids, as_, raw):
    cursor = _cursor(raw)[:400]
    for path in ("/hcps", f"/hcps/{sec_ids['hcps'][0]}/engagements"):
        r = sec_client.get(path, params={"cursor": cursor}, headers=as_("rep"))
        assert r.status_code == 422 and r.json()["field"] == "cursor", (path, r.text)


def test_issued_cursors_still_page(sec_client, sec_ids, as_):
    first = sec_client.get("/hcps", params={"limit": 1}, headers=as_("rep")).json()
    nxt = sec_client.get(
        "/hcps", params={"limit": 1, "cursor": first["next_cursor"]}, headers=as_("rep")
    )
    assert nxt.status_code == 200 and nxt.json()["items"][0]["id"] != first["items"][0]["id"]


def _call(app: Any, headers: list[tuple[bytes, bytes]], body_parts: int) -> tuple[int, int]:
    """POST to ``app`` at the ASGI level; return (status, body chunks the app pulled)."""
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": pulled < body_parts}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/engagements/bulk",
        "raw_path": b"/engagements/bulk",
        "query_string": b"",
        "headers": headers,
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
        "app": app,
    }
    asyncio.run(app(scope, receive, send))
    return status, pulled


def test_the_key_is_checked_before_the_body_is_read(sec_client, sec_keys):
    app = sec_client.app
    status, pulled = _call(app, [(b"content-type", b"application/json")], body_parts=60)
    assert (status, pulled) == (401, 0)
    status, pulled = _call(app, [(b"x-api-key", b"kg_" + b"x" * 43)], body_parts=60)
    assert (status, pulled) == (401, 0)
    status, pulled = _call(app, [(b"x-api-key", sec_keys["crm"].encode())], body_parts=80)
    assert status == 413 and pulled > 1  # a valid key: the body is read, up to the limit


def test_a_retried_audit_write_adds_nothing(sec_store):
    row = audit.audit_event(Viewer("k-retry", "admin", "market_access"), "retry.test", "x")
    audit.append_events(sec_store, [row])
    audit.append_events(sec_store, [row])  # as the store re-runs an applied statement
    events = audit.query_events(sec_store, Viewer("c", "compliance", "compliance"), actor="k-retry")
    assert len(events) == 1
