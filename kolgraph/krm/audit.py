"""The append-only audit log: who (key, role, department) did what to which object, when.

Events are only created (``CREATE`` in ``queries/api.cypher``); this module offers no
way to change or delete one. Compliance reads them by date range and exports them.

Writes are audited in the request that makes them (:func:`record`). Reads that are
audited on every call (profiles) may go through an :class:`AuditBuffer` instead, which
writes its events in batches from a background thread: an event reaches the store at
most :data:`FLUSH_SECONDS` after the read (longer only while the store is down, when
events wait in memory and are retried), :meth:`AuditBuffer.flush` runs before every
audit query of the same process and on shutdown, and only a hard kill of the serving
process within that delay loses the pending events.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kolgraph.errors import InvalidRequest
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.krm.results.audit import AuditEvent
from kolgraph.store import GraphStore

MAX_PAGE = 1000
FLUSH_SECONDS = 0.05
"""Longest time a buffered audit event waits before it is written."""
FLUSH_EVENTS = 200
"""A buffer holding this many events writes them without waiting for the timer."""
MAX_PENDING = 10_000
"""Past this many unwritten events, :meth:`AuditBuffer.add` writes in the caller."""

logger = logging.getLogger(__name__)


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
            "at": at,
            "actor": viewer.key_id,
            "role": viewer.role,
            "department": viewer.department,
            "action": action,
            "target": target,
            "detail": json.dumps(detail or {}, sort_keys=True, default=str),
        },
    }


def append_events(store: GraphStore, rows: list[dict[str, Any]]) -> int:
    """Append audit rows (from :func:`audit_event`); return how many were written."""
    return store.write("append_audit_events", rows) if rows else 0


def record_read(
    store: GraphStore,
    viewer: Viewer,
    action: str,
    target: str | None,
    detail: dict[str, Any] | None = None,
    *,
    audit_log: AuditBuffer | None = None,
) -> None:
    """Audit a read of personal or engagement data: queued on ``audit_log`` when given
    (written within :data:`FLUSH_SECONDS`), else written at once."""
    event = audit_event(viewer, action, target, detail)
    if audit_log is not None:
        audit_log.add(event)
    else:
        append_events(store, [event])


def changes(
    before: dict[str, Any], after: dict[str, Any], fields: tuple[str, ...]
) -> dict[str, Any]:
    """What an overwrite changed, for the audit event: ``{field: [before, after]}``.

    Free text is not copied into the audit log (an erasure could not reach it there):
    a changed text field is recorded as ``"changed"``.

    Examples
    --------
    >>> changes({"type": "visit", "notes": "a"}, {"type": "call", "notes": "b"},
    ...         ("type", "notes"))
    {'type': ['visit', 'call'], 'notes': 'changed'}
    """
    out: dict[str, Any] = {}
    for field in fields:
        old, new = before.get(field), after.get(field)
        if old != new:
            out[field] = "changed" if field in FREE_TEXT_FIELDS else [old, new]
    return out


FREE_TEXT_FIELDS = ("notes", "objective", "objectives", "outcome", "key_messages")
"""Fields whose text stays out of audit events (only the fact that they changed goes in)."""


def record(
    store: GraphStore,
    viewer: Viewer,
    action: str,
    target: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit event for ``viewer`` doing ``action`` on ``target``."""
    append_events(store, [audit_event(viewer, action, target, detail)])


class AuditBuffer:
    """Audit events for one store, written in batches by a background thread.

    Parameters
    ----------
    store : GraphStore
        Where the events go.
    flush_seconds : float
        Longest wait before a pending event is written.
    flush_events : int
        Write as soon as this many events are pending.

    Examples
    --------
    .. code-block:: python

        buffer = AuditBuffer(store)
        buffer.add(audit_event(viewer, "hcp.profile.read", "npi:1"))
        buffer.flush()  # written now; close() also flushes
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        flush_events: int = FLUSH_EVENTS,
    ) -> None:
        self.store = store
        self.flush_seconds = flush_seconds
        self.flush_events = flush_events
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # guards _pending and _thread
        self._write_lock = threading.Lock()  # one batch at a time, in order
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, row: dict[str, Any]) -> None:
        """Queue one row from :func:`audit_event`; written within ``flush_seconds``.

        After :meth:`close`, or with :data:`MAX_PENDING` events already waiting (the
        store is down), the row is written at once and a store error reaches the caller.
        """
        with self._lock:
            if self._closed or len(self._pending) >= MAX_PENDING:
                direct = True
            else:
                direct = False
                self._pending.append(row)
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="kolgraph-audit", daemon=True
                    )
                    self._thread.start()
                if len(self._pending) >= self.flush_events:
                    self._wake.set()
        if direct:
            append_events(self.store, [row])

    def pending(self) -> int:
        """How many events wait to be written."""
        with self._lock:
            return len(self._pending)

    def flush(self) -> int:
        """Write every pending event now; return how many were written.

        Raises
        ------
        StoreUnavailable
            If the store cannot be reached; the events stay pending.
        """
        with self._write_lock:
            with self._lock:
                rows, self._pending = self._pending, []
            try:
                return append_events(self.store, rows)
            except Exception:
                with self._lock:
                    self._pending[:0] = rows
                raise

    def close(self) -> None:
        """Flush and stop the background thread; later events are written directly."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout=30)
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - shutting down with the store gone
            logger.error(
                "%d audit events could not be written at shutdown: %s",
                self.pending(),
                type(exc).__name__,
            )

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            with self._lock:
                closed = self._closed
            try:
                self.flush()
            except Exception as exc:  # noqa: BLE001 - the store is down: keep, retry
                logger.warning(
                    "audit events not written yet (%d pending): %s",
                    self.pending(),
                    type(exc).__name__,
                )
                if not closed:
                    self._wake.wait(min(1.0, 20 * self.flush_seconds))
            if closed:
                return


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
) -> list[AuditEvent]:
    """Audit events between two dates (inclusive), oldest first, ``after`` an event id.

    Raises
    ------
    AccessDenied
        Unless the viewer's role may read the audit log (compliance, admin).
    """
    viewer.require(Permission.READ_AUDIT)
    start, end = _bounds(date_from, date_to)
    rows = store.run(
        "audit_events",
        date_from=start,
        date_to=end,
        actor=actor,
        action=action,
        target=target,
        after=after,
        limit=min(limit, MAX_PAGE),
    )
    return [AuditEvent.model_validate(_parsed(row["event"])) for row in rows]


def export_events(
    store: GraphStore, viewer: Viewer, *, date_from: date | None, date_to: date | None
) -> Iterator[AuditEvent]:
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
        after = page[-1].id


def _parsed(event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    try:
        out["detail"] = json.loads(out.get("detail") or "{}")
    except (TypeError, ValueError):
        out["detail"] = {}
    return out
