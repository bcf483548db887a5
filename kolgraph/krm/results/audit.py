"""What :mod:`kolgraph.krm.audit` returns: audit events, and a page of them.

>>> event = AuditEvent(id="audit:1", at="2024-01-02T03:04:05", actor="k1", role="field",
...                    department="sales", action="hcp.profile.read", detail={})
>>> AuditPage(items=[event], next_cursor=None).items[0].target is None
True
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class AuditEvent(BaseModel):
    id: str
    at: str
    actor: str
    role: str
    department: str
    action: str
    target: str | None = None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None = None
