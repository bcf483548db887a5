"""The per-request shortcuts: the verified-key cache and the batched audit writer."""

from __future__ import annotations

import time

import pytest

from kolgraph.errors import InvalidApiKey
from kolgraph.krm import audit, keys
from kolgraph.krm.access import Viewer

VIEWER = Viewer("k-buffer", "compliance", "compliance")


def _events(store, target: str) -> list[dict]:  # noqa: ANN001
    return store.run(
        "audit_events",
        date_from="1970-01-01",
        date_to="2199-12-31",
        actor=None,
        action=None,
        target=target,
        after=None,
        limit=1000,
    )


def test_a_verified_key_is_cached_and_revoking_it_in_process_refuses_it_at_once(
    api_store, monkeypatch
):
    monkeypatch.setattr(keys, "CACHE_SECONDS", 3600.0)  # a slow machine must not outlive the TTL
    key, record = keys.create_key(api_store, "field", "sales")
    assert keys.authenticate(api_store, key).role == "field"
    # Mark it revoked behind the cache's back: the cached answer stands until the TTL ...
    api_store.execute(
        "MATCH (k:ApiKey {key_id: $key_id}) SET k.revoked = true", {"key_id": record["key_id"]}
    )
    assert keys.authenticate(api_store, key).key_id == record["key_id"]
    # ... while a revoke through this process takes effect on the next request.
    keys.revoke_key(api_store, record["key_id"])
    with pytest.raises(InvalidApiKey, match="revoked"):
        keys.authenticate(api_store, key)
    with pytest.raises(InvalidApiKey, match="revoked"):
        keys.authenticate(api_store, key)  # refusals are never cached as successes


def test_the_key_cache_expires(api_store, monkeypatch):
    key, record = keys.create_key(api_store, "field", "sales")
    monkeypatch.setattr(keys, "CACHE_SECONDS", 0.0)
    keys.authenticate(api_store, key)
    api_store.execute(
        "MATCH (k:ApiKey {key_id: $key_id}) SET k.revoked = true", {"key_id": record["key_id"]}
    )
    with pytest.raises(InvalidApiKey, match="revoked"):
        keys.authenticate(api_store, key)


def test_buffered_audit_events_are_written_by_the_timer_and_by_flush(api_store):
    buffer = audit.AuditBuffer(api_store, flush_seconds=0.05)
    try:
        buffer.add(audit.audit_event(VIEWER, "hcp.profile.read", "npi:timer"))
        deadline = time.monotonic() + 10
        while not _events(api_store, "npi:timer") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [e["event"]["actor"] for e in _events(api_store, "npi:timer")] == ["k-buffer"]
        slow = audit.AuditBuffer(api_store, flush_seconds=3600)
        slow.add(audit.audit_event(VIEWER, "hcp.profile.read", "npi:flush"))
        assert slow.pending() == 1 and not _events(api_store, "npi:flush")
        assert slow.flush() == 1 and len(_events(api_store, "npi:flush")) == 1
        slow.close()
    finally:
        buffer.close()


def test_closing_the_buffer_writes_what_is_pending_and_later_events_go_straight_in(api_store):
    buffer = audit.AuditBuffer(api_store, flush_seconds=3600, flush_events=10_000)
    for _ in range(250):
        buffer.add(audit.audit_event(VIEWER, "hcp.profile.read", "npi:close"))
    buffer.close()
    assert buffer.pending() == 0 and len(_events(api_store, "npi:close")) == 250
    buffer.add(audit.audit_event(VIEWER, "hcp.profile.read", "npi:close"))
    assert len(_events(api_store, "npi:close")) == 251


def test_a_full_batch_is_written_without_waiting_for_the_timer(api_store):
    buffer = audit.AuditBuffer(api_store, flush_seconds=3600, flush_events=5)
    try:
        for _ in range(5):
            buffer.add(audit.audit_event(VIEWER, "hcp.profile.read", "npi:batch"))
        deadline = time.monotonic() + 10
        while len(_events(api_store, "npi:batch")) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(_events(api_store, "npi:batch")) == 5
    finally:
        buffer.close()
