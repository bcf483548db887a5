"""API keys: created with a role and a department, stored only as a sha256 hash.

A key is ``kg_`` followed by 43 URL-safe characters (256 random bits), so a
plain sha256 is a sound verifier: nothing can be guessed or looked up. The key is
shown once, when created; ``key_id`` (the hash's first 12 hex digits) names it
afterwards for listing and revoking.

Examples
--------
>>> key_id_of("kg_example")
'236a64f79cfd'
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from kolgraph.errors import InvalidApiKey, UnknownObject
from kolgraph.krm.access import Viewer, check_department, check_role
from kolgraph.store import GraphStore

_PREFIX = "kg_"


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
        "key_id": digest[:12], "key_hash": digest, "role": role, "department": department,
        "employee_id": employee_id, "label": label, "created_at": _now(), "revoked": False,
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
    if not rows:
        raise UnknownObject(f"no API key with id {key_id!r}; 'kolgraph keys list' shows them")
    return _public(rows[0]["key"])


def authenticate(store: GraphStore, key: str) -> Viewer:
    """The :class:`Viewer` a presented key stands for.

    Raises
    ------
    InvalidApiKey
        If the key is unknown or revoked.
    """
    digest = key_hash(key)
    rows = store.run("api_key_by_id", id=f"apikey:{digest[:12]}")
    record = rows[0]["key"] if rows else None
    if record is None or not secrets.compare_digest(record.get("key_hash", ""), digest):
        raise InvalidApiKey("unknown API key; create one with 'kolgraph keys create'")
    if record.get("revoked"):
        raise InvalidApiKey(f"API key {record['key_id']} was revoked; ask an admin for a new one")
    return Viewer(record["key_id"], record["role"], record["department"], record.get("employee_id"))
