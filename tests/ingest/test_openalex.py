"""OpenAlex loader: real result pages counted independently."""

from __future__ import annotations

import json
from pathlib import Path

from kolgraph.ingest import run_ingest
from kolgraph.ingest.openalex import OpenAlexLoader
from kolgraph.resolution.identifiers import orcid
from tests.factories import SAMPLES

PAGE = SAMPLES / "openalex" / "works_results_page_chunk1.json"


def _expected_id(work):
    """pmid first, then DOI, then the OpenAlex id (docs/schema.md)."""
    pmid = (work.get("ids") or {}).get("pmid")
    if pmid:
        return "pmid:" + pmid.rstrip("/").rsplit("/", 1)[1]
    if work.get("doi"):
        return "doi:" + work["doi"].split("doi.org/")[1].lower()
    return "openalex:" + work["id"].rsplit("/", 1)[1]


def test_counts_equal_the_json(store, tmp_path):
    works = json.loads(PAGE.read_text())["results"]
    summary = run_ingest(store, OpenAlexLoader(), PAGE, rejects_dir=tmp_path)
    assert summary.loaded == len(works)
    counts = store.counts()
    ships = [s for w in works for s in w["authorships"]]
    assert counts["nodes"]["Publication"] == len(works)
    assert counts["relationships"]["RESOLVED_TO"] == len(ships)
    mentions = [
        r["props"] for r in store.run("mentions_of_source", {"label": "Mention"}, source="openalex")
    ]
    assert sum(1 for m in mentions if m.get("orcid")) == sum(
        1 for s in ships if orcid((s.get("author") or {}).get("orcid"))
    )
    assert counts["nodes"]["Topic"] == len({t["id"] for w in works for t in w["topics"]})
    cited = {
        r["props"]["openalex"]: r["props"]["cited_by"]
        for r in store.run(
            "nodes_by_ids", {"label": "Publication"}, ids=[_expected_id(w) for w in works]
        )
    }
    assert cited == {w["id"].rsplit("/", 1)[1]: w["cited_by_count"] for w in works}


def test_json_lines_are_streamed_and_a_bad_first_line_is_rejected(store, tmp_path):
    works = json.loads(PAGE.read_text())["results"]
    lines = tmp_path / "works.jsonl"
    lines.write_text("{not json\n" + "".join(json.dumps(w) + "\n" for w in works))
    summary = run_ingest(store, OpenAlexLoader(), lines, rejects_dir=tmp_path / "rejects")
    assert (summary.loaded, summary.rejected) == (len(works), 1)
    assert "line 1" in Path(summary.rejects_file).read_text()
    assert store.counts()["nodes"]["Publication"] == len(works)


def test_a_pretty_printed_page_is_read_whole(store, tmp_path):
    page = json.loads(PAGE.read_text())
    pretty = tmp_path / "page.json"
    pretty.write_text(json.dumps(page, indent=2))
    summary = run_ingest(store, OpenAlexLoader(), pretty, rejects_dir=tmp_path / "rejects")
    assert (summary.loaded, summary.rejected) == (len(page["results"]), 0)
