"""How a paper's authors are written: created when the paper is new, merged when the
store already holds it (re-ingest, a revised record, a paper first loaded elsewhere)."""

from __future__ import annotations

from kolgraph.ingest import run_ingest
from kolgraph.ingest.pubmed import PubmedLoader

ARTICLE = """<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>
<Journal><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle>
<AuthorList>{authors}</AuthorList></Article></MedlineCitation></PubmedArticle>"""
DOE = (
    "<Author><LastName>Doe</LastName><ForeName>Jane</ForeName>"
    "<AffiliationInfo><Affiliation>Mayo Clinic, Rochester, MN</Affiliation></AffiliationInfo>"
    "<AffiliationInfo><Affiliation>Mayo Clinic, Rochester, MN</Affiliation></AffiliationInfo>"
    "</Author>"
)
GROUP = "<Author><CollectiveName>Heart Study Group</CollectiveName></Author>"
ROE = "<Author><LastName>Roe</LastName><ForeName>Rick</ForeName></Author>"


def load(store, tmp_path, name, *articles):
    path = tmp_path / name
    path.write_text("<PubmedArticleSet>" + "".join(articles) + "</PubmedArticleSet>")
    return run_ingest(store, PubmedLoader(), path, rejects_dir=tmp_path / "rejects")


def count(store, cypher, **params):
    return store.execute(cypher, params)[0]["n"]


def test_an_affiliation_listed_twice_links_once(store, tmp_path):
    load(store, tmp_path, "a.xml", ARTICLE.format(pmid=1, authors=DOE))
    assert (
        count(store, "MATCH (:Mention)-[r:AFFILIATED_WITH]->(:Institution) RETURN count(r) AS n")
        == 1
    )
    assert (
        count(store, "MATCH (:HCP)-[r:AFFILIATED_WITH]->(:Institution) RETURN count(r) AS n") == 1
    )


def test_a_revised_record_merges_into_the_stored_authors(store, tmp_path):
    load(store, tmp_path, "baseline.xml", ARTICLE.format(pmid=2, authors=DOE + GROUP))
    before = store.counts()
    # The update file revises the paper: the group at position 2 becomes a person.
    load(store, tmp_path, "update.xml", ARTICLE.format(pmid=2, authors=DOE + ROE))
    assert count(store, "MATCH (m:Mention {id: 'mention:pubmed:2:2'}) RETURN count(m) AS n") == 1
    assert count(store, "MATCH (m:Mention {id: 'mention:pubmed:2:1'}) RETURN count(m) AS n") == 1
    after = store.counts()
    assert after["nodes"]["Mention"] == before["nodes"]["Mention"] == 2
    assert after["relationships"]["RESOLVED_TO"] == 2  # Roe's mention is now resolved
    assert after["relationships"]["APPEARS_IN"] == 2
    assert after["relationships"]["AUTHORED"] == 2


def test_a_new_paper_gets_provenance_on_every_author_write(store, tmp_path):
    summary = load(store, tmp_path, "p.xml", ARTICLE.format(pmid=3, authors=DOE + ROE))
    rows = store.execute(
        "MATCH (m:Mention)-[r:RESOLVED_TO]->(h:HCP), (m)-[a:APPEARS_IN]->(p:Publication), "
        "(h)-[w:AUTHORED]->(p) RETURN m.run_id AS m, r.run_id AS r, a.source_file AS a, "
        "h.run_id AS h, w.loaded_at AS w, m.family AS family ORDER BY family",
        {},
    )
    assert [row["family"] for row in rows] == ["Doe", "Roe"]
    for row in rows:
        assert row["m"] == row["r"] == row["h"] == summary.run_id
        assert row["a"] == "p.xml" and row["w"]


def test_a_run_gives_the_garbage_collector_back_as_it_found_it(store, tmp_path):
    import gc

    before = gc.get_threshold()
    load(store, tmp_path, "gc.xml", ARTICLE.format(pmid=4, authors=DOE + ROE))
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
