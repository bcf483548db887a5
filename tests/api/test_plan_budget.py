"""A plan edited from the page by a role that never sees spend keeps its budget."""

from __future__ import annotations


def test_a_plan_edited_by_a_role_that_cannot_see_spend_keeps_its_budget(client, ids, as_):
    plan = {
        "hcp_id": ids["c"],
        "department": "medical_affairs",
        "owner": "msl-9",
        "objectives": ["Scientific exchange"],
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "planned_engagements": 2,
        "budget": 3000.0,
    }
    created = client.post("/plans", json=plan, headers=as_("admin"))
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    seen = client.get(f"/plans/{plan_id}", headers=as_("medical")).json()
    assert seen["budget"] is None  # medical affairs does not see spend
    edit = {**plan, "planned_engagements": 5}
    del edit["budget"]  # what a page without the budget field sends
    r = client.put(f"/plans/{plan_id}", json=edit, headers=as_("medical"))
    assert r.status_code == 200, r.json()
    after = client.get(f"/plans/{plan_id}", headers=as_("admin")).json()
    assert after["planned_engagements"] == 5 and after["budget"] == 3000.0
