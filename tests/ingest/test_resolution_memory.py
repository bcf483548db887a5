"""The resolver's in-memory bound (``resolution_profiles``): a run that keeps moving name
blocks to its spill file and back resolves every mention as an unbounded run."""

from __future__ import annotations

from pathlib import Path

from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.store.falkordb import FalkorDBStore

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "samples"
    / "pubmed"
    / "pubmed21n1298_sample_every21st.xml"
)


def _resolutions(store: FalkorDBStore) -> dict[str, str]:
    rows = store.execute(
        "MATCH (m:Mention)-[:RESOLVED_TO]->(h:HCP) RETURN m.id AS m, h.id AS h", {}
    )
    return {row["m"]: row["h"] for row in rows}


def test_a_small_bound_drops_blocks_and_resolves_the_same(
    falkor_store: FalkorDBStore, tmp_path: Path
) -> None:
    bounded = PubmedLoader()
    bounded.configure(Settings(data_dir=tmp_path, resolution_profiles=200))
    run_ingest(falkor_store, bounded, SAMPLE, rejects_dir=tmp_path, batch_size=100)
    small = _resolutions(falkor_store)
    blocks = {
        row["k"]
        for row in falkor_store.execute("MATCH (m:Mention) RETURN DISTINCT m.name_key AS k", {})
    }
    index = bounded.resolution_index
    assert index is not None and bounded.max_profiles == 200
    assert len(index.cache.blocks) < len(blocks) / 4  # most blocks were moved out along the way
    assert index.cache.n_spilled > len(blocks) / 2 and index.cache.n_restored > 100  # and came back
    falkor_store.clear()
    unbounded = PubmedLoader()
    run_ingest(falkor_store, unbounded, SAMPLE, rejects_dir=tmp_path / "again", batch_size=100)
    assert unbounded.max_profiles == 500_000
    assert len(unbounded.resolution_index.cache.blocks) > len(blocks) * 0.9
    assert _resolutions(falkor_store) == small and len(small) > 1000


def test_the_bound_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("KOLGRAPH_RESOLUTION_PROFILES", "12345")
    loader = PubmedLoader()
    loader.configure(Settings())
    assert loader.max_profiles == 12345


def test_a_bound_below_the_batches_blocks_says_so_once(
    falkor_store: FalkorDBStore, tmp_path: Path, caplog
) -> None:
    """The blocks of the current batch stay in memory: a bound below what they hold cannot
    be kept, and the run says which setting to change instead of ignoring it."""
    loader = PubmedLoader()
    loader.configure(Settings(data_dir=tmp_path, resolution_profiles=10))
    with caplog.at_level("WARNING", logger="kolgraph.resolution.resolver"):
        run_ingest(falkor_store, loader, SAMPLE, rejects_dir=tmp_path, batch_size=100)
    warnings = [
        message for r in caplog.records if "resolution_profiles=10" in (message := r.getMessage())
    ]
    assert len(warnings) == 1 and "lower the batch size" in warnings[0]
    assert loader.resolution_index is not None and loader.resolution_index.cache.over_bound
    caplog.clear()
    falkor_store.clear()
    roomy = PubmedLoader()
    roomy.configure(Settings(data_dir=tmp_path, resolution_profiles=2000))
    with caplog.at_level("WARNING", logger="kolgraph.resolution.resolver"):
        run_ingest(falkor_store, roomy, SAMPLE, rejects_dir=tmp_path / "again", batch_size=100)
    assert roomy.resolution_index is not None and roomy.resolution_index.cache.n_profiles <= 2000
    assert not [r for r in caplog.records if "resolution_profiles" in r.getMessage()]
