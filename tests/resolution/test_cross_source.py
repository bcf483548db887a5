"""One HCP per person across sources: the shipped samples loaded together (NPPES, PubMed,
Crossref, OpenAlex, a congress programme, a trial), and common names kept apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.resolution import MentionIn, resolve_mentions, resolve_offline
from kolgraph.resolution.names import fold
from kolgraph.store import EmbeddedFalkorDB
from kolgraph.store.falkordb import scratch_graph
from tests.conftest import SAMPLES

PLAN = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("pubmed", "pubmed/pubmed21n1298_sample_every21st.xml"),
    ("pubmed", "pubmed/efetch/biopython_pubmed4.xml"),
    ("crossref", "crossref/crossref_works.jsonl"),
    ("openalex", "openalex/works_results_page_chunk1.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
]


def normal_name(name: str) -> str:
    """'C. Blake Gilks' -> 'c blake gilks'."""
    return " ".join(fold(name).replace("-", " ").replace(".", " ").split())


@pytest.fixture(scope="module")
def loaded(
    falkordb: EmbeddedFalkorDB, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, list[tuple[str, str]]]]]:
    """Normalised HCP name -> HCP id -> [(source, mention id)], after loading every sample."""
    rejects = tmp_path_factory.mktemp("rejects")
    with scratch_graph(falkordb, "xsource") as store:
        for source, relative in PLAN:
            summary = run_ingest(
                store, loader_for(source), Path(SAMPLES / relative), rejects_dir=rejects
            )
            assert summary.loaded > 0, relative
        rows = store.execute(
            "MATCH (m:Mention)-[:RESOLVED_TO]->(h:HCP) RETURN h.id AS hcp, "
            "h.name AS name, m.source AS source, m.id AS mention",
            {},
        )
        # a later run's OpenAlex mention with a stored author id, read back from the store
        [late] = resolve_mentions(
            store,
            [
                MentionIn(
                    id="mention:openalex:W9999999999:1",
                    source="openalex",
                    name="D. Kaufmann",
                    openalex_author="A5084264679",
                    year=2030,
                )
            ],
        )
    people: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        people[normal_name(row["name"] or "")][row["hcp"]].append((row["source"], row["mention"]))
    people["(late openalex mention)"][late.hcp_id].append(("openalex", late.mention_id))
    yield people


def test_people_in_several_sources_are_one_hcp_each(
    loaded: dict[str, dict[str, list[tuple[str, str]]]],
) -> None:
    # PubMed 32686118 and the same team's MIDL 2020 poster; a MIDL author in an oral and a
    # poster session and in two papers; a pathologist with an ORCID in PubMed only
    for name, sources in [
        ("ali bashashati", {"pubmed", "congress"}),
        ("david farnell", {"pubmed", "congress"}),
        ("c blake gilks", {"pubmed", "congress"}),
        ("basile tessier cloutier", {"pubmed", "congress"}),
        ("suprosanna shit", {"pubmed", "congress"}),
        ("adrian v dalca", {"congress"}),
        ("pierre marc jodoin", {"congress"}),
        ("bruce fischl", {"congress"}),
        # chapters of one book (Crossref): the same full name at one venue
        ("stewart lynch", {"crossref"}),
        ("tihomir radev", {"crossref"}),
    ]:
        hcps = loaded[name]
        assert len(hcps) == 1, (name, dict(hcps))
        [mentions] = hcps.values()
        assert {s for s, _ in mentions} == sources and len(mentions) >= 2, name


def test_a_stored_openalex_author_id_is_read_back(
    loaded: dict[str, dict[str, list[tuple[str, str]]]],
) -> None:
    [kaufmann] = loaded["daniel kaufmann"]  # two works of one OpenAlex author A5084264679
    assert list(loaded["(late openalex mention)"]) == [kaufmann]


def test_duplicate_full_names_fall(loaded: dict[str, dict[str, list[tuple[str, str]]]]) -> None:
    duplicates = {n: h for n, h in loaded.items() if n[:1] != "(" and len(h) > 1}
    # 219 names were held by more than one HCP before cross-source corroboration, 80 after
    assert len(duplicates) <= 90, sorted(duplicates)
    congress_only = [
        n for n, h in duplicates.items() if {s for ms in h.values() for s, _ in ms} == {"congress"}
    ]
    assert len(congress_only) <= 2, congress_only  # was 129


def test_common_names_stay_apart(loaded: dict[str, dict[str, list[tuple[str, str]]]]) -> None:
    # different people: a cardiologist, a sonographer, an animal nutritionist, a pharmacist
    assert len(loaded["bo wang"]) >= 4
    # a Crossref 'Wei Wang' (Engineering 2026) shares only a 'wang s' co-author with a
    # PubMed 'Wei Wang' (Biomaterials 2021); 'Jin Liu' is not 'Jin-Yu Liu'
    wei = {
        h
        for h, ms in loaded["wei wang"].items()
        for _, m in ms
        if m in ("mention:crossref:10.1016/j.eng.2026.01.016:1", "mention:pubmed:33965798:6")
    }
    assert len(wei) == 2
    jin = [
        h
        for n in ("jin liu", "jin yu liu")
        for h, ms in loaded[n].items()
        if any(
            m in ("mention:crossref:10.7717/peerj.13492:4", "mention:pubmed:34029935:1")
            for _, m in ms
        )
    ]
    assert len(set(jin)) == 2


def _congress(n: int, name: str, coauthors: list[str], congress: str = "midl") -> MentionIn:
    return MentionIn(
        id=f"mention:congress:{congress}:2020:s{n}:1",
        source="congress",
        name=name,
        coauthors=coauthors,
        journal=congress,
        year=2020,
    )


def test_a_shared_co_author_on_a_common_family_name_is_not_evidence() -> None:
    apart = resolve_offline(
        [
            _congress(1, "Jing Wang", ["wang s", "liu j"]),
            _congress(2, "Jing Wang", ["wang s", "liu j"]),
        ]
    )
    assert apart[0].hcp_id != apart[1].hcp_id
    together = resolve_offline(
        [
            _congress(1, "Jing Wang", ["wang s", "iglesias j"]),
            _congress(2, "Jing Wang", ["iglesias j"]),
        ]
    )
    assert together[0].hcp_id == together[1].hcp_id


def test_same_venue_merges_an_uncommon_full_name_only() -> None:
    same = resolve_offline([_congress(1, "Tal Arbel", []), _congress(2, "Tal Arbel", [])])
    assert same[0].hcp_id == same[1].hcp_id
    other_venue = resolve_offline(
        [_congress(1, "Tal Arbel", []), _congress(2, "Tal Arbel", [], congress="miccai")]
    )
    assert other_venue[0].hcp_id != other_venue[1].hcp_id
    common = resolve_offline([_congress(1, "Yi Wang", []), _congress(2, "Yi Wang", [])])
    assert common[0].hcp_id != common[1].hcp_id
    initials = resolve_offline([_congress(1, "T. Arbel", []), _congress(2, "T. Arbel", [])])
    assert initials[0].hcp_id != initials[1].hcp_id


def test_one_openalex_author_id_is_one_hcp() -> None:
    def work(n: int, name: str, author: str | None) -> MentionIn:
        return MentionIn(
            id=f"mention:openalex:W{n}:2",
            source="openalex",
            name=name,
            openalex_author=author,
            year=2000 + n,
        )

    same = resolve_offline(
        [work(1, "Ernst Lutz", "A5020206504"), work(2, "E. Lutz", "A5020206504")]
    )
    assert same[0].hcp_id == same[1].hcp_id
    # two ids are no evidence of two people, and no id is no evidence at all
    apart = resolve_offline(
        [work(1, "Ernst Lutz", "A5020206504"), work(2, "E. Lutz", "A5012637845")]
    )
    assert apart[0].hcp_id != apart[1].hcp_id
