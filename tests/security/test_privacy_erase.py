"""Erasure over the API: pseudonymised, aggregates kept; on a graph of this module's own, so
that the export tests in test_privacy.py see the people they seeded whichever runs first."""

from __future__ import annotations

import json

from kolgraph.krm import privacy
from kolgraph.krm.privacy import SECRET_ENV, erasure_secret
from tests.security.conftest import engage


def test_erasure_on_a_remote_store_needs_its_secret(
    sec_client, sec_store, sec_ids, as_, monkeypatch
):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    if sec_store.data_dir is not None:  # the embedded store keeps its secret beside its data
        assert len(erasure_secret(sec_store)) == 32
        return
    _, _, third = sec_ids["hcps"]
    r = sec_client.post(
        f"/privacy/hcps/{third}/erase", params={"reference": "DSR-0"}, headers=as_("compliance")
    )
    assert r.status_code == 503, r.text
    assert SECRET_ENV in r.json()["detail"]
    assert sec_client.get(f"/hcps/{third}", headers=as_("compliance")).status_code == 200


def test_erase_pseudonymises_and_keeps_aggregates(sec_client, sec_store, sec_ids, as_, monkeypatch):
    if sec_store.data_dir is None:  # a remote store: the operator sets the secret
        monkeypatch.setenv(SECRET_ENV, "0123456789abcdef" * 4)
    hcp, other, _ = sec_ids["hcps"]
    engage(sec_client, as_, other, 1)
    before = sec_store.counts()
    spend_before = sec_store.execute(
        "MATCH (e:Engagement) RETURN e.department AS d, sum(e.cost) AS s, count(e) AS n ORDER BY d",
        {},
    )
    r = sec_client.post(
        f"/privacy/hcps/{other}/erase", params={"reference": "DSR-17"}, headers=as_("compliance")
    )
    assert r.status_code == 200, r.text
    new_id = r.json()["hcp_id"]
    assert new_id == privacy.pseudonym(other, privacy.erasure_secret(sec_store))
    assert r.json()["records_cleared"] >= 2
    after = sec_store.counts()
    after["nodes"]["AuditEvent"] = before["nodes"]["AuditEvent"] = 0
    assert after == before  # every node and relationship is still there
    assert (
        sec_store.execute(
            "MATCH (e:Engagement) RETURN e.department AS d, sum(e.cost) AS s, count(e) AS n "
            "ORDER BY d",
            {},
        )
        == spend_before
    )
    node = sec_store.run("node_by_id", {"label": "HCP"}, id=new_id)[0]["props"]
    assert node["name"] == "[erased]" and node["erased"] is True
    for field in ("npi", "given", "family", "orcid", "postal_code", "lat", "source_id"):
        assert field not in node, field
    assert node["specialty"] == "Oncology" and node["influence"] == 51.0
    assert sec_store.run("node_by_id", {"label": "HCP"}, id=other) == []
    text = json.dumps(
        sec_store.execute(
            "MATCH (h:HCP {id: $id})-[]-(n) RETURN properties(n) AS p", {"id": new_id}
        )
    )
    assert "1245319599" not in text and "Bo Chen" not in text and "Ada's" not in text
    assert sec_client.get(f"/hcps/{other}", headers=as_("rep")).status_code == 404
    history = sec_client.get(f"/hcps/{new_id}/engagements", headers=as_("compliance")).json()
    assert len(history["items"]) == 2 and all(e["notes"] is None for e in history["items"])
    trail = sec_client.get(
        "/audit", params={"action": "privacy.erase"}, headers=as_("compliance")
    ).json()["items"]
    assert trail[-1]["target"] == new_id and trail[-1]["detail"]["request_reference"] == "DSR-17"
    again = sec_client.post(f"/privacy/hcps/{new_id}/erase", headers=as_("compliance"))
    assert again.status_code == 422
