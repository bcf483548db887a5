"""Erasing an HCP reaches the stored score runs: its record keeps its numbers under the
pseudonym, and no explanation on any page still names the person."""

from __future__ import annotations

from kolgraph.krm import privacy
from kolgraph.krm.access import Viewer
from kolgraph.scoring import score_hcps, write_run
from kolgraph.store import score_pages
from kolgraph.store.packing import unpack
from kolgraph.store.score_pages import hcp_records, run_records

ADA, BO = "npi:1000000001", "npi:1000000002"
COMPLIANCE = Viewer("k-c", "compliance", "compliance")


def test_erasure_scrubs_every_page_that_names_the_person(world, monkeypatch):
    monkeypatch.setattr(score_pages, "PAGE_HCPS", 2)  # Ada and Bo share the first page
    monkeypatch.setenv("KOLGRAPH_ERASURE_SECRET", "s" * 40)  # a store without a data folder
    run_id = write_run(world, score_hcps(world))
    before = {r["hcp_id"]: r for r in run_records(world, run_id)}
    assert ADA in before[BO]["explanation"]  # Bo's strongest ties name Ada

    summary = privacy.erase_subject(world, COMPLIANCE, ADA)
    new_id = summary["hcp_id"]
    after = {r["hcp_id"]: r for r in run_records(world, run_id)}
    assert ADA not in after and sorted(after) == sorted({*before} - {ADA} | {new_id})
    assert after[new_id]["influence"] == before[ADA]["influence"]
    assert after[new_id]["rank"] == before[ADA]["rank"]
    assert after[BO]["influence"] == before[BO]["influence"]  # others' ids untouched
    for page in world.run("scoring_run_pages", run_id=run_id):
        text = unpack(page["explanations"]) + unpack(page["scores"])
        assert ADA not in text
    assert new_id in after[BO]["explanation"]
    # the pseudonym's record is found where the pages now put it
    [record] = hcp_records(world, new_id)
    assert record["run"]["id"] == run_id and record["rank"] == before[ADA]["rank"]
    assert summary["records_cleared"] >= 2
