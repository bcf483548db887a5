"""Which roles may run which analysis.

Coverage and speaker proposals are portfolio views (medical affairs, KRM managers,
compliance). Field-activity checks look at employees' records, so only roles that see
every department's KPIs run them. Prescribing and return on engagement carry spend or
prescribing volume: KRM managers, compliance and admins only. Knowledge gaps go to
anyone who reads HCPs; messages of other departments stay behind the firewall.

Examples
--------
>>> from kolgraph.krm.access import Viewer
>>> allowed("speakers", Viewer("k", "medical_affairs", "medical_affairs"))
True
>>> allowed("prescribing", Viewer("k", "field", "sales"))
False
"""

from __future__ import annotations

from kolgraph.errors import AccessDenied, InvalidRequest
from kolgraph.krm.access import Viewer

ANALYSES: dict[str, frozenset[str]] = {
    "coverage": frozenset({"admin", "medical_affairs", "krm_manager", "compliance"}),
    "speakers": frozenset({"admin", "medical_affairs", "krm_manager", "compliance"}),
    "field_activity": frozenset({"admin", "krm_manager", "compliance"}),
    "knowledge": frozenset({"admin", "medical_affairs", "krm_manager", "field", "compliance"}),
    "prescribing": frozenset({"admin", "krm_manager", "compliance"}),
    "roi": frozenset({"admin", "krm_manager", "compliance"}),
}


def allowed(analysis: str, viewer: Viewer) -> bool:
    """True when ``viewer``'s role may run ``analysis``."""
    if analysis not in ANALYSES:
        raise InvalidRequest(
            f"unknown analysis {analysis!r}; one of {', '.join(ANALYSES)}", "analysis"
        )
    return viewer.role in ANALYSES[analysis]


def require(analysis: str, viewer: Viewer) -> None:
    """Raise :class:`AccessDenied` unless ``viewer`` may run ``analysis``.

    Examples
    --------
    >>> require("roi", Viewer("k", "field", "sales"))
    Traceback (most recent call last):
    ...
    kolgraph.errors.AccessDenied: role 'field' may not run the roi analysis; it needs one of ...
    """
    if not allowed(analysis, viewer):
        roles = ", ".join(sorted(ANALYSES[analysis]))
        raise AccessDenied(
            f"role {viewer.role!r} may not run the {analysis} analysis; it needs one of {roles}"
        )
