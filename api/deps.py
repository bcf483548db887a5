"""Dependencies shared by the routes: the store, the KRM policy, the caller.

They are ``async`` because they never block: a plain ``def`` dependency costs a hop
through the threadpool on every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kolgraph.api.security import ViewerDep, current_viewer
from kolgraph.config import Settings
from kolgraph.errors import InvalidRequest
from kolgraph.krm.audit import AuditBuffer
from kolgraph.krm.engagements import no_nul
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import GraphStore


async def no_nul_characters(request: Request) -> None:
    """Refuse query or path values holding a NUL character or a lone surrogate."""
    for name, value in [*request.query_params.multi_items(), *request.path_params.items()]:
        try:
            no_nul(str(value))
        except ValueError as exc:
            raise InvalidRequest(str(exc), name) from None


async def get_store(request: Request) -> GraphStore:
    """The store the app opened in its lifespan."""
    store: GraphStore = request.app.state.store
    return store


async def get_audit_buffer(request: Request) -> AuditBuffer | None:
    """The app's batched audit writer for profile reads (None: write each event at once)."""
    buffer: AuditBuffer | None = getattr(request.app.state, "audit_buffer", None)
    return buffer


async def get_policy(request: Request) -> KrmPolicy:
    """The contact-tracking and KPI thresholds the app was created with."""
    policy: KrmPolicy = request.app.state.policy
    return policy


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
AuditBufferDep = Annotated[AuditBuffer | None, Depends(get_audit_buffer)]
PolicyDep = Annotated[KrmPolicy, Depends(get_policy)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["AuditBufferDep", "PolicyDep", "SettingsDep", "StoreDep", "ViewerDep", "current_viewer"]
