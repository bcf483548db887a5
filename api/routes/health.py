"""Liveness, readiness and who-am-I."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import Health, Me, Readiness
from kolgraph.krm.access import ROLE_PERMISSIONS
from kolgraph.krm.health import readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def read_health() -> Health:
    """Liveness: the process answers (no key needed)."""
    return Health(version=version("kolgraph"))


@router.get("/ready", response_model=Readiness, responses=responses(503))
def read_readiness(store: StoreDep) -> Readiness:
    """Readiness: the graph store answers (no key needed); 503 when it does not."""
    return readiness(store)


@router.get("/me", response_model=Me, responses=responses(401, 503))
def read_me(viewer: ViewerDep) -> Me:
    """The calling key's role, department and permissions."""
    return Me(
        key_id=viewer.key_id,
        role=viewer.role,
        department=viewer.department,
        employee_id=viewer.employee_id,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS.get(viewer.role, ())),
    )
