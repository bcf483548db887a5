"""The append-only audit log: who (key, role, department) did what to which object, when.

Events are only created (``CREATE`` in ``queries/api.cypher``); this module offers no
way to change or delete one. Compliance reads them by date range and exports them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kolgraph.errors import InvalidRequest
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.store import GraphStore

MAX_PAGE = 1000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def audit_event(
    viewer: Viewer, action: str, target: str | None, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One audit row ready for :func:`append_events` (ids sort by time).

    Examples
    --------
    >>> row = audit_event(Viewer("k1", "field", "sales"), "hcp.profile.read", "npi:1")
    >>> row["props"]["action"], row["id"].startswith("audit:")
    ('hcp.profile.read', True)
    """
    at = _now()
    return {
        "id": f"audit:{at}:{secrets.token_hex(4)}",
        "props": {
            "at": at, "actor": viewer.key_id, "role": viewer.role,
            "department": viewer.department, "action": action, "target": target,
            "detail": json.dumps(detail or {}, sort_keys=True, default=str),
        },
    }


def append_events(store: GraphStore, rows: list[dict[str, Any]]) -> int:
    """Append audit rows (from :func:`audit_event`); return how many were written."""
    return store.write("append_audit_events", rows) if rows else 0


def record(
    store: GraphStore,
    viewer: Viewer,
    action: str,
    target: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit event for ``viewer`` doing ``action`` on ``target``."""
    append_events(store, [audit_event(viewer, action, target, detail)])


def _bounds(date_from: date | None, date_to: date | None) -> tuple[str, str]:
    start = (checked(date_from, "date_from") or date(1970, 1, 1)).isoformat()
    end = ((checked(date_to, "date_to") or date(2199, 12, 31)) + timedelta(days=1)).isoformat()
    if start >= end:
        raise InvalidRequest("date_from must not be after date_to", "date_from")
    return start, end


def query_events(
    store: GraphStore,
    viewer: Viewer,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Audit events between two dates (inclusive), oldest first, ``after`` an event id.

    Raises
    ------
    AccessDenied
        Unless the viewer's role may read the audit log (compliance, admin).
    """
    viewer.require(Permission.READ_AUDIT)
    start, end = _bounds(date_from, date_to)
    rows = store.run(
        "audit_events", date_from=start, date_to=end, actor=actor, action=action,
        target=target, after=after, limit=min(limit, MAX_PAGE),
    )
    return [_parsed(row["event"]) for row in rows]


def export_events(
    store: GraphStore, viewer: Viewer, *, date_from: date | None, date_to: date | None
) -> Iterator[dict[str, Any]]:
    """Every audit event in the date range, page by page, for an export file."""
    viewer.require(Permission.READ_AUDIT)
    after: str | None = None
    while True:
        page = query_events(
            store, viewer, date_from=date_from, date_to=date_to, after=after, limit=MAX_PAGE
        )
        yield from page
        if len(page) < MAX_PAGE:
            return
        after = page[-1]["id"]


def _parsed(event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    try:
        out["detail"] = json.loads(out.get("detail") or "{}")
    except (TypeError, ValueError):
        out["detail"] = {}
    return out
