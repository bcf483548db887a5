"""Therapeutic areas as MeSH subtrees on the real PubMed samples, and check tags kept out."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from lxml import etree

from kolgraph.config import Settings
from kolgraph.errors import ScoringError
from kolgraph.ingest import run_ingest
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.mesh import AreaNotFound, is_check_tag, resolve_area
from kolgraph.scoring import inputs
from kolgraph.store import EmbeddedFalkorDB, GraphStore, open_store
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
PUBMED = sorted((ROOT / "data" / "samples" / "pubmed").rglob("*.xml"))
TREE = ROOT / "kolgraph" / "data" / "mesh_trees.csv.gz"


def subtree(prefix: str) -> set[str]:
    """Descriptor ids at or under ``prefix``, read straight from the shipped CSV."""
    with gzip.open(TREE, "rt", encoding="utf-8") as handle:
        return {
            r["descriptor_ui"]
            for r in csv.DictReader(handle)
            if r["tree_number"] == prefix or r["tree_number"].startswith(prefix + ".")
        }


def pmids_under(prefix: str) -> set[str]:
    """PMIDs of the samples with a heading under ``prefix`` (lxml over the files)."""
    wanted = subtree(prefix)
    found: set[str] = set()
    for path in PUBMED:
        for article in etree.parse(str(path)).iter("PubmedArticle"):
            uis = {d.get("UI") for d in article.iterfind(".//MeshHeading/DescriptorName")}
            if uis & wanted:
                found.add(article.findtext("MedlineCitation/PMID"))
    return found


def load_pubmed(store: GraphStore, rejects: Path) -> None:
    for path in PUBMED:
        run_ingest(store, PubmedLoader(), path, rejects_dir=rejects)


def authors_of(store: GraphStore, pmids: set[str]) -> tuple[set[str], set[str]]:
    rows = store.execute(
        "MATCH (h:HCP)-[:AUTHORED]->(p:Publication) WHERE p.pmid IN $pmids "
        "RETURN p.id AS pub, h.id AS hcp",
        {"pmids": sorted(pmids)},
    )
    return {r["pub"] for r in rows}, {r["hcp"] for r in rows}


def test_area_forms_name_one_subtree() -> None:
    c04 = resolve_area("C04")
    assert c04.descriptors == subtree("C04")
    assert resolve_area("D009369").descriptors == c04.descriptors
    assert resolve_area("neoplasms").descriptors == c04.descriptors
    assert resolve_area("mesh:D009369").label == "C04 Neoplasms"
    assert resolve_area("C04.588").descriptors == subtree("C04.588") < c04.descriptors
    # a descriptor with two tree numbers takes both subtrees
    diabetes = resolve_area("D003920")
    assert subtree("C18.452.394.750") | subtree("C19.246") == diabetes.descriptors


def test_unknown_area_and_check_tags_are_refused_with_a_reason() -> None:
    with pytest.raises(AreaNotFound, match="'neoplasm'.*C04 Neoplasms"):
        resolve_area("neoplasm")
    with pytest.raises(AreaNotFound, match="check tag"):
        resolve_area("Humans")
    assert is_check_tag("mesh:D006801") and is_check_tag("mesh:D008297")  # Humans, Male
    assert is_check_tag("Middle Aged") and not is_check_tag("mesh:D009369")
    # a subtree holding check tags (Eukaryota) leaves them out
    assert "D006801" not in resolve_area("B01").descriptors


def test_c04_scores_every_author_of_a_paper_under_neoplasms(store: GraphStore, tmp_path: Path):
    load_pubmed(store, tmp_path / "rejects")
    pmids = pmids_under("C04")
    assert len(pmids) > 50
    pubs, hcps = authors_of(store, pmids)
    from kolgraph.scoring.projection import population

    data = inputs.load_scoring_data(store)
    for area in ("C04", "D009369", "Neoplasms"):
        kept = inputs.restrict(data, area=area)
        assert set(kept.authorships["pub"]) == pubs, area
        assert set(population(kept, area)) == hcps, area
    narrower = inputs.restrict(data, area="C04.588")
    assert set(narrower.authorships["pub"]) == authors_of(store, pmids_under("C04.588"))[0]
    assert set(narrower.authorships["pub"]) < pubs
    with pytest.raises(ScoringError, match="'C26.599'.*Microtrauma"):
        inputs.restrict(data, area="C26.599")  # in the tree, on no sample paper
    with pytest.raises(ScoringError, match="'Humans'.*check tag"):
        inputs.restrict(data, area="Humans")
    # check tags are never a profile's top topics
    top = store.execute(
        "MATCH (h:HCP)-[:AUTHORED]->(:Publication)-[:HAS_TOPIC]->"
        "(:Topic {id: 'mesh:D006801'}) RETURN h.id AS id LIMIT 1",
        {},
    )[0]["id"]
    topics = store.run("hcp_profile_bundle", id=top)[0]["top_topics"]
    assert topics and not any(is_check_tag(t["name"]) for t in topics)


def test_score_area_c04_json_on_pubmed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "kg"
    with open_store(Settings(data_dir=data_dir)) as store:
        store.apply_schema()
        load_pubmed(store, tmp_path / "rejects")
        _, hcps = authors_of(store, pmids_under("C04"))
    try:
        done = run_cli(
            capsys, "score", "--area", "C04", "--json", "--seed", "1", "--data-dir", str(data_dir)
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["n_hcps"] == len(hcps)
        bad = run_cli(capsys, "score", "--area", "C99", "--json", "--data-dir", str(data_dir))
        said = bad.stdout + bad.stderr
        assert bad.returncode == 1 and "'C99'" in said and "did you mean" in said
    finally:
        EmbeddedFalkorDB(data_dir).stop()
