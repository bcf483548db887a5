"""The domain's closed vocabularies, defined once: departments, engagement types, roles.

Ingest, the KRM rules, analytics and the API import these names; none re-declares them.
Each vocabulary is a ``Literal`` type (for pydantic and type checkers) and a tuple of its
values (for messages and membership tests), the tuple derived from the type.

Examples
--------
>>> DEPARTMENTS[:2]
('sales', 'marketing')
>>> "payment" in ENGAGEMENT_TYPES, "payment" in CRM_ENGAGEMENT_TYPES
(True, False)
>>> sorted(DETAILING_TYPES)
['call', 'meeting', 'visit']
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "CRM_ENGAGEMENT_TYPES",
    "DEPARTMENTS",
    "DETAILING_TYPES",
    "ENGAGEMENT_TYPES",
    "FIELD_TYPES",
    "ROLES",
    "Department",
    "EngagementType",
    "Role",
]

Department = Literal[
    "sales",
    "marketing",
    "medical_affairs",
    "clinical_research",
    "market_access",
    "compliance",
]
"""The company's departments; each engagement and plan is owned by one."""

EngagementType = Literal[
    "visit",
    "call",
    "email",
    "meeting",
    "advisory_board",
    "speaker_programme",
    "research_collaboration",
    "sample_drop",
    "congress_invitation",
    "payment",
]
"""Kinds of engagement with an HCP; ``payment`` comes from Open Payments, not the CRM."""

Role = Literal[
    "admin",
    "medical_affairs",
    "krm_manager",
    "field",
    "compliance",
    "crm_integration",
]
"""Roles an API key is issued for; :mod:`kolgraph.krm.access` grants their permissions."""

DEPARTMENTS: tuple[str, ...] = get_args(Department)
ENGAGEMENT_TYPES: tuple[str, ...] = get_args(EngagementType)
ROLES: tuple[str, ...] = get_args(Role)

CRM_ENGAGEMENT_TYPES: tuple[str, ...] = tuple(t for t in ENGAGEMENT_TYPES if t != "payment")
"""Types a CRM export may carry (payments are loaded from Open Payments)."""

FIELD_TYPES: frozenset[str] = frozenset({"visit", "call", "meeting", "email"})
"""Field-force engagements: counted in call rates and field-activity checks."""

DETAILING_TYPES: frozenset[str] = frozenset({"visit", "call", "meeting"})
"""Engagements in which key messages are detailed to the HCP."""
