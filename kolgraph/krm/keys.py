"""API keys: created with a role and a department, stored only as a sha256 hash.

A key is ``kg_`` followed by 43 URL-safe characters (256 random bits), so a
plain sha256 is a sound verifier: nothing can be guessed or looked up. The key is
shown once, when created; ``key_id`` (the hash's first 12 hex digits) names it
afterwards for listing and revoking.

Verified keys are cached in the process for :data:`CACHE_SECONDS` (a key check is
otherwise a store round trip on every request); unknown and revoked keys are never
cached. A revocation still takes effect on the next request: :func:`revoke_key` drops
the key from its own process's cache, and with the embedded store it also touches
``keys.revoked`` in the data directory, whose change makes every process on the host
(``kolgraph serve`` workers, while ``kolgraph keys revoke`` runs elsewhere) check keys
against the store again. With a store that has no local data directory (Neo4j), other
processes refuse a revoked key within :data:`CACHE_SECONDS`.

Examples
--------
>>> key_id_of("kg_example")
'236a64f79cfd'
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kolgraph.errors import InvalidApiKey, UnknownObject
from kolgraph.krm.access import Viewer, check_department, check_role
from kolgraph.store import GraphStore

_PREFIX = "kg_"

CACHE_SECONDS = 10.0
"""How long a verified key is trusted without reading its record again."""
_CACHE_MAX = 10_000
# (store location, key hash) -> (viewer, expiry on the monotonic clock, revocation mark)
_cache: dict[tuple[str, str], tuple[Viewer, float, int]] = {}
_cache_lock = threading.Lock()
_generation = 0  # bumped by every forget, so a check racing a revoke is not cached
REVOCATION_MARKER = "keys.revoked"


def _marker(store: GraphStore) -> Path | None:
    """The revocation marker file of an embedded store; None for a remote store."""
    data_dir = store.data_dir
    return data_dir / REVOCATION_MARKER if data_dir is not None else None


def _revocation_mark(store: GraphStore) -> int:
    """The marker's modification time in ns (0 when there is none)."""
    marker = _marker(store)
    if marker is None:
        return 0
    try:
        return os.stat(marker).st_mtime_ns
    except OSError:
        return 0


def forget_keys(key_id: str | None = None) -> None:
    """Drop ``key_id`` (or every key) from this process's cache of verified keys."""
    global _generation
    with _cache_lock:
        _generation += 1
        if key_id is None:
            _cache.clear()
            return
        for entry in [k for k, (v, *_) in _cache.items() if v.key_id == key_id]:
            del _cache[entry]


def key_hash(key: str) -> str:
    """The sha256 hex digest that the store keeps instead of the key.

    Examples
    --------
    >>> len(key_hash("kg_x"))
    64
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_id_of(key: str) -> str:
    """The short public name of ``key``: its hash's first 12 hex digits."""
    return key_hash(key)[:12]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def create_key(
    store: GraphStore,
    role: str,
    department: str,
    *,
    label: str | None = None,
    employee_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Mint a key for ``role`` in ``department``; return the key (shown once) and its record.

    Raises
    ------
    InvalidRequest
        If the role or department is unknown (the message lists the allowed ones).
    """
    check_role(role)
    check_department(department)
    key = _PREFIX + secrets.token_urlsafe(32)
    digest = key_hash(key)
    props = {
        "key_id": digest[:12],
        "key_hash": digest,
        "role": role,
        "department": department,
        "employee_id": employee_id,
        "label": label,
        "created_at": _now(),
        "revoked": False,
    }
    store.run("create_api_key", id=f"apikey:{digest[:12]}", props=props)
    return key, _public(props)


def _public(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "key_hash"}


def list_keys(store: GraphStore) -> list[dict[str, Any]]:
    """Every key's record (role, department, created, revoked), never the hash."""
    return [_public(row["key"]) for row in store.run("api_keys")]


def revoke_key(store: GraphStore, key_id: str) -> dict[str, Any]:
    """Mark the key ``key_id`` revoked; it stops working at once.

    Raises
    ------
    UnknownObject
        If no key has that id (``kolgraph keys list`` shows them).
    """
    rows = store.run("revoke_api_key", key_id=key_id, at=_now())
    forget_keys(key_id)
    marker = _marker(store)
    if rows and marker is not None:
        try:
            marker.touch()
        except OSError:  # a read-only data directory: other processes wait for the TTL
            pass
    if not rows:
        raise UnknownObject(f"no API key with id {key_id!r}; 'kolgraph keys list' shows them")
    return _public(rows[0]["key"])


def authenticate(store: GraphStore, key: str) -> Viewer:
    """The :class:`Viewer` a presented key stands for.

    A key verified less than :data:`CACHE_SECONDS` ago is answered from the cache.

    Raises
    ------
    InvalidApiKey
        If the key is unknown or revoked.
    """
    viewer = cached_viewer(store, key)
    if viewer is not None:
        return viewer
    digest = key_hash(key)
    generation = _generation
    mark = _revocation_mark(store)  # read before the store: a revoke after it is noticed
    viewer = _verify(store, digest)
    with _cache_lock:
        if generation == _generation:
            if len(_cache) >= _CACHE_MAX:
                _cache.clear()
            _cache[(store.location, digest)] = (viewer, time.monotonic() + CACHE_SECONDS, mark)
    return viewer


def cached_viewer(store: GraphStore, key: str) -> Viewer | None:
    """The :class:`Viewer` for ``key`` if it was verified recently; None means ask the store.

    Never queries the store (one ``stat`` of the revocation marker), so an event loop
    may call it directly.
    """
    cached = _cache.get((store.location, key_hash(key)))
    if cached is None:
        return None
    viewer, expires, mark = cached
    if expires <= time.monotonic() or mark != _revocation_mark(store):
        return None
    return viewer


def _verify(store: GraphStore, digest: str) -> Viewer:
    rows = store.run("api_key_by_id", id=f"apikey:{digest[:12]}")
    record = rows[0]["key"] if rows else None
    if record is None or not secrets.compare_digest(record.get("key_hash", ""), digest):
        raise InvalidApiKey("unknown API key; create one with 'kolgraph keys create'")
    if record.get("revoked"):
        raise InvalidApiKey(f"API key {record['key_id']} was revoked; ask an admin for a new one")
    return Viewer(record["key_id"], record["role"], record["department"], record.get("employee_id"))
