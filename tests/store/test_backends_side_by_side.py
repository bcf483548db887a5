"""The same files on both backends give the same graph, the same scores and the same profile.

The shipped samples of every kind that feeds the KOL list are loaded into an embedded
FalkorDB graph and into the live Neo4j of the test session, scored with one seed, and
compared: counts per label and relationship type, the exported HCP table, and the profile
of the top-ranked KOL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.krm.access import Viewer
from kolgraph.krm.profiles import hcp_profile
from kolgraph.scoring import ScoringParams, score_hcps, write_run
from kolgraph.scoring.frame import hcp_frame
from kolgraph.store import GraphStore
from kolgraph.store.falkordb import scratch_graph
from tests.conftest import SAMPLES, neo4j_store

FILES = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("referrals", "referrals-pspp/physician-shared-patient-patterns-2014-days180_subsample100.txt"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("trials", "clinicaltrials-gov/api_v2_study/NCT02210780.json"),
    ("congress", "conference-midl/midl2020_scientific-program.md"),
    ("crm", "crm/engagements_sample.csv"),
]
COMPARED = [
    "name",
    "npi",
    "specialty",
    "institution",
    "city",
    "country",
    "eligible",
    "industry",
    "tier",
    "segment",
    "scope",
    "community",
]
VIEWER = Viewer("side-by-side", "compliance", "compliance")


def _load_and_score(store: GraphStore, rejects: Path) -> pd.DataFrame:
    store.apply_schema()
    for source, relative in FILES:
        run_ingest(store, loader_for(source), SAMPLES / relative, rejects_dir=rejects)
    write_run(
        store, score_hcps(store, ScoringParams(seed=7)), created_at="2025-01-01T00:00:00.000000Z"
    )
    return hcp_frame(store).set_index("id").sort_index()


def _stable(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile without what differs by nature between two stores (load times, float noise
    of the last bits)."""
    drop = {"loaded_at", "data_version"}
    if isinstance(profile, float):
        return round(profile, 9)
    if isinstance(profile, dict):
        return {k: _stable(v) for k, v in profile.items() if k not in drop}
    if isinstance(profile, list):
        return [_stable(v) for v in profile]
    return profile


@pytest.fixture(scope="module")
def both(
    falkordb, neo4j_server, tmp_path_factory
) -> Iterator[tuple[GraphStore, GraphStore, pd.DataFrame, pd.DataFrame]]:
    rejects = tmp_path_factory.mktemp("rejects")
    neo = neo4j_store(neo4j_server)
    try:
        with scratch_graph(falkordb, "side") as falkor:
            yield falkor, neo, _load_and_score(falkor, rejects), _load_and_score(neo, rejects)
    finally:
        neo.clear()
        neo.close()


def test_same_counts_per_label_and_type(both):
    falkor, neo, _, _ = both
    f, n = falkor.counts(), neo.counts()
    assert f["nodes"]["HCP"] > 1000 and f["relationships"]["AUTHORED"] > 1000
    assert f == n


def test_same_exported_hcp_table(both):
    _, _, f, n = both
    assert list(f.index) == list(n.index)
    pd.testing.assert_frame_equal(f[COMPARED], n[COMPARED], check_dtype=False)
    for column in ("influence", "influence_percentile", "pagerank"):
        pd.testing.assert_series_equal(f[column], n[column], check_dtype=False, atol=1e-9, rtol=0)
    assert (f["tier"] == "strategic").sum() > 0


def test_same_profile_of_the_top_kol(both):
    falkor, neo, f, _ = both
    top = f[f["eligible"].astype(bool)].sort_values("influence", ascending=False).index[0]
    f_profile, n_profile = (
        _stable(hcp_profile(s, VIEWER, top).model_dump()) for s in (falkor, neo)
    )
    assert f_profile.keys() == n_profile.keys()
    for section in f_profile:
        assert f_profile[section] == n_profile[section], section
