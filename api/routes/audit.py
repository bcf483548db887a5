"""The audit log, for compliance: query by date range, export as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from itertools import chain
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from kolgraph.api.deps import AuditBufferDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import AuditPage
from kolgraph.csvsafe import safe_cell
from kolgraph.krm import audit
from kolgraph.krm.dates import IsoDate

router = APIRouter(tags=["audit"])
ERRORS = responses(401, 403, 422, 503)
COLUMNS = ("id", "at", "actor", "role", "department", "action", "target", "detail")


@router.get("/audit", response_model=AuditPage, responses=ERRORS)
def read_audit(
    store: StoreDep,
    viewer: ViewerDep,
    audit_log: AuditBufferDep,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    target: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=audit.MAX_PAGE)] = 100,
    cursor: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="The last event id of the previous page."),
    ] = None,
) -> AuditPage:
    """Audit events in a date range (inclusive), oldest first."""
    if audit_log is not None:
        audit_log.flush()  # include profile reads still waiting in this process
    items = audit.query_events(
        store,
        viewer,
        date_from=date_from,
        date_to=date_to,
        actor=actor,
        action=action,
        target=target,
        after=cursor,
        limit=limit,
    )
    audit.record_read(
        store,
        viewer,
        "audit.read",
        None,
        {
            k: v
            for k, v in (
                ("date_from", date_from),
                ("date_to", date_to),
                ("actor", actor),
                ("action", action),
                ("target", target),
            )
            if v is not None
        },
        audit_log=audit_log,
    )
    return AuditPage(items=items, next_cursor=items[-1].id if len(items) == limit else None)


@router.get(
    "/audit/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "CSV, one event per line.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **ERRORS,
    },
)
def export_audit(
    store: StoreDep,
    viewer: ViewerDep,
    audit_log: AuditBufferDep,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
) -> StreamingResponse:
    """Every audit event in the date range as CSV."""
    if audit_log is not None:
        audit_log.flush()
    events = audit.export_events(store, viewer, date_from=date_from, date_to=date_to)
    first = next(events, None)  # raise permission and date errors before streaming starts
    audit.record(
        store,
        viewer,
        "audit.export",
        None,
        {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v is not None},
    )

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for event in chain([first] if first else [], events):
            writer.writerow(
                [
                    safe_cell(
                        json.dumps(event.detail, sort_keys=True)
                        if c == "detail"
                        else getattr(event, c)
                    )
                    for c in COLUMNS
                ]
            )
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="kolgraph-audit.csv"'},
    )
