"""Therapeutic areas as MeSH subtrees on the real PubMed samples, and check tags kept out."""

from __future__ import annotations

import csv
import gzip
import json
import re
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
    # the finder tries any text as an area and shows no error: no fuzzy search then
    with pytest.raises(AreaNotFound) as quiet:
        resolve_area("neoplasm", suggest=False)
    assert quiet.value.suggestions == [] and "did you mean" not in str(quiet.value)
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


def _areas_by_hand(pmids: list[str]) -> list[dict[str, object]]:
    """Papers per first-level disease category (C.., F03; not C22 or C23), from the XML
    headings and the shipped tree CSV read here, the most papers first (then by number)."""
    categories: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    with gzip.open(TREE, "rt", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            number = r["tree_number"]
            if "." not in number:
                names[number] = r["name"]
            top = number[:3]
            if (number.startswith("C") and top not in ("C22", "C23")) or top == "F03":
                categories.setdefault(r["descriptor_ui"], set()).add(top)
    wanted, papers = set(pmids), {}
    for path in PUBMED:
        for article in etree.parse(str(path)).iter("PubmedArticle"):
            pmid = article.findtext("MedlineCitation/PMID")
            if pmid in wanted:
                uis = {d.get("UI") for d in article.iterfind(".//MeshHeading/DescriptorName")}
                for area in set().union(*(categories.get(ui, set()) for ui in uis)):
                    papers[area] = papers.get(area, 0) + 1
    ranked = sorted(papers.items(), key=lambda item: (-item[1], item[0]))[:5]
    return [{"id": a, "name": names[a], "papers": n} for a, n in ranked]


def test_profile_areas_count_papers_per_disease_category(store: GraphStore, tmp_path: Path):
    from kolgraph.krm.profiles import hcp_profile
    from kolgraph.krm.search import Viewer

    load_pubmed(store, tmp_path / "rejects")
    rows = store.execute(
        "MATCH (h:HCP)-[:AUTHORED]->(p:Publication) WHERE p.pmid IS NOT NULL "
        "RETURN h.id AS hcp, collect(p.pmid) AS pmids",
        {},
    )
    busiest = sorted(rows, key=lambda r: (-len(r["pmids"]), r["hcp"]))[:25]
    assert len(busiest[0]["pmids"]) >= 3
    viewer = Viewer("k", "medical_affairs", "medical_affairs")
    seen_areas: set[str] = set()
    for row in busiest:
        profile = hcp_profile(store, viewer, row["hcp"]).model_dump()
        areas = profile["publications"]["areas"]
        assert areas == _areas_by_hand(row["pmids"]), row["hcp"]
        assert all("topic_ids" not in p for p in profile["publications"]["recent"])
        seen_areas.update(a["id"] for a in areas)
    assert len(seen_areas) >= 3  # the samples span several areas
    # list rows and lookups carry the same areas as the profiles
    from kolgraph.krm.search import HcpFilters, lookup_hcps, search_hcps

    ids = [row["hcp"] for row in busiest]
    page = search_hcps(store, viewer, HcpFilters(include_non_hcp=True), limit=500)
    listed = {h.id: h.model_dump()["areas"] for h in page.items}
    looked_up = lookup_hcps(store, viewer, {"id": ids}).found
    assert len(looked_up) == len(ids)
    for hit in looked_up:
        expected = hcp_profile(store, viewer, hit.hcp.id).model_dump()["publications"]["areas"]
        assert hit.hcp.model_dump()["areas"] == expected
        if hit.hcp.id in listed:
            assert listed[hit.hcp.id] == expected
    assert any(listed.values())
    # the one-page report names them too
    from kolgraph.report import render_html, report_content

    first = busiest[0]["hcp"]
    text = re.sub(r"<[^>]+>", " ", render_html(report_content(store, first)))
    top = _areas_by_hand(busiest[0]["pmids"])[0]
    assert f"Therapeutic areas: {top['name']} ({top['papers']} papers)" in " ".join(text.split())


@pytest.mark.parametrize("area", ["Cardiovascular Diseases", "C14", "D002318"])
def test_the_finder_takes_an_area_as_its_whole_subtree(
    store: GraphStore, tmp_path: Path, area: str
) -> None:
    from kolgraph.krm.search import HcpFilters, Viewer, search_hcps

    load_pubmed(store, tmp_path / "rejects")
    _, expected = authors_of(store, pmids_under("C14"))
    assert len(expected) > 50
    viewer = Viewer("k", "medical_affairs", "medical_affairs")
    found: list[str] = []
    cursor = None
    while True:
        page = search_hcps(
            store, viewer, HcpFilters(topic=area, include_non_hcp=True), limit=200, cursor=cursor
        )
        found += [h.id for h in page.items]
        if not (cursor := page.next_cursor):
            break
    assert set(found) == expected and len(found) == len(expected)
    # a plain word still matches topic names, as before
    named = search_hcps(store, viewer, HcpFilters(topic="aortic valve", include_non_hcp=True))
    assert named.items and {h.id for h in named.items} <= expected
