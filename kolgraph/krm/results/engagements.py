"""What :mod:`kolgraph.krm.engagements` returns: engagement pages and recording results.

>>> done = [RecordResult(crm_id="c1", id="eng:crm:c1", hcp_id="npi:1", status="created")]
>>> BulkResult.of(done).created
1
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from kolgraph.krm.results.base import Open, Scalar


class Engagement(Open):
    """An engagement; another department's content fields are null when `redacted`."""

    id: str
    crm_id: Scalar = None
    type: Scalar = None
    date: Scalar = None
    department: Scalar = None
    employee_id: Scalar = None
    hcp_id: Scalar = None
    objective: Scalar = None
    notes: Scalar = None
    key_messages: list[Any] | None = None
    outcome: Scalar = None
    cost: float | None = None
    amount: float | None = None
    redacted: bool = False


class EngagementPage(BaseModel):
    items: list[Engagement]
    next_cursor: str | None = None


class RecordResult(BaseModel):
    crm_id: str
    id: str
    hcp_id: str
    status: Literal["created", "updated"]


class BulkResult(BaseModel):
    created: int
    updated: int
    results: list[RecordResult]

    @classmethod
    def of(cls, results: list[RecordResult]) -> BulkResult:
        """The counts of created and updated engagements, with each result."""
        return cls(
            created=sum(r.status == "created" for r in results),
            updated=sum(r.status == "updated" for r in results),
            results=results,
        )
