"""KOL relationship management: the service's core logic, without HTTP.

Profiles, search, ego networks, engagements, cross-department contact tracking
(with the department firewall), KRM plans, KPIs, API keys and the audit log.
Every function takes a :class:`~kolgraph.store.GraphStore` and, where visibility
depends on who asks, a :class:`~kolgraph.krm.access.Viewer`.
"""

from kolgraph.krm.access import ROLES, Permission, Viewer

__all__ = ["ROLES", "Permission", "Viewer"]
