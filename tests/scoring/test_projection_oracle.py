"""The vectorised projection, evidence and explanations equal the code they replaced.

The ``old_`` functions (``tests/scoring/oracles.py``) are the previous per-pair and per-row
implementations, kept verbatim except that the per-pair co-authorship code applies the same
``coauthor_ties`` rule (Newman's ``1 / (n - 1)`` per joint paper, or ``"full"``) so that both
settings are compared. They run on the shipped samples (every file the demo
loads, ingested into a real embedded store) and on a small frame with the awkward cases
(the same HCP twice on one paper, papers without a year or pmid, crowded papers). Ties,
paper counts, pmids and evidence must be identical; tie weights may differ in summation
order only (relative 1e-12); a full run's scores and explanations are compared with the
run that uses the old functions.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

# isort: off
import kolgraph.scoring  # noqa: F401  the package first: it imports projection itself
from kolgraph.scoring import projection

# isort: on
from kolgraph.cli.demo_cmds import DEMO_PLAN
from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.scoring import activity as activity_module
from kolgraph.scoring import explain, score_hcps
from kolgraph.scoring.activity import paper_weights
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.inputs import ScoringData, load_scoring_data, year_of
from kolgraph.scoring.params import ScoringParams
from kolgraph.scoring.pipeline import ScoreResult
from kolgraph.scoring.reasons import explanations, strongest_ties
from kolgraph.store import GraphStore
from kolgraph.store.falkordb import scratch_graph
from tests.conftest import SAMPLES
from tests.scoring.oracles import (
    old_arrays_in_order,
    old_coauthorship_graph,
    old_combined_graph,
    old_congress_graph,
    old_graphs,
    old_referral_graph,
    old_ties,
    old_top,
)

PARAMS = ScoringParams()
# the package exports the function explain under the module's name
explain_module = importlib.import_module("kolgraph.scoring.reasons")


@pytest.fixture(scope="module")
def sample_store(falkordb, tmp_path_factory) -> Iterator[GraphStore]:
    """Every shipped sample the demo loads, ingested into a real store."""
    work = tmp_path_factory.mktemp("oracle")
    settings = Settings(data_dir=work / "kg", appendfsync="everysec")
    with scratch_graph(falkordb, "oracle") as store:
        for source, relative in DEMO_PLAN:
            loader = loader_for(source)
            loader.configure(settings)
            run_ingest(store, loader, SAMPLES / relative, rejects_dir=work / "rejects")
        yield store


@pytest.fixture(scope="module")
def samples(sample_store: GraphStore) -> ScoringData:
    """The demo's samples as scoring reads them."""
    return load_scoring_data(sample_store)


def every_fifth_paper(authorships: pd.DataFrame) -> pd.DataFrame:
    """All authorship rows of every fifth paper (by id): real teams, years and positions at
    a fifth of the per-pair and per-row oracles' cost; the whole samples run in the slow tier."""
    pubs = sorted(authorships["pub"].unique())[::5]
    return authorships[authorships["pub"].isin(pubs)]


# The oracles over the demo's samples: every fifth paper in the fast tier, all in the slow one.
SAMPLE_ROWS = [pytest.param("samples", marks=pytest.mark.slow), "samples-every-5th-paper"]


def sample_rows(samples: ScoringData, which: str) -> pd.DataFrame:
    return samples.authorships if which == "samples" else every_fifth_paper(samples.authorships)


def awkward_authorships() -> pd.DataFrame:
    """Duplicated authors, missing years and pmids, a crowded paper, tied years."""
    rows: list[dict[str, Any]] = []

    def paper(pub: str, pmid: Any, year: Any, authors: list[str]) -> None:
        for i, hcp in enumerate(authors):
            rows.append(
                {
                    "hcp": hcp,
                    "pub": pub,
                    "pmid": pmid,
                    "doi": None,
                    "year": year,
                    "date": None,
                    "position": i + 1,
                    "role": None,
                    "n_authors": len(authors),
                    "cited_by": 3,
                    "journal": None,
                }
            )

    paper("p1", "1", 2020, ["a", "b", "c"])
    paper("p2", "2", 2020, ["b", "a"])
    paper("p3", None, 2021, ["a", "b", "a"])  # the same HCP twice on one paper
    paper("p4", "4", None, ["c", "a"])  # no year
    paper("p5", "", 2019, ["a", "c", "d"])  # empty pmid
    for k in range(6, 14):  # eight joint papers of a and b: more than five pmids
        paper(f"p{k:02d}", str(k), 2010 + k % 4, ["a", "b"])
    paper("crowd", "99", 2022, [f"x{i}" for i in range(60)])  # above max_coauthors
    paper("solo", "100", 2022, ["e"])
    return pd.DataFrame(rows)


def assert_same_ties(new: nx.Graph, old: nx.Graph) -> None:
    assert list(new.nodes) == list(old.nodes)
    assert list(new.edges) == list(old.edges)  # same ties, same insertion order
    for u, v, data in old.edges(data=True):
        got = new[u][v]
        assert set(got) == set(data)
        for key, value in data.items():
            if isinstance(value, float):  # weights and per-layer sums: summation order only
                assert math.isclose(got[key], value, rel_tol=1e-12), (u, v, key)
            else:
                assert got[key] == value, (u, v, key)


@pytest.mark.parametrize("ties", ["newman", "full"])
@pytest.mark.parametrize("source", [*SAMPLE_ROWS, "awkward"])
def test_coauthorship_ties_equal_the_per_pair_code(source, ties, request):
    rows = (
        awkward_authorships()
        if source == "awkward"
        else sample_rows(request.getfixturevalue("samples"), source)
    )
    nodes = sorted(set(rows["hcp"]))
    params = ScoringParams(coauthor_ties=ties)
    new = projection.coauthorship_graph(rows, params, reference=2023, nodes=nodes)
    old = old_coauthorship_graph(rows, params, reference=2023, nodes=nodes)
    assert old.number_of_edges() >= 5
    assert_same_ties(new, old)


def test_newman_ties_divide_each_paper_by_its_team():
    """The same pair on a 3-author and on a 2-author paper: Newman weights 1/2 and 1."""
    rows = awkward_authorships()
    nodes = sorted(set(rows["hcp"]))
    newman = projection.coauthorship_graph(rows, PARAMS, reference=2023, nodes=nodes)
    full = projection.coauthorship_graph(
        rows, ScoringParams(coauthor_ties="full"), reference=2023, nodes=nodes
    )
    # d meets a and c on p5 only (3 authors, 2019): (w_a + w_d) / 2 = 1.0, divided by 2
    assert newman["a"]["d"]["weight"] == pytest.approx(full["a"]["d"]["weight"] / 2)
    assert newman["a"]["d"]["papers"] == full["a"]["d"]["papers"] == 1


def test_referral_and_combined_layers_equal_the_per_pair_code(samples):
    nodes = sorted(str(i) for i in samples.hcps["id"])
    refs = samples.referrals
    assert len(refs) > 0
    new_ref = projection.referral_graph(refs, PARAMS, nodes=nodes)
    old_ref = old_referral_graph(refs, PARAMS, nodes=nodes)
    assert_same_ties(new_ref, old_ref)
    # the combining step is the oracle here; its co-author layer is the vectorised one, which
    # test_coauthorship_ties_equal_the_per_pair_code holds equal to the per-pair code
    co = projection.coauthorship_graph(samples.authorships, PARAMS, reference=2023, nodes=nodes)
    con = projection.congress_graph(samples.presentations, PARAMS, nodes=nodes)
    layers = {"coauthorship": co, "referral": old_ref, "congress": con}
    assert_same_ties(
        projection.combined_graph(layers, PARAMS.layer_weights),
        old_combined_graph(layers, PARAMS.layer_weights),
    )


@pytest.mark.parametrize("source", SAMPLE_ROWS)
def test_evidence_equals_the_per_row_code(samples, source):
    papers = paper_weights(sample_rows(samples, source), PARAMS, 2023)
    old: dict[str, Any] = {}
    columns = ["pmid", "doi", "pub", "year", "role"]
    evidence = activity_module.Evidence()
    evidence.add(papers, columns, "papers")
    old_top(papers, columns, old, "papers")
    assert len(old) > 100
    assert dict(evidence) == old
    assert list(evidence) == list(old)
    some = list(old)[::7]
    assert evidence.many([*some, "hcp:nobody"]) == {h: old[h] for h in some}


@pytest.mark.parametrize("area", [None, "C14"])
def test_tie_tables_give_the_edge_arrays_of_the_networkx_layers(samples, area):
    """Scoring runs on arrays from tie tables; they are the arrays the graphs used to give."""
    params = ScoringParams(area=area)
    layers = projection.project_layers(samples, params)
    graphs = old_graphs(layers, params)
    assert len(layers.combined) > 100
    for name in ("coauthorship", "referral", "congress", "combined"):
        arrays = layers.arrays(name)
        src, dst, weight = old_arrays_in_order(graphs[name], layers.nodes)
        assert arrays.src.tolist() == src.tolist(), name
        assert arrays.dst.tolist() == dst.tolist(), name
        assert np.allclose(arrays.weight, weight, rtol=1e-12, atol=0), name
        assert_same_ties(layers.graph(name), graphs[name])


def test_congress_ties_equal_the_edge_by_edge_code(samples):
    nodes = sorted(str(i) for i in samples.hcps["id"])
    rows = samples.presentations
    assert rows["session"].nunique() > 10
    for params in (PARAMS, ScoringParams(chair_tie=0.5, max_session_size=4)):
        assert_same_ties(
            projection.congress_graph(rows, params, nodes=nodes),
            old_congress_graph(rows, params, nodes=nodes),
        )


def test_strongest_ties_equal_the_per_neighbour_code(samples):
    layers = projection.project_layers(samples, PARAMS)
    graphs = old_graphs(layers, PARAMS)
    result = ScoreResult(pd.DataFrame(), {}, PARAMS, layers=layers)
    ties = strongest_ties(result, layers.nodes)
    assert sum(len(t) == 5 for t in ties.values()) > 50
    assert any("referrals_out" in t or "shared_sessions" in t for v in ties.values() for t in v)
    for hcp in layers.nodes:
        assert ties[hcp] == old_ties(graphs, hcp), hcp
    assert strongest_ties(result, [layers.nodes[3]]) == {layers.nodes[3]: ties[layers.nodes[3]]}


@pytest.mark.slow  # two whole scorings of the samples; the parts are held equal in the fast tier
def test_scores_and_explanations_equal_the_run_with_the_old_code(samples, monkeypatch):
    result = score_hcps(samples, PARAMS)
    new_explained = explanations(result)

    graphs_of: dict[int, dict[str, nx.Graph]] = {}

    def graphs(layers: Any) -> dict[str, nx.Graph]:
        if id(layers) not in graphs_of:
            graphs_of[id(layers)] = old_graphs(layers, PARAMS)
        return graphs_of[id(layers)]

    def old_layer_arrays(self: projection.Layers, name: str) -> EdgeArrays:
        graph = graphs(self)[name]
        src, dst, weight = old_arrays_in_order(graph, self.nodes)
        return EdgeArrays.from_arrays(self.nodes, src, dst, weight, directed=name == "referral")

    def old_strongest(result: ScoreResult, hcps: Any) -> dict[str, list[dict[str, Any]]]:
        return {h: old_ties(graphs(result.layers), h) for h in hcps}

    monkeypatch.setattr(projection.Layers, "arrays", old_layer_arrays)
    monkeypatch.setattr(explain_module, "strongest_ties", old_strongest)
    monkeypatch.setattr(activity_module, "Evidence", OldEvidence)
    oracle = score_hcps(samples, PARAMS)
    pd.testing.assert_frame_equal(result.frame, oracle.frame, check_exact=False, rtol=1e-9)
    assert new_explained.keys() == set(oracle.frame.index)
    for hcp in oracle.frame.index:
        assert new_explained[hcp] == explain(oracle, hcp), hcp


def test_samples_are_not_trivial(samples: ScoringData, tmp_path: Path):
    assert len(samples.hcps) > 500 and len(samples.authorships) > 1000


def test_years_equal_the_per_row_parse(samples):
    frame = samples.authorships
    old = frame["year"].map(year_of)
    old = pd.to_numeric(old.where(old.notna(), frame["date"].map(year_of)), errors="coerce")
    assert frame["year"].notna().sum() > 1000
    pd.testing.assert_series_equal(frame["year"], old, check_names=False, check_dtype=False)
    pres = samples.presentations
    old = pres["date"].map(year_of)
    old = pd.to_numeric(old.where(old.notna(), pres["congress_year"].map(year_of)), errors="coerce")
    pd.testing.assert_series_equal(pres["year"], old, check_names=False, check_dtype=False)


def test_demo_top_twenty_is_not_won_by_one_large_team(sample_store, samples):
    """The demo's run: most of the top 20 published more than once, at most two on one big team.

    With a whole paper per tie (``coauthor_ties="full"``) 17 of the top 20 had one paper and
    14 had a paper of 20+ authors (mostly that one paper). One first author of a single
    26-author paper can still reach the top 20 when the eigenvector centrality falls on
    that paper's component.
    """
    frame = score_hcps(sample_store, PARAMS).frame
    top = frame[frame["ranked"]].sort_values("rank").head(20)
    rows = samples.authorships
    papers = rows.groupby("hcp")["pub"].nunique().reindex(top.index).fillna(0)
    n = pd.to_numeric(rows["n_authors"], errors="coerce").fillna(0)
    team = n.groupby(rows["hcp"]).max().reindex(top.index).fillna(0)
    assert (papers >= 2).sum() > 10, papers.to_dict()
    assert ((papers == 1) & (team >= 20)).sum() <= 2, top[["name"]].assign(team=team).to_dict()


class OldEvidence(dict[str, Any]):
    """Activity evidence as the per-row code built it: a dict of lists of dicts per HCP."""

    def add(self, frame: pd.DataFrame, columns: list[str], kind: str) -> None:
        old_top(frame, columns, self, kind)

    def many(self, hcps: Any) -> dict[str, Any]:
        return {h: self[h] for h in hcps if h in self}


def test_paged_reads_equal_the_whole_read(sample_store, monkeypatch):
    """FalkorDB answers whole, so the large tables are read in pages of HCP ids: page by page
    they are the same rows, in the same order, with the same column types as one read."""
    inputs = importlib.import_module("kolgraph.scoring.inputs")
    monkeypatch.setattr(inputs, "PAGE_ROWS", 10)
    assert len(inputs._id_ranges(sample_store, "REFERS_TO")) > 3
    assert len(inputs._id_ranges(sample_store, "AUTHORED")) > 3
    paged = {name: inputs._read(sample_store, name) for name in ("authorships", "referrals")}
    monkeypatch.setattr(type(sample_store), "answers_whole", False)
    whole = {name: inputs._read(sample_store, name) for name in ("authorships", "referrals")}
    assert len(whole["referrals"]) > 50
    pd.testing.assert_frame_equal(paged["authorships"], whole["authorships"])
    # pairs in the same order; rows of one pair (other periods) may come in either order
    pd.testing.assert_frame_equal(
        paged["referrals"][["src", "dst"]], whole["referrals"][["src", "dst"]]
    )
    columns = list(whole["referrals"].columns)
    pd.testing.assert_frame_equal(
        paged["referrals"].sort_values(columns, ignore_index=True),
        whole["referrals"].sort_values(columns, ignore_index=True),
    )


def test_a_lean_run_keeps_only_the_strongest_ties_and_explains_the_same(sample_store):
    """``lean`` (what ``kolgraph score`` runs) drops the read tables and every tie row no
    explanation shows; the scores and every explanation stay those of a full run."""
    full = score_hcps(sample_store, PARAMS)
    lean = score_hcps(sample_store, PARAMS, lean=True)
    pd.testing.assert_frame_equal(lean.frame, full.frame)
    assert full.layers is not None and lean.layers is not None
    for name in ("combined", "coauthorship"):  # the samples' 100 referrals are all kept
        assert len(lean.layers.table(name)) < len(full.layers.table(name)), name
    assert lean.layers.data.authorships.empty and lean.layers.data.referrals.empty
    full_explained, lean_explained = explanations(full), explanations(lean)
    assert lean_explained == full_explained
    # In bulk, numbers are rounded a column at a time; one at a time, by Python's round.
    for hcp in full.frame.index[::5]:
        assert explain_module.explain(full, hcp) == full_explained[hcp], hcp
    ties = [t for e in lean_explained.values() for t in e["evidence"]["ties"]]
    assert any("pmids" in t for t in ties) and any("referrals_in" in t for t in ties)
