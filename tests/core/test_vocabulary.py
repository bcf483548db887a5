"""One domain vocabulary: every layer uses the core's departments, engagement types and roles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from kolgraph import vocabulary
from kolgraph.analytics import field_activity
from kolgraph.ingest import crm, departments
from kolgraph.krm import access, engagements, kpis, plans

ROOT = Path(__file__).resolve().parents[2]


def test_every_layer_uses_the_cores_vocabulary() -> None:
    assert access.DEPARTMENTS is vocabulary.DEPARTMENTS is departments.DEPARTMENTS
    assert access.ROLES is vocabulary.ROLES and set(access.ROLE_PERMISSIONS) == set(access.ROLES)
    assert engagements.Department is vocabulary.Department
    assert engagements.EngagementType is vocabulary.EngagementType
    assert get_args(plans.PlanIn.model_fields["department"].annotation) == vocabulary.DEPARTMENTS
    assert crm.TYPES == tuple(t for t in vocabulary.ENGAGEMENT_TYPES if t != "payment")
    assert kpis.FIELD_TYPES is field_activity.FIELD_TYPES is vocabulary.FIELD_TYPES
    assert kpis.DETAILING_TYPES is field_activity.DETAILING_TYPES is vocabulary.DETAILING_TYPES
    assert vocabulary.DETAILING_TYPES < vocabulary.FIELD_TYPES < set(vocabulary.ENGAGEMENT_TYPES)


def test_the_shipped_payment_map_names_only_known_departments() -> None:
    default = departments.DepartmentMap.default()
    named = {d for _, d in default.rules} | {default.research, default.fallback}
    assert named <= set(vocabulary.DEPARTMENTS)


def test_no_module_redeclares_the_department_list() -> None:
    # Two department names side by side, quoted, mean a copy of the list.
    copy = re.compile(r"[\"']clinical_research[\"'],\s*[\"']market_access[\"']")
    found = [
        str(p.relative_to(ROOT))
        for layer in ("kolgraph", "ingest", "api", "cli")
        for p in (ROOT / layer).rglob("*.py")
        if copy.search(p.read_text(encoding="utf-8"))
    ]
    assert found == ["kolgraph/vocabulary.py"]
