"""PubMed loader on the real samples: counts checked independently, hand-checked records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from kolgraph.resolution.identifiers import orcid
from tests.factories import SAMPLES, ingest

SAMPLES = SAMPLES / "pubmed"
MESH = SAMPLES / "pubmed21n1298_sample_mesh_indexed.xml"
EVERY21 = SAMPLES / "pubmed21n1298_sample_every21st.xml"
OLD = SAMPLES / "pubmed20n0014_sample_every60th.xml"


def expected_counts(path: Path) -> dict[str, int]:
    """Counts computed with XPath over the whole tree, independently of the loader."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    articles = tree.xpath("//PubmedArticle")
    authors = tree.xpath("//PubmedArticle//AuthorList/Author[not(@ValidYN='N')]")
    people = [a for a in authors if not a.xpath("CollectiveName")]
    orcids = [o for a in people for o in a.xpath("Identifier[@Source='ORCID']/text()") if orcid(o)]
    affiliations = sum(
        len(
            set(
                a.xpath("AffiliationInfo/Affiliation")
                and [
                    " ".join("".join(x.itertext()).split())
                    for x in a.xpath("AffiliationInfo/Affiliation")
                ]
            )
        )
        for a in people
    )
    mesh = set(tree.xpath("//MeshHeading/DescriptorName/@UI"))
    return {
        "articles": len(articles),
        "authors": len(authors),
        "people": len(people),
        "collective": len(authors) - len(people),
        "orcids": len(orcids),
        "affiliations": affiliations,
        "mesh_terms": len(mesh),
        "mesh_links": len(tree.xpath("//MeshHeadingList/MeshHeading/DescriptorName")),
    }


def stored_counts(store) -> dict[str, int]:
    mentions = [
        r["props"] for r in store.run("mentions_of_source", {"label": "Mention"}, source="pubmed")
    ]
    counts = store.counts()
    people = [m for m in mentions if not m.get("collective")]
    return {
        "articles": counts["nodes"].get("Publication", 0),
        "authors": len(mentions),
        "people": len(people),
        "collective": len(mentions) - len(people),
        "orcids": sum(1 for m in people if m.get("orcid")),
        "affiliations": sum(len(m.get("affiliations") or []) for m in people),
        "mesh_terms": counts["nodes"].get("Topic", 0),
        "mesh_links": counts["relationships"].get("HAS_TOPIC", 0),
    }


@pytest.mark.parametrize("path", [MESH, EVERY21], ids=["mesh-indexed", "every21st"])
def test_counts_equal_independent_xpath_counts(store, tmp_path, path):
    summary = ingest(store, "pubmed", path, tmp_path)
    expected = expected_counts(path)
    assert stored_counts(store) == expected
    deletions = len(etree.parse(str(path)).xpath("//DeleteCitation/PMID"))
    assert summary.read == summary.loaded + summary.rejected + summary.duplicates
    assert summary.loaded == expected["articles"] + deletions
    counts = store.counts()["relationships"]
    assert counts["APPEARS_IN"] == expected["authors"]
    assert counts["RESOLVED_TO"] == expected["people"]
    assert counts["AUTHORED"] <= expected["people"]
    # the summary counts what the authorship statement wrote too (Mention + HCP per person)
    assert summary.nodes_written >= 2 * expected["people"]
    assert summary.relationships_written >= counts["RESOLVED_TO"] + counts["APPEARS_IN"]


def test_loading_twice_changes_no_count(store, tmp_path):
    ingest(store, "pubmed", MESH, tmp_path)
    first = store.counts()
    ingest(store, "pubmed", MESH, tmp_path)
    assert store.counts() == first


def _authors(store, pmid):
    return store.run(
        "publication_authorships",
        {"label": "Mention", "type": "APPEARS_IN", "end": "Publication"},
        id=f"pmid:{pmid}",
    )


def test_hand_checked_records(store, tmp_path):
    ingest(store, "pubmed", MESH, tmp_path)
    # a collective author is kept as such and is not an HCP
    collective = [a for a in _authors(store, "31719001") if a["mention"].get("collective")]
    assert [a["mention"]["name"] for a in collective] == ["Collaborators"]
    assert collective[0]["role"] == "collective"
    # an author with two affiliations, third in the list
    hu = _authors(store, "25609688")[2]
    assert (hu["position"], hu["mention"]["family"], hu["mention"]["given"]) == (3, "Hu", "Shijun")
    assert len(hu["mention"]["affiliations"]) == 2
    assert hu["mention"]["affiliations"][0].startswith(
        "Department of Medicine, Division of Cardiology, Stanford"
    )
    # a non-ASCII name kept exactly
    first = _authors(store, "30310913")[0]
    assert (first["mention"]["family"], first["mention"]["given"]) == ("Magalhães", "Álvaro F")
    assert first["role"] == "first"
    # a MedlineDate ("2020 Jul-Sep")
    pub = store.run("node_by_id", {"label": "Publication"}, id="pmid:32649158")[0]["props"]
    assert (pub["year"], pub["date"]) == (2020, "2020-07")
    # an ORCID on the HCP
    hcp = store.run("node_by_id", {"label": "HCP"}, id="orcid:0000-0001-9591-3950")
    assert hcp and hcp[0]["props"]["orcid"] == "0000-0001-9591-3950"


def test_positions_roles_and_inline_markup(store, tmp_path):
    ingest(store, "pubmed", EVERY21, tmp_path)
    tree = etree.parse(str(EVERY21))
    marked = tree.xpath("//ArticleTitle[*]")[0]
    pmid = marked.xpath("ancestor::MedlineCitation/PMID/text()")[0]
    pub = store.run("node_by_id", {"label": "Publication"}, id=f"pmid:{pmid}")[0]["props"]
    assert pub["title"] == " ".join("".join(marked.itertext()).split())
    assert "<" not in pub["title"]
    for row in store.run(
        "relationships_of_type", {"start": "HCP", "type": "AUTHORED", "end": "Publication"}
    ):
        props = row["props"]
        n, pos = props["n_authors"], props["position"]
        assert 1 <= pos <= n
        assert props["role"] == (
            "single" if n == 1 else "first" if pos == 1 else "last" if pos == n else "middle"
        )


def test_malformed_orcid_is_a_note_not_a_reject(store, tmp_path):
    summary = ingest(store, "pubmed", MESH, tmp_path)  # holds "0000-0001-9206-317" (15 digits)
    lines = Path(summary.rejects_file).read_text().splitlines()
    notes = [line for line in lines if '"orcid"' in line]
    assert len(notes) == 1 and '"kind": "note"' in notes[0] and "0000-0001-9206-317" in notes[0]
    assert summary.rejected == 0


@pytest.mark.parametrize(
    "spelling",
    [
        "0000-0002-1825-0097",
        "0000000218250097",
        "http://orcid.org/0000-0002-1825-0097",
        "https://orcid.org/0000-0002-1825-0097",
        "orcid.org/0000000218250097",
    ],
)
def test_every_orcid_spelling_normalises(spelling):
    assert orcid(spelling) == "0000-0002-1825-0097"


def test_old_baseline_file_languages_and_types(store, tmp_path):
    ingest(store, "pubmed", OLD, tmp_path)
    tree = etree.parse(str(OLD))
    pubs = [
        r["props"]
        for r in store.run(
            "nodes_by_ids",
            {"label": "Publication"},
            ids=[f"pmid:{p}" for p in tree.xpath("//MedlineCitation/PMID/text()")],
        )
    ]
    assert len(pubs) == len(tree.xpath("//PubmedArticle"))
    assert Counter(p["language"] for p in pubs) == Counter(
        a.xpath("string(.//Article/Language)") for a in tree.xpath("//PubmedArticle")
    )
    assert all(p["publication_types"] for p in pubs)
    assert all(p["year"] and 1900 < p["year"] < 1990 for p in pubs)
