"""Who may see and do what: roles, departments, the spend rule and the firewall.

A caller is a :class:`Viewer` (one API key: a role and a department). Roles grant
permissions; the firewall hides *what* another department discussed (notes,
objectives, key messages, outcome) while still showing *that* it had contact.

Examples
--------
>>> rep = Viewer("k1", "field", "sales")
>>> rep.can(Permission.SEE_SPEND), rep.sees_content_of("medical_affairs")
(False, False)
>>> Viewer("k2", "compliance", "compliance").sees_content_of("sales")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kolgraph.errors import AccessDenied, InvalidRequest
from kolgraph.vocabulary import DEPARTMENTS, ROLES


class Permission(StrEnum):
    """One capability a role may hold."""

    READ_HCPS = "read_hcps"
    READ_ENGAGEMENTS = "read_engagements"
    WRITE_ENGAGEMENTS = "write_engagements"
    WRITE_ANY_DEPARTMENT = "write_any_department"
    READ_CONTACTS = "read_contacts"
    READ_PORTFOLIO = "read_portfolio"
    READ_PLANS = "read_plans"
    WRITE_PLANS = "write_plans"
    READ_KPIS = "read_kpis"
    READ_ANY_DEPARTMENT_KPIS = "read_any_department_kpis"
    SEE_SPEND = "see_spend"
    SEE_OTHER_DEPARTMENTS_CONTENT = "see_other_departments_content"
    READ_AUDIT = "read_audit"
    HANDLE_PRIVACY_REQUESTS = "handle_privacy_requests"


P = Permission
_READ = {P.READ_HCPS, P.READ_ENGAGEMENTS, P.READ_CONTACTS, P.READ_PLANS}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "medical_affairs": frozenset(
        _READ | {P.WRITE_ENGAGEMENTS, P.WRITE_PLANS, P.READ_PORTFOLIO, P.READ_KPIS}
    ),
    "krm_manager": frozenset(
        _READ
        | {
            P.WRITE_PLANS,
            P.READ_PORTFOLIO,
            P.READ_KPIS,
            P.READ_ANY_DEPARTMENT_KPIS,
            P.SEE_SPEND,
            P.WRITE_ANY_DEPARTMENT,
        }
    ),
    "field": frozenset(_READ | {P.WRITE_ENGAGEMENTS, P.READ_KPIS}),
    "compliance": frozenset(
        _READ
        | {
            P.READ_PORTFOLIO,
            P.READ_KPIS,
            P.READ_ANY_DEPARTMENT_KPIS,
            P.SEE_SPEND,
            P.SEE_OTHER_DEPARTMENTS_CONTENT,
            P.READ_AUDIT,
            P.HANDLE_PRIVACY_REQUESTS,
        }
    ),
    "crm_integration": frozenset(
        {P.READ_HCPS, P.READ_ENGAGEMENTS, P.WRITE_ENGAGEMENTS, P.WRITE_ANY_DEPARTMENT}
    ),
}

# Engagement and plan fields that say *what* was discussed: hidden across the firewall.
CONTENT_FIELDS = ("notes", "objective", "key_messages", "outcome", "objectives")
# What another department sees of an engagement (allow-list): that there was contact,
# when, of which type and by whom; everything else is withheld.
ENGAGEMENT_SHARED_FIELDS = ("id", "crm_id", "hcp_id", "date", "department", "type", "employee_id")
# Below this many records, aggregates over another department's content are withheld.
MIN_AGGREGATE_COUNT = 5
# Fields that carry money: visible only with SEE_SPEND.
SPEND_FIELDS = ("cost", "amount", "budget", "spend", "total_spend")


@dataclass(frozen=True)
class Viewer:
    """The caller of a core function: one API key's identity, role and department."""

    key_id: str
    role: str
    department: str
    employee_id: str | None = None

    def can(self, permission: Permission) -> bool:
        """True when the role grants ``permission``."""
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: Permission) -> None:
        """Raise :class:`AccessDenied` unless the role grants ``permission``."""
        if not self.can(permission):
            raise AccessDenied(
                f"role {self.role!r} may not {permission.value.replace('_', ' ')}; "
                "ask an admin for a key with a role that may"
            )

    def sees_content_of(self, department: str | None) -> bool:
        """True when notes and objectives of ``department``'s records are visible."""
        return department == self.department or self.can(P.SEE_OTHER_DEPARTMENTS_CONTENT)

    def may_write_for(self, department: str) -> bool:
        """True when the caller may record or plan on behalf of ``department``."""
        return department == self.department or self.can(P.WRITE_ANY_DEPARTMENT)


def check_role(role: str) -> str:
    """Return ``role`` if it is known.

    Examples
    --------
    >>> check_role("field")
    'field'
    """
    if role not in ROLES:
        raise InvalidRequest(f"unknown role {role!r}; use one of {', '.join(ROLES)}", "role")
    return role


def check_department(department: str) -> str:
    """Return ``department`` if it is known.

    Examples
    --------
    >>> check_department("sales")
    'sales'
    """
    if department not in DEPARTMENTS:
        raise InvalidRequest(
            f"unknown department {department!r}; use one of {', '.join(DEPARTMENTS)}",
            "department",
        )
    return department


def redact_engagement(record: dict[str, object], viewer: Viewer) -> dict[str, object]:
    """An engagement as ``viewer`` may see it: whole (less spend without the permission) for
    its own department, else only :data:`ENGAGEMENT_SHARED_FIELDS` and ``redacted``.

    Examples
    --------
    >>> rep = Viewer("k", "field", "sales")
    >>> shown = redact_engagement({"id": "e1", "department": "medical_affairs",
    ...                            "type": "visit", "product": "X", "lat": 1.0}, rep)
    >>> sorted(k for k, v in shown.items() if v is not None)
    ['department', 'id', 'redacted', 'type']
    """
    department = record.get("department")
    if viewer.sees_content_of(department if isinstance(department, str) else None):
        return redact(record, viewer, department if isinstance(department, str) else None)
    shown: dict[str, object] = {k: record.get(k) for k in ENGAGEMENT_SHARED_FIELDS}
    shown["redacted"] = True
    return shown


def redact(record: dict[str, object], viewer: Viewer, department: str | None) -> dict[str, object]:
    """A copy of ``record`` without spend (unless allowed) and, across the firewall, content.

    Examples
    --------
    >>> rep = Viewer("k", "field", "sales")
    >>> redact({"type": "visit", "notes": "x", "cost": 5.0}, rep, "medical_affairs")
    {'type': 'visit', 'notes': None, 'cost': None, 'redacted': True}
    """
    out = dict(record)
    hidden = False
    if not viewer.can(P.SEE_SPEND):
        for field in SPEND_FIELDS:
            if out.get(field) is not None:
                out[field] = None
    if not viewer.sees_content_of(department):
        for field in CONTENT_FIELDS:
            if field in out:
                if out[field] not in (None, [], ""):
                    hidden = True
                out[field] = None
        out["redacted"] = hidden or bool(out.get("redacted"))
    return out
