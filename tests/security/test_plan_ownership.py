"""Plans belong to their department: no other department may change or move one."""

from __future__ import annotations

import pytest

from kolgraph.krm import keys

PLAN = {
    "department": "medical_affairs",
    "objectives": ["hepatic safety data exchange"],
    "period_start": "2024-01-01",
    "period_end": "2024-12-31",
    "planned_engagements": 6,
    "budget": 20000.0,
}


@pytest.fixture(scope="module")
def role_keys(sec_store) -> dict[str, str]:  # noqa: ANN001
    """One key per (role, department) the ownership rule distinguishes."""
    wanted = {
        "admin": ("admin", "market_access"),
        "ma_owner": ("medical_affairs", "medical_affairs"),
        "ma_other": ("medical_affairs", "sales"),
        "krm_owner": ("krm_manager", "medical_affairs"),
        "krm_other": ("krm_manager", "marketing"),
        "krm_compliance": ("krm_manager", "compliance"),
        "field_owner": ("field", "medical_affairs"),
        "compliance": ("compliance", "compliance"),
        "crm": ("crm_integration", "medical_affairs"),
    }
    return {
        name: keys.create_key(sec_store, role, dept, label=name)[0]
        for name, (role, dept) in wanted.items()
    }


def _plan(client, key, hcp):  # noqa: ANN001
    r = client.post("/plans", headers={"X-API-Key": key}, json={**PLAN, "hcp_id": hcp})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("ma_owner", 200),
        ("krm_owner", 200),
        ("krm_compliance", 200),
        ("ma_other", 403),
        ("krm_other", 403),
        ("field_owner", 403),
        ("compliance", 403),
        ("crm", 403),
    ],
)
def test_only_the_owning_department_compliance_or_admin_change_a_plan(
    sec_client, sec_ids, role_keys, who, status
):  # noqa: ANN001
    hcp = sec_ids["hcps"][1]
    plan_id = _plan(sec_client, role_keys["ma_owner"], hcp)
    change = {**PLAN, "hcp_id": hcp, "objectives": [], "budget": 1.0}
    r = sec_client.put(f"/plans/{plan_id}", headers={"X-API-Key": role_keys[who]}, json=change)
    assert r.status_code == status, r.text
    after = sec_client.get(f"/plans/{plan_id}", headers={"X-API-Key": role_keys["ma_owner"]})
    assert after.status_code == 200
    if status == 403:  # nothing changed, and the owner still reads its own plan
        assert after.json()["objectives"] == PLAN["objectives"]
        assert after.json()["budget"] is None  # medical_affairs has no spend permission


def test_takeover_by_a_marketing_krm_manager_is_refused(sec_client, sec_ids, role_keys):
    """The reproduced attack: move a medical plan to marketing and to another HCP."""
    hcp, other = sec_ids["hcps"][1], sec_ids["hcps"][2]
    plan_id = _plan(sec_client, role_keys["ma_owner"], hcp)
    moved = {**PLAN, "hcp_id": other, "department": "marketing", "objectives": [], "budget": 0.0}
    r = sec_client.put(
        f"/plans/{plan_id}", headers={"X-API-Key": role_keys["krm_other"]}, json=moved
    )
    assert r.status_code == 403
    own = sec_client.get(f"/plans/{plan_id}", headers={"X-API-Key": role_keys["ma_owner"]})
    assert own.status_code == 200 and own.json()["hcp_id"] == hcp
    assert own.json()["department"] == "medical_affairs"


@pytest.mark.parametrize(("field", "value"), [("department", "marketing"), ("hcp_id", 2)])
def test_department_and_hcp_of_a_plan_are_immutable(sec_client, sec_ids, role_keys, field, value):  # noqa: ANN001
    hcp = sec_ids["hcps"][1]
    plan_id = _plan(sec_client, role_keys["admin"], hcp)
    new = sec_ids["hcps"][value] if field == "hcp_id" else value
    r = sec_client.put(
        f"/plans/{plan_id}",
        headers={"X-API-Key": role_keys["admin"]},
        json={**PLAN, "hcp_id": hcp, field: new},
    )
    assert r.status_code == 422 and r.json()["field"] == field, r.text
    plans = sec_client.get(
        f"/hcps/{sec_ids['hcps'][2]}/plans", headers={"X-API-Key": role_keys["admin"]}
    ).json()
    assert plan_id not in {p["id"] for p in plans}
