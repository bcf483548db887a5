"""The notebooks run top to bottom on the embedded store and draw real pictures."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from kolgraph.store import EmbeddedFalkorDB

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PICTURES = {
    "01_kols_of_a_therapeutic_area.ipynb": ["area_network.png", "area_tiers.png"],
    "02_krm_manager_view_of_one_kol.ipynb": ["kol_contact_timeline.png", "spend_by_department.png"],
    "03_kpis_by_department_and_segment.ipynb": [
        "kpis_department_segment.png",
        "field_kpis_by_department.png",
    ],
    "04_score_runs_over_time.ipynb": ["score_runs_over_time.png", "rising_stars.png"],
}


def drawn_share(path: Path) -> float:
    """Share of pixels that differ from the picture's background colour."""
    pixels = mpimg.imread(path)[..., :3]
    background = np.median(pixels.reshape(-1, 3), axis=0)
    return float((np.abs(pixels - background).sum(axis=-1) > 0.1).mean())


def test_every_notebook_is_listed() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(PICTURES)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_notebooks_are_stored_without_outputs(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PICTURES))
def test_notebook_runs_and_draws(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KOLGRAPH_FIGURES", str(tmp_path))
    monkeypatch.setenv("KOLGRAPH_SAMPLES", str(NOTEBOOKS.parent / "data" / "samples"))
    scratch = tmp_path / "tmp"  # the notebook's own store (tempfile.mkdtemp) lands here
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    try:
        NotebookClient(
            notebook,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        ).execute()
    finally:  # a cell that fails before the last one leaves the store running
        for pid_file in scratch.glob("*/*/falkordb.pid"):
            EmbeddedFalkorDB(pid_file.parent).stop()
    for picture in PICTURES[name]:
        path = tmp_path / picture
        assert path.exists(), f"{name} did not save {picture}"
        pixels = mpimg.imread(path)
        assert min(pixels.shape[:2]) >= 200
        assert pixels[..., :3].std() > 0.02, f"{picture} is blank"
        assert drawn_share(path) > 0.04, f"{picture} has almost nothing drawn (empty axes: ~0.02)"
