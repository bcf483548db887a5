"""A KOL's record in detail, and employee names for the timeline."""

from __future__ import annotations


def test_activity_lists_papers_congress_roles_and_affiliations(client, ids, as_):
    r = client.get(f"/hcps/{ids['star']}/activity", headers=as_("rep"))
    assert r.status_code == 200, r.json()
    body = r.json()
    papers = body["publications"]
    assert [p["pmid"] for p in papers] == ["2", "1"]  # newest first
    assert papers[1]["title"] == "Paper pmid:1" and papers[1]["year"] == 2020
    assert papers[1]["role"] == "first"
    roles = body["congress_roles"]
    assert roles == [
        {
            "id": "session:asco:1",
            "session": "Plenary",
            "date": None,
            "kind": None,
            "role": "chair",
            "congress": "ASCO",
            "year": 2023,
            "scope": None,
        }
    ]
    assert [a["name"] for a in body["affiliations"]] == ["General Hospital"]
    assert body["trials"] == []
    missing = client.get("/hcps/npi:0000000000/activity", headers=as_("rep"))
    assert missing.status_code == 404


def test_employee_names_for_known_ids(client, ids, as_):
    r = client.post(
        "/engagements",
        headers=as_("admin"),
        json={
            "crm_id": "ACT-1",
            "hcp_id": ids["c"],
            "department": "sales",
            "type": "call",
            "date": "2024-02-01",
            "employee_id": "ACT-EMP",
        },
    )
    assert r.status_code in (200, 201), r.json()
    names = client.get(
        "/employees/names", params={"ids": ["ACT-EMP", "NOBODY"]}, headers=as_("rep")
    ).json()
    assert set(names) == {"ACT-EMP"}
    assert client.get("/employees/names", headers=as_("rep")).status_code == 422
