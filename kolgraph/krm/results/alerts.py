"""What :func:`kolgraph.krm.alerts.alerts` returns.

>>> Alert(kind="untouched", hcp_id="npi:1", message="no contact", tier="strategic").tier
'strategic'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Alert(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str
    hcp_id: str
    name: str | None = None
    message: str


class Alerts(BaseModel):
    as_of: str
    stale_days: int
    conflict_window_days: int
    alerts: list[Alert]
