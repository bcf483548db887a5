"""Crossref loader: real samples counted independently, DOI linking onto PubMed papers."""

from __future__ import annotations

import json

from kolgraph.ingest import run_ingest
from kolgraph.ingest.crossref import CrossrefLoader
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.resolution.identifiers import doi, orcid
from tests.factories import SAMPLES

SAMPLES = SAMPLES
JSONL = SAMPLES / "crossref" / "crossref_works.jsonl"
ENVELOPE = SAMPLES / "crossref" / "crossref_api_response_works_query.json"


def test_counts_equal_the_json(store, tmp_path):
    works = [json.loads(line) for line in JSONL.read_text().splitlines() if line.strip()]
    works += json.loads(ENVELOPE.read_text())["message"]["items"]
    for path in (JSONL, ENVELOPE):
        summary = run_ingest(store, CrossrefLoader(), path, rejects_dir=tmp_path)
        assert summary.read == summary.loaded + summary.rejected + summary.duplicates
    counts = store.counts()
    people = [a for w in works for a in w.get("author", []) if a.get("family")]
    assert counts["nodes"]["Publication"] == len({doi(w["DOI"]) for w in works})
    assert counts["relationships"]["RESOLVED_TO"] == len(people)
    mentions = [
        r["props"] for r in store.run("mentions_of_source", {"label": "Mention"}, source="crossref")
    ]
    assert sum(1 for m in mentions if m.get("orcid")) == sum(
        1 for a in people if orcid(a.get("ORCID"))
    )
    assert sum(len(m.get("affiliations") or []) for m in mentions) == sum(
        len({x["name"] for x in a.get("affiliation", []) if x.get("name")}) for a in people
    )


def test_same_doi_from_pubmed_and_crossref_is_one_publication(store, tmp_path):
    pubmed = tmp_path / "p.xml"
    pubmed.write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>42</PMID><Article>"
        "<Journal><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle>"
        '<ELocationID EIdType="doi">10.1000/ABC.1</ELocationID><AuthorList>'
        '<Author><LastName>Doe</LastName><ForeName>Jane</ForeName><Identifier Source="ORCID">'
        "0000-0002-1825-0097</Identifier></Author></AuthorList></Article></MedlineCitation>"
        "</PubmedArticle></PubmedArticleSet>"
    )
    crossref = tmp_path / "c.jsonl"
    crossref.write_text(
        json.dumps(
            {
                "DOI": "10.1000/abc.1",
                "title": ["T"],
                "author": [
                    {
                        "family": "Doe",
                        "given": "J.",
                        "ORCID": "http://orcid.org/0000-0002-1825-0097",
                        "sequence": "first",
                    }
                ],
            }
        )
        + "\n"
    )
    run_ingest(store, PubmedLoader(), pubmed, rejects_dir=tmp_path)
    run_ingest(store, CrossrefLoader(), crossref, rejects_dir=tmp_path)
    counts = store.counts()
    assert counts["nodes"]["Publication"] == 1
    assert counts["nodes"]["HCP"] == 1
    assert counts["relationships"]["AUTHORED"] == 1
    pub = store.run("node_by_id", {"label": "Publication"}, id="pmid:42")[0]["props"]
    assert pub["doi"] == "10.1000/abc.1"


def test_bad_lines_are_rejected_and_the_run_goes_on(store, tmp_path):
    path = tmp_path / "w.jsonl"
    path.write_text('{"DOI": "10.1000/x", "author": []}\n{not json\n{"DOI": "nope"}\n')
    summary = run_ingest(store, CrossrefLoader(), path, rejects_dir=tmp_path)
    assert (summary.loaded, summary.rejected) == (1, 2)
