"""A full scoring run on a seeded store: explanations, reproducibility, areas, history."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from kolgraph.errors import ScoringError
from kolgraph.exchange.snapshot import iter_nodes
from kolgraph.krm.access import Viewer
from kolgraph.krm.profiles import hcp_profile
from kolgraph.scoring import (
    COMPONENTS,
    ScoringParams,
    explain,
    explanations,
    score_hcps,
    write_run,
)
from kolgraph.scoring.frame import (
    EXPORT_COLUMNS,
    explanation_of,
    export_hcps,
    hcp_frame,
    history_frame,
    run_frame,
)
from kolgraph.scoring.runs import HCP_PROPERTIES, delete_run
from kolgraph.store import GraphStore, score_pages, statements
from kolgraph.store.packing import PREFIX, pack
from kolgraph.store.score_pages import run_records
from tests.scoring.conftest import physicians

ADA, BO, CY, DI, ED = (f"npi:100000000{i}" for i in range(1, 6))
FLO = "orcid:0000-0001-0000-0006"


def test_every_explanation_sums_to_the_score(world):
    result = score_hcps(world)
    for hcp in result.frame.index:
        why = explain(result, hcp)
        total = sum(c["contribution"] for c in why["components"])
        assert total == pytest.approx(why["influence"], abs=1e-5)
        assert 0.0 <= why["influence"] <= 100.0
    parts = result.frame[[f"contribution_{c}" for c in COMPONENTS]].sum(axis=1)
    assert np.allclose(parts.to_numpy(), result.frame["influence"].to_numpy(), atol=1e-9)


def test_explanation_names_the_evidence(world):
    why = explain(score_hcps(world), ADA)
    assert {p["pmid"] for p in why["evidence"]["papers"]} == {"101", "102", "103", "104"}
    assert why["evidence"]["congress_roles"][0]["role"] == "chair"
    assert why["evidence"]["trials"][0]["nct_id"] == "NCT00000001"
    strongest = why["evidence"]["ties"][0]
    assert strongest["hcp"] == CY and set(strongest["pmids"]) == {"102", "104"}
    assert strongest["chaired_by"] == [ADA]
    assert why["tier"]["accepted"] == 2


def test_same_data_params_and_seed_give_identical_scores(world):
    params = ScoringParams(seed=3, exact_limit=3, betweenness_samples=3, harmonic_samples=2)
    first = score_hcps(world, params).frame
    second = score_hcps(world, params).frame
    pd.testing.assert_frame_equal(first, second)


def test_ada_leads_and_isolated_ed_trails(world):
    frame = score_hcps(world).frame
    assert frame.loc[[ADA, CY], "rank"].max() <= 2
    assert frame.loc[ED, "scientific"] == 0.0 and frame.loc[ED, "referral"] == 0.0
    # hyper-prolific dampening: scientific raw is log1p of the weighted paper sum
    assert frame.loc[ADA, "scientific_raw"] < 2.0


def test_tiers_use_cooperation_and_potential(world):
    params = ScoringParams(strategic_percentile=70.0, potential_percentile=50.0, high_potential=0)
    frame = score_hcps(world, params).frame
    assert frame.loc[ADA, "cooperation"] == pytest.approx(3 / 4)
    assert frame.loc[CY, "cooperation"] == pytest.approx(1 / 5)
    assert frame.loc[ADA, "tier"] == "strategic"
    # Cy is in the top percentiles but declined every engagement: not strategic
    assert frame.loc[CY, "influence_percentile"] >= 70 and frame.loc[CY, "tier"] == "potential"
    assert "but cooperation 0.20 < 0.3" in frame.loc[CY, "tier_reason"]
    assert set(frame["segment"].dropna()) <= {"A", "B", "C"}


def test_scope_from_ties_congresses_and_institutions(world):
    frame = score_hcps(world).frame
    assert frame.loc[DI, "scope"] == "international"  # co-authors in the US
    assert frame.loc[FLO, "scope"] == "international"  # Paris institution, US co-author, ADA
    assert frame.loc[ED, "scope"] == "local"  # refers within Boston only
    assert frame.loc[BO, "scope_local"] == 2


def test_area_keeps_the_mesh_subtree(world):
    diabetes = score_hcps(world, ScoringParams(area="D003920")).frame
    assert set(diabetes.index) == {ADA, BO, CY, DI, FLO}  # D003924 is under D003920
    cancer = score_hcps(world, ScoringParams(area="Neoplasms")).frame
    assert set(cancer.index) == {ADA, DI, FLO}
    by_tree = score_hcps(world, ScoringParams(area="C18.452")).frame
    assert set(by_tree.index) == set(diabetes.index)


def test_a_lean_run_scores_and_explains_as_a_full_one(world):
    """``lean`` drops the read tables before the network metrics; nothing it writes back
    (scores, explanations with their papers and ties) changes."""
    full, lean = score_hcps(world), score_hcps(world, lean=True)
    pd.testing.assert_frame_equal(lean.frame, full.frame)
    assert explanations(lean) == explanations(full)
    assert any(e["evidence"].get("papers") for e in explanations(lean).values())
    assert any(e["evidence"].get("ties") for e in explanations(lean).values())
    assert len(full.layers.data.authorships) and len(full.layers.data.referrals)
    assert lean.layers.data.authorships.empty and lean.layers.data.referrals.empty
    assert lean.activity.papers.empty and not full.activity.papers.empty
    assert "src" not in lean.layers.referral and "u" not in lean.layers.coauthorship


def test_unknown_area_says_what_to_give(world):
    with pytest.raises(ScoringError, match="MeSH id"):
        score_hcps(world, ScoringParams(area="D999999"))


def test_window_drops_older_papers(world):
    recent = score_hcps(world, ScoringParams(since=2021))
    assert recent.info["reference_year"] == 2023
    papers = recent.activity.papers
    assert set(papers["pmid"]) == {"104", "105", "106", "107"}


def test_rising_star_is_flagged_with_its_series(world):
    result = score_hcps(world, ScoringParams(rising_quantile=0.5))
    frame = result.frame
    assert bool(frame.loc[FLO, "rising_star"])  # 0, 0, 0, 1, 2 papers with growing ties
    assert not bool(frame.loc[ED, "rising_star"])
    why = explain(result, FLO)["rising"]
    assert why["years"] == [2019, 2020, 2021, 2022, 2023] and why["output"][-1] > 0


def test_run_is_stored_with_history_and_hcp_properties(world):
    first = write_run(world, score_hcps(world), created_at="2024-01-01T00:00:00Z")
    second = write_run(
        world, score_hcps(world, ScoringParams(area="D003920")), created_at="2024-02-01T00:00:00Z"
    )
    runs = run_frame(world)
    assert runs["id"].tolist() == [first, second]
    assert json.loads(runs.loc[0, "parameters"])["seed"] == 0
    history = history_frame(world, ADA)
    assert history["run_id"].tolist() == [first, second]
    assert history["rank"].notna().all()
    everyone = history_frame(world)
    assert everyone[everyone["hcp_id"] == ADA].reset_index(drop=True).equals(history)
    assert everyone["hcp_id"].nunique() > 1
    hcps = hcp_frame(world).set_index("id")
    assert hcps.loc[ADA, "score_run"] == first  # the area run leaves HCP properties alone
    stored = explanation_of(world, first, ADA)
    assert sum(c["contribution"] for c in stored["components"]) == pytest.approx(
        stored["influence"], abs=1e-5
    )


def test_a_whole_run_sets_every_latest_property_on_its_hcps(world):
    """A run over all evidence copies each HCP's numbers, tier, segment, scope, place and
    community onto its node (sent as lists in the statement's order), NaN as no value."""
    result = score_hcps(world)
    run_id = write_run(world, result)
    stored = {node["id"]: node for node in iter_nodes(world, "HCP")}
    checked = 0
    for hcp, row in result.frame.iterrows():
        assert stored[hcp]["score_run"] == run_id
        for name in HCP_PROPERTIES:
            expected, got = score_pages.plain(row[name]), stored[hcp].get(name)
            if isinstance(expected, float):
                assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), (hcp, name)
            else:
                assert got == expected, (hcp, name)
            checked += expected is not None
    assert checked > len(result.frame) * len(HCP_PROPERTIES) // 2


def test_the_latest_scores_statement_sets_the_properties_in_order():
    """Rows of ``scoring_write_hcp_latest`` are lists: row[i] must be the i-th property."""
    for dialect in ("falkordb", "neo4j"):
        text = statements.render("scoring_write_hcp_latest", dialect)
        assigned = re.findall(r"h\.(\w+) = row\[(\d+)\]", text)
        assert assigned == [(name, str(i + 1)) for i, name in enumerate(HCP_PROPERTIES)]


def test_a_profile_shows_the_run_its_hcp_carries_not_a_later_area_run(world):
    whole = write_run(world, score_hcps(world), created_at="2024-01-01T00:00:00Z")
    area = score_hcps(world, ScoringParams(area="D003920"))
    write_run(world, area, created_at="2024-02-01T00:00:00Z")
    viewer = Viewer("k", "medical_affairs", "medical_affairs")
    profile = hcp_profile(world, viewer, ADA)
    assert profile.score_run is not None and profile.score_run.id == whole
    assert profile.explanation == explanation_of(world, whole, ADA)


def test_stored_explanations_are_strict_json_for_unranked_people_too(world):
    """Unranked people have no tier or segment: null in the JSON, never NaN (which JSON
    parsers outside Python refuse)."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    run_id = write_run(world, score_hcps(world))
    records = list(run_records(world, run_id))
    stored = [json.loads(r["explanation"], parse_constant=refuse) for r in records]
    unranked = [e for e in stored if not e["eligibility"]["ranked"]]
    assert unranked, "the world should hold people who are not ranked"
    assert all(e["tier"]["tier"] is None and e["segment"]["segment"] is None for e in unranked)
    assert len({r["hcp_id"] for r in records}) == len(records) == len(hcp_frame(world))


def test_a_run_is_stored_in_packed_pages_that_every_reader_sees_alike(world, monkeypatch):
    """Pages of two HCPs (six HCPs: three pages) hold id ranges that do not overlap; each
    page's scores and explanations are packed; history, the stored explanation, the
    profile and the snapshot export read the same records."""
    monkeypatch.setattr(score_pages, "PAGE_HCPS", 2)
    result = score_hcps(world)
    run_id = write_run(world, result)
    pages = world.run("scoring_run_pages", run_id=run_id)
    assert [p["page"] for p in pages] == [0, 1, 2]
    bounds = [(p["first_hcp"], p["last_hcp"]) for p in iter_nodes(world, "ScorePage")]
    assert sorted(bounds) == [(ADA, BO), (CY, DI), (ED, FLO)]
    raw = [p["explanations"] for p in pages] + [p["scores"] for p in pages]
    assert all(text.startswith(PREFIX) for text in raw)
    records = {r["hcp_id"]: r for r in run_records(world, run_id)}
    assert sorted(records) == sorted(result.frame.index)
    for hcp, row in result.frame.iterrows():
        assert records[hcp]["rank"] == row["rank"]
        assert records[hcp]["tier"] == (row["tier"] if isinstance(row["tier"], str) else None)
        assert records[hcp]["influence"] == pytest.approx(row["influence"])
        assert explanation_of(world, run_id, hcp) == json.loads(records[hcp]["explanation"])
    history = history_frame(world).set_index("hcp_id")
    assert history.loc[CY, "rank"] == result.frame.loc[CY, "rank"]
    viewer = Viewer("k", "medical_affairs", "medical_affairs")
    assert hcp_profile(world, viewer, ED).explanation == explanation_of(world, run_id, ED)


def test_runs_stored_one_score_node_per_hcp_are_still_read(world):
    """Runs written before pages (a Score node per HCP) keep their history, profile and
    deletion beside runs stored in pages."""
    paged = write_run(world, score_hcps(world), created_at="2024-02-01T00:00:00Z")
    old = "run:2023-01-01T00:00:00Z:old"
    world.upsert_nodes("ScoreRun", [{"id": old, "props": {"created_at": "2023-01-01T00:00:00Z"}}])
    text = json.dumps({"influence": 12.5, "rank": 1})
    world.write(
        "scoring_write_scores",
        [
            {
                "id": f"score:{old}:{ADA}",
                "hcp": ADA,
                "i": 0,
                "rank": 1,
                "props": {"influence": 12.5, "tier": "strategic", "segment": "A"},
            }
        ],
        run=old,
        texts=[pack(text) if world.packs_text else text],
    )
    history = history_frame(world, ADA)
    assert history["run_id"].tolist() == [old, paged]
    assert history["tier"].tolist()[0] == "strategic"
    assert explanation_of(world, old, ADA) == {"influence": 12.5, "rank": 1}
    viewer = Viewer("k", "medical_affairs", "medical_affairs")
    assert hcp_profile(world, viewer, ADA).score_run.id == paged  # the run the HCP carries
    assert delete_run(world, old) == 1
    assert history_frame(world, ADA)["run_id"].tolist() == [paged]


def test_export_writes_every_required_column(world, tmp_path):
    write_run(world, score_hcps(world))
    for fmt in ("csv", "parquet"):
        path = tmp_path / f"hcps.{fmt}"
        assert export_hcps(world, path, fmt) == 6
        frame = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
        assert list(frame.columns) == list(EXPORT_COLUMNS)
        assert frame["influence"].between(0, 100).all()


def test_export_before_scoring_says_what_to_run(store):
    with pytest.raises(ScoringError, match="kolgraph score"):
        hcp_frame(store)


def test_physicians_referral_network_through_the_store(store: GraphStore):
    graph = physicians()
    store.upsert_nodes(
        "HCP", [{"id": f"hcp:{n}", "props": {"name": f"Physician {n}"}} for n in graph]
    )
    store.upsert_relationships(
        "HCP",
        "REFERS_TO",
        "HCP",
        [
            {"start": f"hcp:{u}", "end": f"hcp:{v}", "props": {"pair_count": 11}}
            for u, v in graph.edges
        ],
    )
    result = score_hcps(store)
    frame = result.frame
    ref = nx.pagerank(nx.relabel_nodes(graph, lambda n: f"hcp:{n}"), tol=1e-10)
    nodes = list(ref)
    rho = spearmanr(frame.loc[nodes, "referral_pagerank"], [ref[n] for n in nodes]).statistic
    assert rho >= 0.999
    assert result.info["n_communities"] >= 4  # four towns
    assert result.info["modularity"] > 0.6
    assert [p["node"] for p in result.info["portfolio_communities"][:4]] and len(
        {p["community"] for p in result.info["portfolio_communities"]}
    ) == min(10, result.info["n_communities"])
    assert np.isfinite(frame["influence"]).all()
