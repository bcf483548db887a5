"""Community names from the members' shared major topics and institutions."""

from __future__ import annotations


def test_communities_are_named_by_topics_and_institutions(client, ids, as_):
    r = client.get("/communities", params={"ids": ["1", "2", "99"]}, headers=as_("rep"))
    assert r.status_code == 200, r.json()
    named = {c["id"]: c for c in r.json()}
    assert set(named) == {"1", "2"}  # an unknown community is left out
    one = named["1"]
    assert one["size"] == 3
    assert one["top_topics"] == ["Neoplasms"]  # the major topic of pmid:1, 3 members
    assert one["top_institutions"] == ["General Hospital"]
    assert one["label"] == "Neoplasms · General Hospital"
    assert named["2"]["size"] == 2 and named["2"]["top_topics"] == []
    assert "2" in named["2"]["label"] or named["2"]["top_institutions"]


def test_community_names_need_ids_and_a_key(client, as_):
    r = client.get("/communities", headers=as_("rep"))
    assert r.status_code == 422 and r.json()["field"].endswith("ids")
    assert client.get("/communities", params={"ids": ["1"]}).status_code == 401
