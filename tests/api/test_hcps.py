"""Find, look up, profile, network and community endpoints on the seeded samples."""

from __future__ import annotations

import pytest


def test_search_ranks_by_influence_and_pages_with_cursor(client, ids, as_):
    first = client.get("/hcps", params={"limit": 2, "min_influence": 1}, headers=as_("rep"))
    assert first.status_code == 200
    body = first.json()
    assert [h["id"] for h in body["items"]] == [ids["star"], ids["a"]]
    second = client.get(
        "/hcps",
        params={"limit": 2, "min_influence": 1, "cursor": body["next_cursor"]},
        headers=as_("rep"),
    )
    assert [h["id"] for h in second.json()["items"]] == [ids["b"], ids["c"]]
    third = client.get(
        "/hcps",
        params={"limit": 2, "min_influence": 1, "cursor": second.json()["next_cursor"]},
        headers=as_("rep"),
    ).json()
    assert [h["id"] for h in third["items"]] == [ids["d"]] and third["next_cursor"] is None


def test_search_ascending_sort_on_another_score(client, ids, as_):
    r = client.get(
        "/hcps",
        params={"sort": "scientific", "order": "asc", "min_influence": 1},
        headers=as_("rep"),
    )
    assert [h["id"] for h in r.json()["items"]][0] == ids["d"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "strategic"}, {"star", "a"}),
        ({"segment": "C"}, {"c", "d"}),
        ({"community": "2"}, {"c", "d"}),
        ({"rising_star": "true"}, {"star", "d"}),
        ({"topic": "neoplasm"}, {"star", "a", "b"}),
        ({"specialty": "cardio", "min_influence": 1}, {"b", "c"}),
    ],
)
def test_search_filters(client, ids, as_, params, expected):
    r = client.get("/hcps", params=params, headers=as_("rep"))
    assert r.status_code == 200
    assert {h["id"] for h in r.json()["items"]} == {ids[k] for k in expected}


def test_search_by_name_and_region_uses_real_nppes_rows(client, ids, as_):
    row = ids["nppes"][10]["props"]
    r = client.get("/hcps", params={"q": row["family"], "state": row["state"]}, headers=as_("rep"))
    assert ids["nppes"][10]["id"] in {h["id"] for h in r.json()["items"]}


def test_bad_sort_names_the_field(client, as_):
    r = client.get("/hcps", params={"sort": "password"}, headers=as_("rep"))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "sort"


def test_forged_cursor_is_422(client, as_):
    r = client.get("/hcps", params={"cursor": "not-a-cursor"}, headers=as_("rep"))
    assert r.status_code == 422 and r.json()["field"] == "cursor"


@pytest.mark.parametrize("kind", ["npi", "crm_id", "orcid", "id"])
def test_lookup_by_each_identifier(client, ids, as_, kind):
    values = {
        "npi": ids["star"].split(":")[1],
        "crm_id": "CRM-ACC-1",
        "orcid": "0000-0002-1825-0097",
        "id": ids["star"],
    }
    r = client.get("/hcps/lookup", params={kind: values[kind]}, headers=as_("crm"))
    assert r.status_code == 200 and r.json()["id"] == ids["star"]


def test_lookup_by_open_payments_profile_id(client, ids, as_):
    hcp = ids["op_hcps"][0]
    r = client.get(
        "/hcps/lookup", params={"profile_id": hcp["props"]["profile_id"]}, headers=as_("crm")
    )
    assert r.json()["id"] == hcp["id"]


def test_lookup_unknown_npi_is_404_naming_it(client, as_):
    r = client.get("/hcps/lookup", params={"npi": "0000000000"}, headers=as_("crm"))
    assert r.status_code == 404 and "0000000000" in r.json()["detail"]


def test_bulk_lookup_resolves_1000_and_lists_missing(client, ids, as_):
    npis = [h["props"]["npi"] for h in ids["nppes"]]
    body = {"npi": npis + ["9999999999"], "profile_id": [ids["op_hcps"][1]["props"]["profile_id"]]}
    r = client.post("/hcps/lookup", json=body, headers=as_("crm"))
    assert r.status_code == 200
    out = r.json()
    assert len(out["found"]) == len(npis) + 1
    assert out["missing"] == [{"kind": "npi", "value": "9999999999"}]
    too_many = client.post(
        "/hcps/lookup", json={"npi": npis, "id": ["x"] * 1000}, headers=as_("crm")
    )
    assert too_many.status_code == 422


def test_profile_has_scores_explanation_activity_and_is_audited(client, ids, as_):
    r = client.get(f"/hcps/{ids['star']}", headers=as_("krm"))
    assert r.status_code == 200
    p = r.json()
    assert p["identity"]["npi"] == ids["star"].split(":")[1]
    assert p["classification"]["tier"] == "strategic"
    assert p["explanation"]["tier"]["because"] == ["top 5% influence"]
    assert p["score_run"]["parameters"] == {"alpha": 0.85}
    assert p["publications"]["count"] == 2
    assert p["publications"]["top_topics"][0]["name"] == "Neoplasms"
    assert p["congresses"]["roles"] == ["chair"]
    assert p["referrals"]["incoming"]["pair_count"] == 40
    assert p["top_collaborators"][0] == {
        "id": ids["a"],
        "name": p["top_collaborators"][0]["name"],
        "shared_publications": 2,
    }
    audit = client.get(
        "/audit",
        params={"target": ids["star"], "action": "hcp.profile.read"},
        headers=as_("compliance"),
    ).json()["items"]
    assert audit and audit[-1]["role"] == "krm_manager"


def test_profile_of_open_payments_hcp_sums_real_payments(client, ids, as_):
    hcp = ids["op_hcps"][0]["id"]
    expected = round(sum(e["props"]["amount"] for e in ids["op_engagements"] if e["hcp"] == hcp), 2)
    summary = client.get(f"/hcps/{hcp}", headers=as_("compliance")).json()["engagement_summary"]
    assert summary["total_spend"] == pytest.approx(expected)
    rep = client.get(f"/hcps/{hcp}", headers=as_("rep")).json()["engagement_summary"]
    assert rep["total_spend"] is None and rep["engagements"] == summary["engagements"]


def test_unknown_hcp_profile_is_404_naming_the_id(client, as_):
    r = client.get("/hcps/npi:0000000001", headers=as_("rep"))
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert "npi:0000000001" in r.json()["detail"]


def test_ego_network_one_and_two_hops(client, ids, as_):
    one = client.get(
        f"/hcps/{ids['c']}/network", params={"layers": ["coauthor"]}, headers=as_("rep")
    ).json()
    assert {n["id"] for n in one["nodes"]} == {ids["c"], ids["b"]}
    two = client.get(
        f"/hcps/{ids['c']}/network", params={"layers": ["coauthor"], "hops": 2}, headers=as_("rep")
    ).json()
    assert {n["id"] for n in two["nodes"]} == {ids[k] for k in ("c", "b", "star", "a")}
    assert {n["hop"] for n in two["nodes"]} == {0, 1, 2}
    referral = client.get(
        f"/hcps/{ids['star']}/network", params={"layers": ["referral"]}, headers=as_("rep")
    ).json()
    assert {(e["source"], e["target"]) for e in referral["edges"]} == {
        (ids["c"], ids["star"]),
        (ids["star"], ids["d"]),
    }


def test_ego_network_rejects_three_hops(client, ids, as_):
    r = client.get(f"/hcps/{ids['c']}/network", params={"hops": 3}, headers=as_("rep"))
    assert r.status_code == 422 and r.json()["field"] == "hops"


def test_community_members_hubs_and_bridges(client, ids, as_):
    r = client.get("/communities/1", headers=as_("rep")).json()
    assert r["size"] == 3
    assert [m["id"] for m in r["members"]] == [ids["star"], ids["a"], ids["b"]]
    assert [h["id"] for h in r["hubs"]] == [ids["star"]]
    assert {b["id"] for b in r["bridges"]} >= {ids["b"], ids["star"]}
    assert client.get("/communities/nope", headers=as_("rep")).status_code == 404


def test_score_runs(client, ids, as_):
    runs = client.get("/score-runs", headers=as_("rep")).json()
    assert runs[0]["id"] == ids["run_id"] and runs[0]["parameters"] == {"alpha": 0.85}
    assert client.get("/score-runs/latest", headers=as_("rep")).json()["id"] == ids["run_id"]
